// Licensed under the Apache License, Version 2.0. See LICENSE in the project root.
package io.elastisnap.cloudstack.record;

import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertFalse;
import static org.junit.Assert.assertTrue;
import static org.junit.Assert.fail;

import java.util.Arrays;
import java.util.Collections;
import java.util.stream.Collectors;

import org.junit.Test;

import com.cloud.utils.exception.CloudRuntimeException;

import io.elastisnap.cloudstack.ElastiStorPool;
import io.elastisnap.cloudstack.array.ArraySnapshotLocation;
import io.elastisnap.cloudstack.testsupport.FakeDb;

/** The typed records are the one reader and writer of the snapshot and VM snapshot details the plugin owns. */
public class SnapshotRecordsTest {
    private final FakeDb db = new FakeDb();

    @Test
    public void aVolumeSnapshotRecordReadsBackWhatItWroteAsHiddenDetails() {
        VolumeSnapshotRecord.save(db.snapshotDetails, 41L, new ArraySnapshotLocation(7L, "es-vol-1", "pool/es-vol-1@cs-uuid"));

        ArraySnapshotLocation read = VolumeSnapshotRecord.find(db.snapshotDetails, 41L).get();

        assertEquals(7L, read.poolId());
        assertEquals("es-vol-1", read.esVolumeId());
        assertEquals("pool/es-vol-1@cs-uuid", read.path());
        for (String key : Arrays.asList(ElastiStorPool.SNAPSHOT_POOL_ID, ElastiStorPool.SNAPSHOT_ARRAY_VOLUME,
                ElastiStorPool.SNAPSHOT_ARRAY_PATH)) {
            assertFalse(key, db.isDisplayed(com.cloud.storage.dao.SnapshotDetailsDao.class, 41L, key));
        }
    }

    @Test
    public void aSnapshotWithoutACompleteRecordHasNone() {
        assertFalse(VolumeSnapshotRecord.find(db.snapshotDetails, 41L).isPresent());
        db.snapshotDetails.addDetail(41L, ElastiStorPool.SNAPSHOT_ARRAY_PATH, "pool/v@cs-1", false);
        assertFalse(VolumeSnapshotRecord.find(db.snapshotDetails, 41L).isPresent());
    }

    @Test
    public void vmSnapshotVolumesReadBackInVolumeOrderAndOneAtATime() {
        new VmSnapshotVolume(12L, new ArraySnapshotLocation(1L, "es-b", "pool/es-b@vms-x-12")).save(db.vmSnapshotDetails, 100L);
        new VmSnapshotVolume(11L, new ArraySnapshotLocation(1L, "es-a", "pool/es-a@vms-x-11")).save(db.vmSnapshotDetails, 100L);
        db.vmSnapshotDetails.addDetail(100L, ElastiStorPool.SNAPSHOT_CONSISTENCY, "FS_FROZEN", true);

        assertEquals(Arrays.asList(11L, 12L), VmSnapshotVolume.findAll(db.vmSnapshotDetails, 100L).stream()
                .map(VmSnapshotVolume::volumeId).collect(Collectors.toList()));
        assertEquals("pool/es-b@vms-x-12", VmSnapshotVolume.find(db.vmSnapshotDetails, 100L, 12L).get().location().path());
        assertFalse(VmSnapshotVolume.find(db.vmSnapshotDetails, 100L, 13L).isPresent());

        VmSnapshotVolume.find(db.vmSnapshotDetails, 100L, 11L).get().remove(db.vmSnapshotDetails, 100L);
        assertEquals(Collections.singletonList(12L), VmSnapshotVolume.findAll(db.vmSnapshotDetails, 100L).stream()
                .map(VmSnapshotVolume::volumeId).collect(Collectors.toList()));
    }

    @Test
    public void anUnreadableVmSnapshotDetailIsAClearError() {
        db.vmSnapshotDetails.addDetail(100L, ElastiStorPool.VM_SNAPSHOT_VOLUME_PREFIX + 11, "1|es-a", false);
        try {
            VmSnapshotVolume.findAll(db.vmSnapshotDetails, 100L);
            fail();
        } catch (CloudRuntimeException e) {
            assertTrue(e.getMessage(), e.getMessage().contains("Unreadable ElastiStor VM snapshot detail elastistor.volume.11=1|es-a"));
        }
    }

    @Test
    public void theNamesOfBothKindsAreTellable() {
        assertTrue(VolumeSnapshotRecord.isArraySnapshotName(VolumeSnapshotRecord.arraySnapshotName("uuid")));
        assertTrue(VmSnapshotVolume.isArraySnapshotName(VmSnapshotVolume.arraySnapshotName("uuid", 11)));
        assertFalse(VolumeSnapshotRecord.isArraySnapshotName("admin-backup"));
        assertEquals("vms-uuid-11", VmSnapshotVolume.arraySnapshotName("uuid", 11));
    }
}
