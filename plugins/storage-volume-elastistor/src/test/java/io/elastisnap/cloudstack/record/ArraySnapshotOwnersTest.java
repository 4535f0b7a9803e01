// Licensed under the Apache License, Version 2.0. See LICENSE in the project root.
package io.elastisnap.cloudstack.record;

import static org.junit.Assert.assertFalse;
import static org.junit.Assert.assertTrue;

import org.junit.Test;

import com.cloud.storage.Snapshot;
import com.cloud.vm.snapshot.VMSnapshot;

import io.elastisnap.cloudstack.testsupport.Entities;
import io.elastisnap.cloudstack.testsupport.FakeDb;

/** Orphans are told from snapshots CloudStack owns by their names alone, also while a take is still running. */
public class ArraySnapshotOwnersTest {
    private final FakeDb db = new FakeDb();

    private Entities.Snap snapshot(long id, Snapshot.State state) {
        Entities.Snap snapshot = new Entities.Snap(id, 11L, state);
        db.snapshots.put(id, snapshot);
        return snapshot;
    }

    @Test
    public void aVolumeSnapshotsArraySnapshotIsOwnedUntilItFailsOrIsDeleted() {
        snapshot(41L, Snapshot.State.Creating);
        snapshot(42L, Snapshot.State.BackedUp);
        snapshot(43L, Snapshot.State.Error);
        snapshot(44L, Snapshot.State.Destroyed);
        assertFalse("a take still running (no details yet)", db.owners.isOrphan(VolumeSnapshotRecord.arraySnapshotName("snap-uuid-41")));
        assertFalse(db.owners.isOrphan(VolumeSnapshotRecord.arraySnapshotName("snap-uuid-42")));
        assertTrue("left by a killed take", db.owners.isOrphan(VolumeSnapshotRecord.arraySnapshotName("snap-uuid-43")));
        assertTrue(db.owners.isOrphan(VolumeSnapshotRecord.arraySnapshotName("snap-uuid-44")));
        assertTrue("no row at all", db.owners.isOrphan(VolumeSnapshotRecord.arraySnapshotName("snap-uuid-45")));
    }

    @Test
    public void aVmSnapshotsArraySnapshotsAreOwnedUntilItFailsOrIsRemoved() {
        db.vmSnapshot(100L, 21L).state = VMSnapshot.State.Creating;
        db.vmSnapshot(101L, 21L).state = VMSnapshot.State.Error;
        db.vmSnapshot(102L, 21L).removed = true;
        assertFalse(db.owners.isOrphan(VmSnapshotVolume.arraySnapshotName("vmsnap-uuid-100", 11L)));
        assertTrue(db.owners.isOrphan(VmSnapshotVolume.arraySnapshotName("vmsnap-uuid-101", 11L)));
        assertTrue(db.owners.isOrphan(VmSnapshotVolume.arraySnapshotName("vmsnap-uuid-102", 11L)));
        assertTrue(db.owners.isOrphan(VmSnapshotVolume.arraySnapshotName("vmsnap-uuid-103", 12L)));
    }

    @Test
    public void namesThisPluginNeverGivesAreTheAdministratorsAndNeverOrphans() {
        assertFalse(db.owners.isOrphan("nightly-backup"));
        assertFalse(db.owners.isOrphan("vms-"));
    }
}
