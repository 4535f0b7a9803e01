// Licensed under the Apache License, Version 2.0. See LICENSE in the project root.
package io.elastisnap.cloudstack.snapshot;

import com.cloud.vm.snapshot.VMSnapshotVO;
import com.cloud.vm.snapshot.dao.VMSnapshotDao;
import com.cloud.vm.snapshot.dao.VMSnapshotDetailsDao;

/** A VM's snapshot tree (current flag, parents) kept as CloudStack's own VM-snapshot strategies keep it. */
public final class VmSnapshotTree {
    private VmSnapshotTree() {
    }

    /** The VM's current snapshot moves here; a new snapshot without a parent becomes the child of the previous current one. */
    public static void makeCurrent(VMSnapshotDao vmSnapshotDao, VMSnapshotVO vmSnapshot, boolean adoptPreviousAsParent) {
        VMSnapshotVO previous = vmSnapshotDao.findCurrentSnapshotByVmId(vmSnapshot.getVmId());
        if (previous != null && previous.getId() != vmSnapshot.getId()) {
            previous.setCurrent(false);
            vmSnapshotDao.update(previous.getId(), previous);
            if (adoptPreviousAsParent && vmSnapshot.getParent() == null) {
                vmSnapshot.setParent(previous.getId());
            }
        }
        vmSnapshot.setCurrent(true);
        vmSnapshotDao.update(vmSnapshot.getId(), vmSnapshot);
    }

    /** Re-links the VM's snapshot tree around the removed snapshot and removes its row and details. */
    public static void remove(VMSnapshotDao vmSnapshotDao, VMSnapshotDetailsDao vmSnapshotDetailsDao, VMSnapshotVO vmSnapshot) {
        for (VMSnapshotVO child : vmSnapshotDao.findByVm(vmSnapshot.getVmId())) {
            if (child.getParent() != null && child.getParent() == vmSnapshot.getId()) {
                child.setParent(vmSnapshot.getParent());
                vmSnapshotDao.update(child.getId(), child);
            }
        }
        if (Boolean.TRUE.equals(vmSnapshot.getCurrent()) && vmSnapshot.getParent() != null) {
            VMSnapshotVO parent = vmSnapshotDao.findById(vmSnapshot.getParent());
            if (parent != null) {
                parent.setCurrent(true);
                vmSnapshotDao.update(parent.getId(), parent);
            }
        }
        vmSnapshot.setCurrent(false);
        vmSnapshotDao.update(vmSnapshot.getId(), vmSnapshot);
        vmSnapshotDetailsDao.removeDetails(vmSnapshot.getId());
        vmSnapshotDao.remove(vmSnapshot.getId());
    }
}
