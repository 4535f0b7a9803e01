// Licensed under the Apache License, Version 2.0. See LICENSE in the project root.
package io.elastisnap.cloudstack.pool;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import javax.inject.Inject;

import org.apache.cloudstack.engine.subsystem.api.storage.StrategyPriority;
import org.apache.cloudstack.engine.subsystem.api.storage.VMSnapshotStrategy;
import org.apache.cloudstack.storage.vmsnapshot.VMSnapshotHelper;
import org.apache.logging.log4j.LogManager;
import org.apache.logging.log4j.Logger;

import com.cloud.storage.VolumeVO;
import com.cloud.storage.dao.VolumeDao;
import com.cloud.utils.exception.CloudRuntimeException;
import com.cloud.utils.fsm.NoTransitionException;
import com.cloud.vm.VMInstanceVO;
import com.cloud.vm.VirtualMachine;
import com.cloud.vm.dao.VMInstanceDao;
import com.cloud.vm.snapshot.VMSnapshot;
import com.cloud.vm.snapshot.VMSnapshotVO;
import com.cloud.vm.snapshot.dao.VMSnapshotDao;
import com.cloud.vm.snapshot.dao.VMSnapshotDetailsDao;

import io.elastisnap.cloudstack.ElastiStorPool;
import io.elastisnap.cloudstack.array.ElastiStorArrays;
import io.elastisnap.cloudstack.cluster.ClusterLocks;
import io.elastisnap.cloudstack.snapshot.ConsistentSnapshotTaker;
import io.elastisnap.cloudstack.snapshot.ElastiStorVMSnapshotStrategy;
import io.elastisnap.cloudstack.snapshot.VmSnapshotRows;

/**
 * Disk-only VM snapshots of a VM whose volumes are all files on ONE adopted pool: the engine's pool group of this one
 * VM (one freeze, syncfs, ONE array snapshot of the pool volume, thaw), recorded in the VM snapshot's details with each
 * volume's file. Revert restores each volume's file from the pool snapshot (the VM is stopped); delete removes the pool
 * snapshot. A VM spanning several pools is left to CloudStack's strategies (one agent command carries one pool).
 *
 * <p>CloudStack 4.22's KvmFileBasedStorageVmSnapshotStrategy also answers HIGHEST for VMs on these pool types and ties
 * are resolved at random: the operator sets vmSnapshot.strategies.exclude=KvmFileBasedStorageVmSnapshotStrategy.
 */
public class PoolVmSnapshotStrategy implements VMSnapshotStrategy {
    /** VM snapshot details: the file of volume {@code <id>} in the pool snapshot. */
    static final String VOLUME_FILE_PREFIX = "elastistor.pool.file.";
    private static final Logger LOG = LogManager.getLogger(PoolVmSnapshotStrategy.class);

    @Inject
    private AdoptedPools adoptedPools;
    @Inject
    private PoolSnapshots poolSnapshots;
    @Inject
    private VMSnapshotHelper vmSnapshotHelper;
    @Inject
    private VMSnapshotDao vmSnapshotDao;
    @Inject
    private VMSnapshotDetailsDao vmSnapshotDetailsDao;
    @Inject
    private VolumeDao volumeDao;
    @Inject
    private VMInstanceDao vmInstanceDao;
    @Inject
    private ElastiStorArrays arrays;
    @Inject
    private ClusterLocks locks;

    @Override
    public StrategyPriority canHandle(VMSnapshot vmSnapshot) {
        try {
            if (vmSnapshot.getType() == VMSnapshot.Type.DiskAndMemory) {
                return StrategyPriority.CANT_HANDLE;
            }
            if (vmSnapshotDetailsDao.listDetailsKeyPairs(vmSnapshot.getId()).containsKey(AdoptedPool.SNAPSHOT_NAME)) {
                return StrategyPriority.HIGHEST;
            }
            boolean mayTake = vmSnapshot.getState() == VMSnapshot.State.Allocated || vmSnapshot.getState() == VMSnapshot.State.Error;
            return mayTake && onePool(vmSnapshot.getVmId()).isPresent() ? StrategyPriority.HIGHEST : StrategyPriority.CANT_HANDLE;
        } catch (RuntimeException e) {
            LOG.warn("Declining VM snapshot {}: could not inspect it: {}", vmSnapshot.getId(), e.toString());
            return StrategyPriority.CANT_HANDLE;
        }
    }

    @Override
    public StrategyPriority canHandle(Long vmId, Long rootPoolId, boolean snapshotMemory) {
        try {
            return !snapshotMemory && onePool(vmId).isPresent() ? StrategyPriority.HIGHEST : StrategyPriority.CANT_HANDLE;
        } catch (RuntimeException e) {
            LOG.warn("Declining VM snapshots of VM {}: could not inspect its volumes: {}", vmId, e.toString());
            return StrategyPriority.CANT_HANDLE;
        }
    }

    /** The adopted pool holding every volume of the VM; empty when any volume is elsewhere or they span several pools. */
    private Optional<AdoptedPool> onePool(long vmId) {
        List<VolumeVO> volumes = volumeDao.findByInstance(vmId);
        Long poolId = volumes.isEmpty() ? null : volumes.get(0).getPoolId();
        for (VolumeVO volume : volumes) {
            if (poolId == null || !poolId.equals(volume.getPoolId()) || volume.getPath() == null) {
                return Optional.empty();
            }
        }
        return poolId == null ? Optional.empty() : adoptedPools.find(poolId);
    }

    @Override
    public VMSnapshot takeVMSnapshot(VMSnapshot vmSnapshot) {
        VMInstanceVO vm = vmInstanceDao.findById(vmSnapshot.getVmId());
        AdoptedPool pool = onePool(vmSnapshot.getVmId()).orElseThrow(() -> new CloudRuntimeException("VM snapshot "
                + vmSnapshot.getName() + ": the VM's volumes are not all on one adopted pool"));
        List<VolumeVO> volumes = volumeDao.findByInstance(vmSnapshot.getVmId());
        return locks.onPool(pool.poolId(), "VM snapshot " + vmSnapshot.getName(), () -> take(vmSnapshot, vm, pool, volumes));
    }

    private VMSnapshot take(VMSnapshot vmSnapshot, VMInstanceVO vm, AdoptedPool pool, List<VolumeVO> volumes) {
        VmSnapshotRows.transit(vmSnapshotHelper, vmSnapshot, VMSnapshot.Event.CreateRequested);
        String name = AdoptedPool.snapshotName(vmSnapshot.getUuid());
        long id = vmSnapshot.getId();
        try {
            vmSnapshotDetailsDao.addDetail(id, AdoptedPool.SNAPSHOT_NAME, name, false);
            vmSnapshotDetailsDao.addDetail(id, AdoptedPool.SNAPSHOT_POOL, String.valueOf(pool.poolId()), false);
            vmSnapshotDetailsDao.addDetail(id, AdoptedPool.SNAPSHOT_VOLUME, pool.poolVolumeId(), false);
            List<String> files = new ArrayList<>();
            for (VolumeVO volume : volumes) {
                files.add(volume.getPath());
                vmSnapshotDetailsDao.addDetail(id, VOLUME_FILE_PREFIX + volume.getId(), volume.getPath(), false);
            }
            ConsistentSnapshotTaker.Taken taken = poolSnapshots.take(pool, vm, name, files, false,
                    ElastiStorVMSnapshotStrategy.quiesceRequested(vmSnapshot));
            vmSnapshotDetailsDao.addDetail(id, AdoptedPool.SNAPSHOT_PATH, taken.snapshots().get(0).getPath(), false);
            taken.recordIn((detail, value) -> vmSnapshotDetailsDao.addDetail(id, detail, value, true));
            VmSnapshotRows.makeCurrent(vmSnapshotDao, (VMSnapshotVO) vmSnapshot, true);
            VmSnapshotRows.transit(vmSnapshotHelper, vmSnapshot, VMSnapshot.Event.OperationSucceeded);
            LOG.info("VM snapshot {} of {}: pool snapshot {} ({} volume file(s)), {}", vmSnapshot.getName(), vm.getInstanceName(),
                    taken.snapshots().get(0).getPath(), files.size(), taken.level());
            return vmSnapshot;
        } catch (RuntimeException e) {
            poolSnapshots.deleteByNameQuietly(pool, name);
            vmSnapshotDetailsDao.removeDetails(id);
            VmSnapshotRows.failQuietly(vmSnapshotHelper, vmSnapshot);
            String message = "Pool VM snapshot " + vmSnapshot.getName() + " of " + vm.getInstanceName() + " failed: " + e.getMessage();
            vmSnapshotDetailsDao.addDetail(id, ElastiStorPool.SNAPSHOT_FAILURE, message, true);
            throw new CloudRuntimeException(message, e);
        }
    }

    /** Restores each volume's file from the pool snapshot; the VM must be stopped (CloudStack stops it for a disk snapshot). */
    @Override
    public boolean revertVMSnapshot(VMSnapshot vmSnapshot) {
        VMInstanceVO vm = vmInstanceDao.findById(vmSnapshot.getVmId());
        if (vm != null && vm.getState() != VirtualMachine.State.Stopped && vm.getState() != VirtualMachine.State.Shutdown) {
            throw new CloudRuntimeException("Stop VM " + vm.getInstanceName() + " before reverting it to VM snapshot "
                    + vmSnapshot.getName() + " (it is " + vm.getState() + ")");
        }
        Map<String, String> details = vmSnapshotDetailsDao.listDetailsKeyPairs(vmSnapshot.getId());
        long poolId = Long.parseLong(details.get(AdoptedPool.SNAPSHOT_POOL));
        AdoptedPool pool = adoptedPools.find(poolId).orElseThrow(() -> new CloudRuntimeException("Cannot revert VM snapshot "
                + vmSnapshot.getName() + ": its pool is no longer adopted"));
        return locks.onPool(poolId, "Revert to VM snapshot " + vmSnapshot.getName(), () -> revert(vmSnapshot, pool, details));
    }

    private boolean revert(VMSnapshot vmSnapshot, AdoptedPool pool, Map<String, String> details) {
        VmSnapshotRows.transit(vmSnapshotHelper, vmSnapshot, VMSnapshot.Event.RevertRequested);
        List<String> restored = new ArrayList<>();
        try {
            for (VolumeVO volume : volumeDao.findByInstance(vmSnapshot.getVmId())) {
                String file = details.get(VOLUME_FILE_PREFIX + volume.getId());
                if (file == null) {
                    continue;
                }
                if (!Long.valueOf(pool.poolId()).equals(volume.getPoolId())) {
                    throw new CloudRuntimeException("volume " + volume.getName() + " has moved off pool " + pool.poolName());
                }
                poolSnapshots.restore(pool, details.get(AdoptedPool.SNAPSHOT_NAME), details.get(AdoptedPool.SNAPSHOT_PATH), file,
                        volume.getPath(), false);
                restored.add(volume.getName());
            }
            VmSnapshotRows.makeCurrent(vmSnapshotDao, (VMSnapshotVO) vmSnapshot, false);
            VmSnapshotRows.transit(vmSnapshotHelper, vmSnapshot, VMSnapshot.Event.OperationSucceeded);
            return true;
        } catch (RuntimeException e) {
            VmSnapshotRows.failQuietly(vmSnapshotHelper, vmSnapshot);
            throw new CloudRuntimeException("Revert to VM snapshot " + vmSnapshot.getName() + " failed: " + e.getMessage()
                    + (restored.isEmpty() ? "; no volume was changed" : "; restored " + restored
                    + " (the VM snapshot is intact: revert again to complete it)"), e);
        }
    }

    @Override
    public boolean deleteVMSnapshot(VMSnapshot vmSnapshot) {
        Map<String, String> details = vmSnapshotDetailsDao.listDetailsKeyPairs(vmSnapshot.getId());
        long poolId = Long.parseLong(details.get(AdoptedPool.SNAPSHOT_POOL));
        return locks.onPool(poolId, "Delete of VM snapshot " + vmSnapshot.getName(), () -> {
            VmSnapshotRows.transit(vmSnapshotHelper, vmSnapshot, VMSnapshot.Event.ExpungeRequested);
            try {
                deleteOnArray(poolId, details);
            } catch (RuntimeException e) {
                VmSnapshotRows.failQuietly(vmSnapshotHelper, vmSnapshot);
                throw new CloudRuntimeException("Deleting VM snapshot " + vmSnapshot.getName() + " failed: " + e.getMessage()
                        + "; delete it again to finish", e);
            }
            VmSnapshotRows.remove(vmSnapshotDao, vmSnapshotDetailsDao, (VMSnapshotVO) vmSnapshot);
            return true;
        });
    }

    /** The recorded pool snapshot, or for a take cut short the one carrying its name; a missing one counts as deleted. */
    private void deleteOnArray(long poolId, Map<String, String> details) {
        String volumeId = details.get(AdoptedPool.SNAPSHOT_VOLUME);
        String name = details.get(AdoptedPool.SNAPSHOT_NAME);
        String path = details.get(AdoptedPool.SNAPSHOT_PATH);
        if (path == null) {
            path = arrays.forPool(poolId).listSnapshots(volumeId).stream().filter(s -> s.name().equals(name)).map(s -> s.path())
                    .findFirst().orElse(null);
        }
        if (path != null && !arrays.forPool(poolId).deleteSnapshot(volumeId, path)) {
            LOG.info("Pool snapshot {} was already gone", path);
        }
    }

    /**
     * The VM is being expunged or unmanaged. Its files go, but the pool volume stays: the pool snapshot is deleted too
     * (best effort, logged when it fails), then the records.
     */
    @Override
    public boolean deleteVMSnapshotFromDB(VMSnapshot vmSnapshot, boolean unmanage) {
        Map<String, String> details = vmSnapshotDetailsDao.listDetailsKeyPairs(vmSnapshot.getId());
        if (details.containsKey(AdoptedPool.SNAPSHOT_POOL)) {
            try {
                deleteOnArray(Long.parseLong(details.get(AdoptedPool.SNAPSHOT_POOL)), details);
            } catch (RuntimeException e) {
                LOG.error("Could not delete pool snapshot {} of VM snapshot {} (delete it on ElastiCenter by hand): {}",
                        details.get(AdoptedPool.SNAPSHOT_NAME), vmSnapshot.getName(), e.toString());
            }
        }
        VmSnapshotRows.removeAnyway(vmSnapshotHelper, vmSnapshotDao, vmSnapshotDetailsDao, (VMSnapshotVO) vmSnapshot);
        return true;
    }

    @Override
    public void updateOperationFailed(VMSnapshot vmSnapshot) throws NoTransitionException {
        vmSnapshotHelper.vmSnapshotStateTransitTo(vmSnapshot, VMSnapshot.Event.OperationFailed);
    }
}
