// Licensed under the Apache License, Version 2.0. See LICENSE in the project root.
package io.elastisnap.cloudstack.pool;

import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertFalse;
import static org.junit.Assert.assertTrue;
import static org.junit.Assert.fail;

import java.util.Map;

import org.apache.cloudstack.engine.subsystem.api.storage.StrategyPriority;
import org.junit.After;
import org.junit.Before;
import org.junit.Rule;
import org.junit.Test;
import org.junit.rules.TemporaryFolder;

import com.cloud.storage.Storage.StoragePoolType;
import com.cloud.utils.exception.CloudRuntimeException;
import com.cloud.vm.snapshot.VMSnapshot;

import io.elastisnap.cloudstack.ElastiStorPool;
import io.elastisnap.cloudstack.testsupport.Entities;
import io.elastisnap.simulator.Fault;

/** VM snapshots of a VM whose disks are files on one adopted pool: one freeze, ONE pool snapshot, deleted with the VM snapshot. */
public class AdoptedPoolVmSnapshotTest {
    @Rule
    public TemporaryFolder temp = new TemporaryFolder();

    private AdoptedPoolTestBed bed;
    private String poolVolume;

    @Before
    public void setUp() throws Exception {
        bed = new AdoptedPoolTestBed(temp.getRoot().toPath(), temp.newFolder("pool-mount").toPath(), null);
        poolVolume = bed.ec.provisionVolume("pool-fs", 1L << 30).id();
        bed.adopt(poolVolume);
        bed.volume(11, "root-0001.qcow2");
        bed.volume(12, "data-0002.qcow2");
    }

    @After
    public void tearDown() {
        bed.close();
    }

    @Test
    public void aVmSnapshotIsOneFreezeAndOnePoolSnapshotForAllTheVmsDisksOnThePool() {
        Entities.VmSnap vmSnapshot = bed.db.vmSnapshot(100, AdoptedPoolTestBed.VM);
        assertEquals(StrategyPriority.HIGHEST, bed.vmStrategy.canHandle(AdoptedPoolTestBed.VM, AdoptedPoolTestBed.POOL, false));
        assertEquals("disk-only", StrategyPriority.CANT_HANDLE,
                bed.vmStrategy.canHandle(AdoptedPoolTestBed.VM, AdoptedPoolTestBed.POOL, true));
        assertEquals(StrategyPriority.HIGHEST, bed.vmStrategy.canHandle(vmSnapshot));

        bed.vmStrategy.takeVMSnapshot(vmSnapshot);

        assertEquals(VMSnapshot.State.Ready, vmSnapshot.state);
        assertEquals(1, bed.ec.snapshotPaths(poolVolume).size());
        assertEquals(1, bed.guest.count("freeze"));
        assertEquals(1, bed.guest.count("thaw"));
        Map<String, String> details = bed.db.detailsOf(bed.db.vmSnapshotDetailRows, 100);
        assertEquals("root-0001.qcow2", details.get(PoolVmSnapshotStrategy.VOLUME_FILE_PREFIX + 11));
        assertEquals("data-0002.qcow2", details.get(PoolVmSnapshotStrategy.VOLUME_FILE_PREFIX + 12));
        assertEquals("FS_FROZEN", details.get(ElastiStorPool.SNAPSHOT_CONSISTENCY));
        assertEquals(Boolean.TRUE, vmSnapshot.getCurrent());

        assertTrue(bed.vmStrategy.deleteVMSnapshot(vmSnapshot));
        assertTrue(bed.ec.snapshotPaths(poolVolume).isEmpty());
        assertTrue(vmSnapshot.removed);
    }

    @Test
    public void expungingTheVmDeletesItsPoolSnapshotsToo() {
        Entities.VmSnap vmSnapshot = bed.db.vmSnapshot(100, AdoptedPoolTestBed.VM);
        bed.vmStrategy.takeVMSnapshot(vmSnapshot);
        assertEquals(1, bed.ec.snapshotPaths(poolVolume).size());

        assertTrue(bed.vmStrategy.deleteVMSnapshotFromDB(vmSnapshot, false));

        assertTrue("the pool volume stays, so its snapshot must not", bed.ec.snapshotPaths(poolVolume).isEmpty());
        assertTrue(vmSnapshot.removed);
    }

    @Test
    public void aVmWithADiskOnAnotherPoolIsLeftToCloudStack() {
        Entities.Pool other = bed.db.pool(7L, "DefaultPrimary");
        other.type = StoragePoolType.NetworkFilesystem;
        bed.db.volume(13, 7L, AdoptedPoolTestBed.VM).path = "other.qcow2";
        assertEquals(StrategyPriority.CANT_HANDLE, bed.vmStrategy.canHandle(AdoptedPoolTestBed.VM, AdoptedPoolTestBed.POOL, false));
        assertEquals(StrategyPriority.CANT_HANDLE, bed.vmStrategy.canHandle(bed.db.vmSnapshot(100, AdoptedPoolTestBed.VM)));
    }

    @Test
    public void aFailedPoolSnapshotLeavesTheVmSnapshotInErrorWithNothingOnTheArray() {
        bed.ec.faults().inject("createStorageSnapshot", Fault.error(530, "pool is busy").times(1));
        Entities.VmSnap vmSnapshot = bed.db.vmSnapshot(100, AdoptedPoolTestBed.VM);
        try {
            bed.vmStrategy.takeVMSnapshot(vmSnapshot);
            fail("the array refused");
        } catch (CloudRuntimeException e) {
            assertTrue(e.getMessage(), e.getMessage().contains("pool is busy"));
        }
        assertEquals(VMSnapshot.State.Error, vmSnapshot.state);
        assertFalse(bed.guest.isFrozen());
        assertTrue(bed.ec.snapshotPaths(poolVolume).isEmpty());
        assertTrue(bed.db.detailsOf(bed.db.vmSnapshotDetailRows, 100).get(ElastiStorPool.SNAPSHOT_FAILURE).contains("pool is busy"));
    }
}
