// Licensed under the Apache License, Version 2.0. See LICENSE in the project root.
package io.elastisnap.cloudstack.snapshot;

import org.apache.cloudstack.storage.vmsnapshot.VMSnapshotHelper;
import org.apache.logging.log4j.LogManager;
import org.apache.logging.log4j.Logger;

import com.cloud.utils.exception.CloudRuntimeException;
import com.cloud.utils.fsm.NoTransitionException;
import com.cloud.vm.snapshot.VMSnapshot;
import com.cloud.vm.snapshot.VMSnapshotVO;
import com.cloud.vm.snapshot.dao.VMSnapshotDao;
import com.cloud.vm.snapshot.dao.VMSnapshotDetailsDao;

/** A VM snapshot's row kept as CloudStack's own VM-snapshot strategies keep it: state, current flag, parents, removal. */
public final class VmSnapshotRows {
    private static final Logger LOG = LogManager.getLogger(VmSnapshotRows.class);

    private VmSnapshotRows() {
    }

    public static void transit(VMSnapshotHelper helper, VMSnapshot vmSnapshot, VMSnapshot.Event event) {
        try {
            helper.vmSnapshotStateTransitTo(vmSnapshot, event);
        } catch (NoTransitionException e) {
            throw new CloudRuntimeException("VM snapshot " + vmSnapshot.getName() + " cannot go from " + vmSnapshot.getState()
                    + " on " + event + ": " + e.getMessage(), e);
        }
    }

    /** On a failure path: the original failure is what the caller reports. */
    public static void failQuietly(VMSnapshotHelper helper, VMSnapshot vmSnapshot) {
        try {
            helper.vmSnapshotStateTransitTo(vmSnapshot, VMSnapshot.Event.OperationFailed);
        } catch (NoTransitionException | RuntimeException e) {
            LOG.warn("Could not mark VM snapshot {} failed: {}", vmSnapshot.getName(), e.toString());
        }
    }

    /** The VM is being expunged or unmanaged: the row goes whatever its state. */
    public static void removeAnyway(VMSnapshotHelper helper, VMSnapshotDao vmSnapshotDao, VMSnapshotDetailsDao vmSnapshotDetailsDao,
            VMSnapshotVO vmSnapshot) {
        try {
            helper.vmSnapshotStateTransitTo(vmSnapshot, VMSnapshot.Event.ExpungeRequested);
        } catch (NoTransitionException e) {
            LOG.debug("VM snapshot {} is {}; removing its records anyway", vmSnapshot.getName(), vmSnapshot.getState());
        }
        remove(vmSnapshotDao, vmSnapshotDetailsDao, vmSnapshot);
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
