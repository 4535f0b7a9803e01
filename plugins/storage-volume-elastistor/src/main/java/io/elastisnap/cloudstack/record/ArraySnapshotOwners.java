// Licensed under the Apache License, Version 2.0. See LICENSE in the project root.
package io.elastisnap.cloudstack.record;

import java.util.Optional;

import javax.inject.Inject;

import com.cloud.storage.Snapshot;
import com.cloud.storage.SnapshotVO;
import com.cloud.storage.dao.SnapshotDao;
import com.cloud.vm.snapshot.VMSnapshot;
import com.cloud.vm.snapshot.VMSnapshotVO;
import com.cloud.vm.snapshot.dao.VMSnapshotDao;

/**
 * Tells an array snapshot CloudStack owns from an orphan by its name alone, so that it holds while a take is still
 * running (the row exists before the array snapshot, its details only after): {@code cs-<uuid>} belongs to a volume
 * snapshot and {@code vms-<uuid>-<volume id>} to a VM snapshot that exists and is neither failed nor deleted. A
 * management server killed mid-take leaves its snapshot in Error (or no row at all): what it left on the array is an
 * orphan. Names this plugin never gives are neither: they are the administrator's.
 */
public final class ArraySnapshotOwners {
    @Inject
    private SnapshotDao snapshotDao;
    @Inject
    private VMSnapshotDao vmSnapshotDao;

    public ArraySnapshotOwners() {
    }

    public ArraySnapshotOwners(SnapshotDao snapshotDao, VMSnapshotDao vmSnapshotDao) {
        this.snapshotDao = snapshotDao;
        this.vmSnapshotDao = vmSnapshotDao;
    }

    /** Named by this plugin, and no live CloudStack snapshot or VM snapshot owns it. */
    public boolean isOrphan(String arraySnapshotName) {
        Optional<String> snapshotUuid = VolumeSnapshotRecord.snapshotUuidOf(arraySnapshotName);
        if (snapshotUuid.isPresent()) {
            SnapshotVO snapshot = snapshotDao.findByUuidIncludingRemoved(snapshotUuid.get());
            return snapshot == null || snapshot.getState() == Snapshot.State.Destroyed || snapshot.getState() == Snapshot.State.Error;
        }
        Optional<String> vmSnapshotUuid = VmSnapshotVolume.vmSnapshotUuidOf(arraySnapshotName);
        if (vmSnapshotUuid.isPresent()) {
            VMSnapshotVO vmSnapshot = vmSnapshotDao.findByUuidIncludingRemoved(vmSnapshotUuid.get());
            return vmSnapshot == null || vmSnapshot.getRemoved() != null || vmSnapshot.getState() == VMSnapshot.State.Removed
                    || vmSnapshot.getState() == VMSnapshot.State.Error;
        }
        return false;
    }
}
