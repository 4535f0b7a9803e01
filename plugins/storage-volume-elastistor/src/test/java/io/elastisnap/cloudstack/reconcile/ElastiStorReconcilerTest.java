// Licensed under the Apache License, Version 2.0. See LICENSE in the project root.
package io.elastisnap.cloudstack.reconcile;

import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertTrue;

import java.util.Arrays;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.stream.Collectors;

import org.junit.After;
import org.junit.Before;
import org.junit.Test;

import com.cloud.storage.Snapshot;

import io.elastisnap.cloudstack.array.ArraySnapshotLocation;
import io.elastisnap.cloudstack.array.ElastiStorArray;
import io.elastisnap.cloudstack.record.VmSnapshotVolume;
import io.elastisnap.cloudstack.record.VolumeSnapshotRecord;
import io.elastisnap.cloudstack.testsupport.Entities;
import io.elastisnap.cloudstack.testsupport.FakeDb;
import io.elastisnap.cloudstack.testsupport.SimulatedPools;
import io.elastisnap.cloudstack.testsupport.Wiring;
import io.elastisnap.simulator.ElastiCenterSimulator;

public class ElastiStorReconcilerTest {
    private FakeDb db;
    private SimulatedPools pools;
    private ElastiCenterSimulator ec;
    private ElastiStorArray array;
    private ElastiStorReconciler reconciler;
    private Entities.Vol volume;

    @Before
    public void setUp() {
        db = new FakeDb();
        pools = new SimulatedPools(db);
        ec = pools.add(1L);
        array = pools.arrays.forPool(1L);
        reconciler = Wiring.inject(new ElastiStorReconciler(), db.poolDao, db.volumeDao, db.snapshotDao, db.snapshotDetails,
                db.vmSnapshotDao, db.vmSnapshotDetails, pools.arrays, pools.settings);
        db.vm(21L, com.cloud.vm.VirtualMachine.State.Stopped, null);
        volume = db.volume(11L, 1L, 21L);
        volume.folder = ec.provisionVolume("cs11", 1L << 30).id();

        String recorded = array.createSnapshot(volume.folder, VolumeSnapshotRecord.arraySnapshotName("snap-uuid-41"));
        db.snapshots.put(41L, new Entities.Snap(41L, 11L, Snapshot.State.BackedUp));
        VolumeSnapshotRecord.save(db.snapshotDetails, 41L, new ArraySnapshotLocation(1L, volume.folder, recorded));
        String inVmSnapshot = array.createSnapshot(volume.folder, VmSnapshotVolume.arraySnapshotName("vmsnap-uuid-100", 11));
        db.vmSnapshot(100L, 21L);
        new VmSnapshotVolume(11L, new ArraySnapshotLocation(1L, volume.folder, inVmSnapshot)).save(db.vmSnapshotDetails, 100L);
        array.createSnapshot(volume.folder, "admin-manual-backup");
    }

    @After
    public void tearDown() {
        pools.close();
    }

    private Set<String> onArray() {
        return new HashSet<>(ec.snapshotPaths(volume.folder));
    }

    private static List<String> names(List<ElastiStorReconciler.Orphan> orphans) {
        return orphans.stream().map(o -> o.snapshot().name()).sorted().collect(Collectors.toList());
    }

    @Test
    public void reportsOnlyOurSnapshotsThatNoRecordMentions() {
        array.createSnapshot(volume.folder, "cs-crashed-before-record");
        Set<String> before = onArray();

        ElastiStorReconciler.Report report = reconciler.reconcile(false);

        assertEquals(Arrays.asList("cs-crashed-before-record"), names(report.orphans));
        assertTrue(report.removed.isEmpty());
        assertEquals("reporting removes nothing", before, onArray());
    }

    @Test
    public void removalTakesOnlyOrphansConfirmedByThePreviousRunAndNeverClonedOnes() {
        String orphan = array.createSnapshot(volume.folder, "cs-orphan");
        String cloned = array.createSnapshot(volume.folder, "cs-orphan-cloned");
        pools.arrays.client(1L).cloneDatasetSnapshot(volume.folder, cloned, "clone1");
        reconciler.reconcile(false);
        String late = array.createSnapshot(volume.folder, "cs-being-recorded");

        ElastiStorReconciler.Report report = reconciler.reconcile(true);

        assertEquals(Arrays.asList("cs-being-recorded", "cs-orphan", "cs-orphan-cloned"), names(report.orphans));
        assertEquals(Arrays.asList("cs-orphan"), names(report.removed));
        assertTrue(!onArray().contains(orphan) && onArray().contains(late) && onArray().contains(cloned));
        assertEquals(5, onArray().size());
    }

    /** CloudStack 4.22's one-argument VolumeDao.findByPoolId lists ROOT volumes only: data disks were never looked at. */
    @Test
    public void orphansOfRootAndDataDisksAreBothFound() {
        Entities.Vol root = db.volume(12L, 1L, 21L);
        root.type = com.cloud.storage.Volume.Type.ROOT;
        root.folder = ec.provisionVolume("cs12", 1L << 30).id();
        array.createSnapshot(root.folder, "cs-orphan-of-root");
        array.createSnapshot(volume.folder, "cs-orphan-of-data-disk");

        assertEquals(Arrays.asList("cs-orphan-of-data-disk", "cs-orphan-of-root"), names(reconciler.reconcile(false).orphans));
    }

    @Test
    public void aDestroyedSnapshotsArraySnapshotIsAnOrphan() {
        db.snapshots.get(41L).state = Snapshot.State.Destroyed;
        assertEquals(Arrays.asList("cs-snap-uuid-41"), names(reconciler.reconcile(false).orphans));
    }
}
