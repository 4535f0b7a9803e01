// Licensed under the Apache License, Version 2.0. See LICENSE in the project root.
package io.elastisnap.cloudstack.snapshot;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;

import javax.inject.Inject;

import org.apache.cloudstack.engine.subsystem.api.storage.StrategyPriority;
import org.apache.cloudstack.engine.subsystem.api.storage.VMSnapshotOptions;
import org.apache.cloudstack.engine.subsystem.api.storage.VMSnapshotStrategy;
import org.apache.cloudstack.storage.datastore.db.PrimaryDataStoreDao;
import org.apache.cloudstack.storage.datastore.db.StoragePoolVO;
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
import io.elastisnap.cloudstack.Refusal;
import io.elastisnap.cloudstack.array.ArrayConflictException;
import io.elastisnap.cloudstack.array.ArraySnapshotLocation;
import io.elastisnap.cloudstack.array.ArraySnapshotRef;
import io.elastisnap.cloudstack.array.ElastiStorArrays;
import io.elastisnap.cloudstack.array.SnapshotChain;
import io.elastisnap.cloudstack.cluster.ClusterLocks;
import io.elastisnap.cloudstack.command.VolumeSnapshotResult;
import io.elastisnap.cloudstack.command.VolumeSnapshotSpec;
import io.elastisnap.cloudstack.record.ArraySnapshotOwners;
import io.elastisnap.cloudstack.record.VmSnapshotVolume;

/**
 * Disk-only VM snapshots of VMs whose volumes all live on ElastiStor pools of one ElastiCenter: one guest freeze for
 * all volumes (through the agent of the VM's host), one array snapshot per volume, recorded as VM snapshot details
 * {@code elastistor.volume.<volumeId> = poolId|esVolumeId|snapshotPath}. Revert and delete check every volume before
 * changing any, so a refusal leaves everything as it was; a failure midway is reported per volume and a retry completes
 * the operation (reverting to a snapshot keeps it, deleting a missing snapshot counts as done).
 */
public class ElastiStorVMSnapshotStrategy implements VMSnapshotStrategy {
    private static final Logger LOG = LogManager.getLogger(ElastiStorVMSnapshotStrategy.class);

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
    private PrimaryDataStoreDao primaryDataStoreDao;
    @Inject
    private ElastiStorArrays arrays;
    @Inject
    private ConsistentSnapshotTaker taker;
    @Inject
    private ClusterLocks locks;
    @Inject
    private ArraySnapshotOwners owners;

    @Override
    public StrategyPriority canHandle(VMSnapshot vmSnapshot) {
        try {
            if (vmSnapshot.getType() == VMSnapshot.Type.DiskAndMemory) {
                LOG.debug("Declining VM snapshot {}: ElastiStor snapshots are disk-only, memory is not snapshotted", vmSnapshot.getId());
                return StrategyPriority.CANT_HANDLE;
            }
            if (vmSnapshot.getState() != VMSnapshot.State.Allocated && !VmSnapshotVolume.findAll(vmSnapshotDetailsDao, vmSnapshot.getId()).isEmpty()) {
                return StrategyPriority.HIGHEST;
            }
            boolean mayHandle = vmSnapshot.getState() == VMSnapshot.State.Allocated || vmSnapshot.getState() == VMSnapshot.State.Error;
            return mayHandle && allVolumesOnOneElastiCenter(vmSnapshot.getVmId()) ? StrategyPriority.HIGHEST : StrategyPriority.CANT_HANDLE;
        } catch (RuntimeException e) {
            LOG.warn("Declining VM snapshot {}: could not inspect it: {}", vmSnapshot.getId(), e.toString());
            return StrategyPriority.CANT_HANDLE;
        }
    }

    @Override
    public StrategyPriority canHandle(Long vmId, Long rootPoolId, boolean snapshotMemory) {
        try {
            if (snapshotMemory) {
                LOG.debug("Declining a memory snapshot of VM {}: ElastiStor VM snapshots are disk-only", vmId);
                return StrategyPriority.CANT_HANDLE;
            }
            if (rootPoolId != null && !isOurs(rootPoolId)) {
                return StrategyPriority.CANT_HANDLE;
            }
            return allVolumesOnOneElastiCenter(vmId) ? StrategyPriority.HIGHEST : StrategyPriority.CANT_HANDLE;
        } catch (RuntimeException e) {
            LOG.warn("Declining VM snapshots of VM {}: could not inspect its volumes: {}", vmId, e.toString());
            return StrategyPriority.CANT_HANDLE;
        }
    }

    private boolean isOurs(long poolId) {
        StoragePoolVO pool = primaryDataStoreDao.findById(poolId);
        return pool != null && ElastiStorPool.PROVIDER_NAME.equals(pool.getStorageProviderName());
    }

    /** One agent command carries one ElastiCenter connection, so the VM's volumes must share it. */
    private boolean allVolumesOnOneElastiCenter(Long vmId) {
        List<VolumeVO> volumes = volumeDao.findByInstance(vmId);
        if (volumes.isEmpty()) {
            LOG.debug("Declining VM snapshots of VM {}: it has no volumes", vmId);
            return false;
        }
        Long firstPool = null;
        for (VolumeVO volume : volumes) {
            if (volume.getPoolId() == null || !isOurs(volume.getPoolId()) || volume.getFolder() == null) {
                LOG.debug("Declining VM snapshots of VM {}: volume {} is not on an {} pool", vmId, volume.getUuid(),
                        ElastiStorPool.PROVIDER_NAME);
                return false;
            }
            if (firstPool == null) {
                firstPool = volume.getPoolId();
            } else if (!firstPool.equals(volume.getPoolId())
                    && !arrays.connection(firstPool).sameElastiCenter(arrays.connection(volume.getPoolId()))) {
                LOG.debug("Declining VM snapshots of VM {}: its volumes span several ElastiCenters", vmId);
                return false;
            }
        }
        return true;
    }

    @Override
    public VMSnapshot takeVMSnapshot(VMSnapshot vmSnapshot) {
        VMInstanceVO vm = vmInstanceDao.findById(vmSnapshot.getVmId());
        List<VolumeVO> volumes = volumeDao.findByInstance(vmSnapshot.getVmId());
        for (VolumeVO volume : volumes) {
            Refusal.unlessInService(primaryDataStoreDao.findById(volume.getPoolId()), "VM snapshot " + vmSnapshot.getName());
        }
        Set<Long> poolIds = volumes.stream().map(VolumeVO::getPoolId).collect(Collectors.toSet());
        return locks.onPools(poolIds, "VM snapshot " + vmSnapshot.getName(), () -> take(vmSnapshot, vm, volumes));
    }

    private VMSnapshot take(VMSnapshot vmSnapshot, VMInstanceVO vm, List<VolumeVO> volumes) {
        VmSnapshotRows.transit(vmSnapshotHelper, vmSnapshot, VMSnapshot.Event.CreateRequested);
        List<VolumeSnapshotResult> taken = new ArrayList<>();
        long poolId = volumes.isEmpty() ? 0 : volumes.get(0).getPoolId();
        try {
            List<VolumeSnapshotSpec> specs = new ArrayList<>();
            Map<String, VolumeVO> byEsVolume = new LinkedHashMap<>();
            for (VolumeVO volume : volumes) {
                specs.add(new VolumeSnapshotSpec(volume.getFolder(), VmSnapshotVolume.arraySnapshotName(vmSnapshot.getUuid(), volume.getId()),
                        VolumeSnapshotSpec.cloudStackDiskSerial(volume.getUuid())));
                byEsVolume.put(volume.getFolder(), volume);
            }
            ConsistentSnapshotTaker.Taken result = taker.take(vm, poolId, specs, quiesceRequested(vmSnapshot));
            taken = result.snapshots();
            for (VolumeSnapshotResult snapshot : taken) {
                VolumeVO volume = byEsVolume.get(snapshot.getVolumeId());
                new VmSnapshotVolume(volume.getId(), new ArraySnapshotLocation(volume.getPoolId(), snapshot.getVolumeId(), snapshot.getPath()))
                        .save(vmSnapshotDetailsDao, vmSnapshot.getId());
            }
            result.recordIn((name, value) -> vmSnapshotDetailsDao.addDetail(vmSnapshot.getId(), name, value, true));
            VmSnapshotRows.makeCurrent(vmSnapshotDao, (VMSnapshotVO) vmSnapshot, true);
            VmSnapshotRows.transit(vmSnapshotHelper, vmSnapshot, VMSnapshot.Event.OperationSucceeded);
            LOG.info("VM snapshot {} of {}: {} volume(s), {}, frozen {} ms", vmSnapshot.getName(), vm.getInstanceName(), taken.size(),
                    result.level(), result.frozenWindowMillis());
            return vmSnapshot;
        } catch (RuntimeException e) {
            taker.deleteQuietly(poolId, taken);
            vmSnapshotDetailsDao.removeDetails(vmSnapshot.getId());
            VmSnapshotRows.failQuietly(vmSnapshotHelper, vmSnapshot);
            String message = "ElastiStor VM snapshot " + vmSnapshot.getName() + " of " + vm.getInstanceName() + " failed: " + e.getMessage();
            // CloudStack 4.22's createVMSnapshot answers only "internal error": the Error VM snapshot keeps the real cause.
            vmSnapshotDetailsDao.addDetail(vmSnapshot.getId(), ElastiStorPool.SNAPSHOT_FAILURE, message, true);
            throw new CloudRuntimeException(message, e);
        }
    }

    /** createVMSnapshot quiescevm; CloudStack's own storage strategy freezes when no options are given, and so do we. */
    public static boolean quiesceRequested(VMSnapshot vmSnapshot) {
        VMSnapshotOptions options = vmSnapshot instanceof VMSnapshotVO ? ((VMSnapshotVO) vmSnapshot).getOptions() : null;
        return options == null || options.needQuiesceVM();
    }

    @Override
    public boolean revertVMSnapshot(VMSnapshot vmSnapshot) {
        VMInstanceVO vm = vmInstanceDao.findById(vmSnapshot.getVmId());
        if (vm != null && vm.getState() != VirtualMachine.State.Stopped && vm.getState() != VirtualMachine.State.Shutdown) {
            throw new CloudRuntimeException("Stop VM " + vm.getInstanceName() + " before reverting it to VM snapshot "
                    + vmSnapshot.getName() + " (it is " + vm.getState() + ")");
        }
        List<VmSnapshotVolume> entries = VmSnapshotVolume.findAll(vmSnapshotDetailsDao, vmSnapshot.getId());
        if (entries.isEmpty()) {
            throw new CloudRuntimeException("VM snapshot " + vmSnapshot.getName() + " has no ElastiStor snapshots recorded");
        }
        for (VmSnapshotVolume entry : entries) {
            Refusal.unlessInService(primaryDataStoreDao.findById(entry.location().poolId()), "Reverting to VM snapshot " + vmSnapshot.getName());
        }
        return locks.onPools(poolsOf(entries), "Revert to VM snapshot " + vmSnapshot.getName(), () -> revert(vmSnapshot, entries));
    }

    private static Set<Long> poolsOf(List<VmSnapshotVolume> entries) {
        return entries.stream().map(e -> e.location().poolId()).collect(Collectors.toSet());
    }

    private boolean revert(VMSnapshot vmSnapshot, List<VmSnapshotVolume> entries) {
        VmSnapshotRows.transit(vmSnapshotHelper, vmSnapshot, VMSnapshot.Event.RevertRequested);
        List<VmSnapshotVolume> reverted = new ArrayList<>();
        try {
            for (VmSnapshotVolume entry : entries) {
                SnapshotChain.refuseToDestroyNewer(arrays.forPool(entry.location().poolId()), entry.location(),
                        "VM snapshot " + vmSnapshot.getName() + " (" + entry + ")", owners::isOrphan);
            }
            for (VmSnapshotVolume entry : entries) {
                arrays.forPool(entry.location().poolId()).rollback(entry.location().esVolumeId(), entry.location().path());
                reverted.add(entry);
            }
            VmSnapshotRows.makeCurrent(vmSnapshotDao, (VMSnapshotVO) vmSnapshot, false);
            VmSnapshotRows.transit(vmSnapshotHelper, vmSnapshot, VMSnapshot.Event.OperationSucceeded);
            return true;
        } catch (RuntimeException e) {
            VmSnapshotRows.failQuietly(vmSnapshotHelper, vmSnapshot);
            List<VmSnapshotVolume> pending = new ArrayList<>(entries);
            pending.removeAll(reverted);
            throw new CloudRuntimeException("Revert to VM snapshot " + vmSnapshot.getName() + " failed: " + e.getMessage()
                    + (reverted.isEmpty() ? "; no volume was changed" : "; reverted " + reverted + ", not reverted " + pending
                    + " (the VM snapshot is intact: revert again to complete it)"), e);
        }
    }

    @Override
    public boolean deleteVMSnapshot(VMSnapshot vmSnapshot) {
        List<VmSnapshotVolume> entries = VmSnapshotVolume.findAll(vmSnapshotDetailsDao, vmSnapshot.getId());
        return locks.onPools(poolsOf(entries), "Delete of VM snapshot " + vmSnapshot.getName(), () -> delete(vmSnapshot, entries));
    }

    private boolean delete(VMSnapshot vmSnapshot, List<VmSnapshotVolume> entries) {
        VmSnapshotRows.transit(vmSnapshotHelper, vmSnapshot, VMSnapshot.Event.ExpungeRequested);
        List<VmSnapshotVolume> deleted = new ArrayList<>();
        try {
            for (VmSnapshotVolume entry : entries) {
                refuseIfCloned(entry, vmSnapshot.getName());
            }
            for (VmSnapshotVolume entry : entries) {
                deleteArraySnapshot(entry);
                entry.remove(vmSnapshotDetailsDao, vmSnapshot.getId());
                deleted.add(entry);
            }
        } catch (RuntimeException e) {
            VmSnapshotRows.failQuietly(vmSnapshotHelper, vmSnapshot);
            List<VmSnapshotVolume> remaining = new ArrayList<>(entries);
            remaining.removeAll(deleted);
            throw new CloudRuntimeException("Deleting VM snapshot " + vmSnapshot.getName() + " failed: " + e.getMessage()
                    + (deleted.isEmpty() ? "; nothing was deleted" : "; deleted " + deleted + ", still on the array " + remaining
                    + " (delete the VM snapshot again to finish)"), e);
        }
        // As CloudStack's own strategies: the row is removed while Expunging, with no further transition.
        VmSnapshotRows.remove(vmSnapshotDao, vmSnapshotDetailsDao, (VMSnapshotVO) vmSnapshot);
        return true;
    }

    private void refuseIfCloned(VmSnapshotVolume entry, String vmSnapshotName) {
        ArraySnapshotLocation snapshot = entry.location();
        try {
            for (ArraySnapshotRef ref : arrays.forPool(snapshot.poolId()).listSnapshots(snapshot.esVolumeId())) {
                if (ref.path().equals(snapshot.path()) && ref.hasClones()) {
                    throw new CloudRuntimeException("the ElastiStor snapshot of " + entry + " in VM snapshot " + vmSnapshotName
                            + " has clones (volumes created from it); delete those volumes first");
                }
            }
        } catch (io.elastisnap.elasticenter.ElastiCenterNotFoundException gone) {
            LOG.debug("ElastiStor volume {} is gone; its snapshot needs no check", snapshot.esVolumeId());
        }
    }

    private void deleteArraySnapshot(VmSnapshotVolume entry) {
        ArraySnapshotLocation snapshot = entry.location();
        try {
            if (!arrays.forPool(snapshot.poolId()).deleteSnapshot(snapshot.esVolumeId(), snapshot.path())) {
                LOG.info("ElastiStor snapshot {} was already gone", snapshot.path());
            }
        } catch (ArrayConflictException e) {
            throw new CloudRuntimeException(e.getMessage() + "; delete the volumes created from it first", e);
        }
    }

    @Override
    public boolean deleteVMSnapshotFromDB(VMSnapshot vmSnapshot, boolean unmanage) {
        VmSnapshotRows.removeAnyway(vmSnapshotHelper, vmSnapshotDao, vmSnapshotDetailsDao, (VMSnapshotVO) vmSnapshot);
        return true;
    }

    @Override
    public void updateOperationFailed(VMSnapshot vmSnapshot) throws NoTransitionException {
        vmSnapshotHelper.vmSnapshotStateTransitTo(vmSnapshot, VMSnapshot.Event.OperationFailed);
    }
}
