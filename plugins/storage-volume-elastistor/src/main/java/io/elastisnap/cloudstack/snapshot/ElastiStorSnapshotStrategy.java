// Licensed under the Apache License, Version 2.0. See LICENSE in the project root.
package io.elastisnap.cloudstack.snapshot;

import java.util.Collections;
import java.util.List;
import java.util.Optional;

import javax.inject.Inject;

import org.apache.cloudstack.engine.subsystem.api.storage.ObjectInDataStoreStateMachine;
import org.apache.cloudstack.engine.subsystem.api.storage.SnapshotInfo;
import org.apache.cloudstack.engine.subsystem.api.storage.SnapshotService;
import org.apache.cloudstack.engine.subsystem.api.storage.SnapshotStrategy;
import org.apache.cloudstack.engine.subsystem.api.storage.StrategyPriority;
import org.apache.cloudstack.engine.subsystem.api.storage.VolumeInfo;
import org.apache.cloudstack.storage.command.CreateObjectAnswer;
import org.apache.cloudstack.storage.datastore.db.PrimaryDataStoreDao;
import org.apache.cloudstack.storage.datastore.db.SnapshotDataStoreDao;
import org.apache.cloudstack.storage.datastore.db.SnapshotDataStoreVO;
import org.apache.cloudstack.storage.datastore.db.StoragePoolVO;
import org.apache.cloudstack.storage.to.SnapshotObjectTO;
import org.apache.logging.log4j.LogManager;
import org.apache.logging.log4j.Logger;

import com.cloud.storage.CreateSnapshotPayload;
import com.cloud.storage.DataStoreRole;
import com.cloud.storage.Snapshot;
import com.cloud.storage.SnapshotVO;
import com.cloud.storage.Volume;
import com.cloud.storage.VolumeVO;
import com.cloud.storage.dao.SnapshotDao;
import com.cloud.storage.dao.SnapshotDetailsDao;
import com.cloud.storage.dao.VolumeDao;
import com.cloud.utils.exception.CloudRuntimeException;
import com.cloud.vm.VMInstanceVO;
import com.cloud.vm.VirtualMachine;
import com.cloud.vm.dao.VMInstanceDao;

import io.elastisnap.cloudstack.ElastiStorPool;
import io.elastisnap.cloudstack.Refusal;
import io.elastisnap.cloudstack.array.ArrayConflictException;
import io.elastisnap.cloudstack.array.ArraySnapshotLocation;
import io.elastisnap.cloudstack.array.ElastiStorArray;
import io.elastisnap.cloudstack.array.ElastiStorArrays;
import io.elastisnap.cloudstack.array.SnapshotChain;
import io.elastisnap.cloudstack.cluster.ClusterLocks;
import io.elastisnap.cloudstack.backup.SecondaryStorageBackups;
import io.elastisnap.cloudstack.command.VolumeSnapshotResult;
import io.elastisnap.cloudstack.command.VolumeSnapshotSpec;
import io.elastisnap.cloudstack.record.ArraySnapshotOwners;
import io.elastisnap.cloudstack.config.SnapshotSettings;
import io.elastisnap.cloudstack.record.VolumeSnapshotRecord;

/**
 * Volume snapshots on ElastiStor pools: array snapshots taken inside a guest freeze when the VM runs. Leaves TAKE in
 * CreatedOnPrimary with a Ready primary ref whose install_path is the array path, as CloudStack's callers expect.
 */
public class ElastiStorSnapshotStrategy implements SnapshotStrategy {
    private static final Logger LOG = LogManager.getLogger(ElastiStorSnapshotStrategy.class);

    @Inject
    private SnapshotDao snapshotDao;
    @Inject
    private VolumeDao volumeDao;
    @Inject
    private PrimaryDataStoreDao primaryDataStoreDao;
    @Inject
    private SnapshotDataStoreDao snapshotDataStoreDao;
    @Inject
    private SnapshotDetailsDao snapshotDetailsDao;
    @Inject
    private SnapshotService snapshotService;
    @Inject
    private VMInstanceDao vmInstanceDao;
    @Inject
    private ElastiStorArrays arrays;
    @Inject
    private ConsistentSnapshotTaker taker;
    @Inject
    private ClusterLocks locks;
    @Inject
    private ArraySnapshotOwners owners;
    @Inject
    private SkippedPostProcessing skippedPostProcessing;
    @Inject
    private SecondaryStorageBackups backups;
    @Inject
    private SnapshotSettings settings;

    @Override
    public StrategyPriority canHandle(Snapshot snapshot, Long zoneId, SnapshotOperation op) {
        try {
            if (op == SnapshotOperation.COPY) {
                // The copy to another zone is CloudStack's own: it copies our qcow2 backup between image stores.
                LOG.debug("Declining {} of snapshot {}: CloudStack copies its backup on secondary storage", op, snapshot.getId());
                return StrategyPriority.CANT_HANDLE;
            }
            Long poolId = op == SnapshotOperation.DELETE || op == SnapshotOperation.REVERT
                    ? VolumeSnapshotRecord.find(snapshotDetailsDao, snapshot.getId()).map(ArraySnapshotLocation::poolId).orElse(null) : null;
            if (poolId == null) {
                VolumeVO volume = volumeDao.findByIdIncludingRemoved(snapshot.getVolumeId());
                poolId = volume == null ? null : volume.getPoolId();
            }
            if (poolId == null || !isElastiStorPool(poolId)) {
                LOG.trace("Declining {} of snapshot {}: its volume is not on an {} pool", op, snapshot.getId(), ElastiStorPool.PROVIDER_NAME);
                return StrategyPriority.CANT_HANDLE;
            }
            return StrategyPriority.HIGHEST;
        } catch (RuntimeException e) {
            // canHandle runs for every snapshot operation on every storage: it must never break another strategy's flow.
            LOG.warn("Declining {} of snapshot {}: could not determine its pool: {}", op, snapshot.getId(), e.toString());
            return StrategyPriority.CANT_HANDLE;
        }
    }

    private boolean isElastiStorPool(long poolId) {
        StoragePoolVO pool = primaryDataStoreDao.findById(poolId);
        return pool != null && ElastiStorPool.PROVIDER_NAME.equals(pool.getStorageProviderName());
    }

    @Override
    public SnapshotInfo takeSnapshot(SnapshotInfo snapshot) {
        VolumeInfo volume = snapshot.getBaseVolume();
        VolumeVO volumeVO = volumeDao.findById(volume.getId());
        String esVolumeId = volumeVO == null ? null : volumeVO.getFolder();
        if (esVolumeId == null || volume.getPoolId() == null) {
            throw new CloudRuntimeException("Volume " + volume.getUuid() + " has no ElastiStor volume id; it was not created by the "
                    + ElastiStorPool.PROVIDER_NAME + " driver");
        }
        long poolId = volume.getPoolId();
        try {
            refuseUnsupportedTake(snapshot, volume, poolId);
        } catch (CloudRuntimeException refusal) {
            if (isVmSnapshotMember(snapshot)) {
                throw refusal; // the VM snapshot strategy that asked cleans up its members
            }
            // Nothing was taken: no record stays listed (CloudStack removes the record the same way when no strategy can
            // take a snapshot). A take that fails later stays listed as Error, with its cause in the snapshot's details.
            snapshotDao.remove(snapshot.getId());
            throw Refusal.ofTake(refusal.getMessage());
        }
        VirtualMachine vm = volumeVO.getInstanceId() == null ? null : vmInstanceDao.findById(volumeVO.getInstanceId());
        return locks.onPool(poolId, "Snapshot of volume " + volume.getUuid(), () -> take(snapshot, volume, esVolumeId, poolId, vm));
    }

    private void refuseUnsupportedTake(SnapshotInfo snapshot, VolumeInfo volume, long poolId) {
        if (snapshot.getLocationType() == Snapshot.LocationType.SECONDARY) {
            // CloudStack would list it as on secondary storage while it exists only on the array
            throw Refusal.of("locationtype=SECONDARY is not supported for volumes on ElastiStor pools: their snapshots are"
                    + " ElastiStor snapshots on the array; omit locationtype (or give PRIMARY)");
        }
        Refusal.unlessInService(primaryDataStoreDao.findById(poolId), "A snapshot of volume " + volume.getName());
    }

    private SnapshotInfo take(SnapshotInfo snapshot, VolumeInfo volume, String esVolumeId, long poolId, VirtualMachine vm) {
        if (!volume.stateTransit(Volume.Event.SnapshotRequested)) {
            throw new CloudRuntimeException("Volume " + volume.getUuid() + " cannot be snapshotted in state " + volume.getState());
        }
        SnapshotInfo onPrimary = null;
        List<VolumeSnapshotResult> taken = Collections.emptyList();
        try {
            onPrimary = (SnapshotInfo) snapshot.getDataStore().create(snapshot);
            // Snapshot events on the caller's object, whose state CloudStack puts in the createSnapshot answer (defect 5:
            // processed on onPrimary, a second copy of the row, the answer said Allocated while the database said BackedUp)
            snapshotService.processEventOnSnapshotObject(snapshot, Snapshot.Event.CreateRequested);
            onPrimary.processEvent(ObjectInDataStoreStateMachine.Event.CreateOnlyRequested);

            VolumeSnapshotSpec spec = new VolumeSnapshotSpec(esVolumeId, VolumeSnapshotRecord.arraySnapshotName(snapshot.getUuid()),
                    VolumeSnapshotSpec.cloudStackDiskSerial(volume.getUuid()));
            // CloudStack's StorageVMSnapshotStrategy freezes the guest itself around its GROUP members: a second freeze
            // would be refused (already frozen), and none is needed.
            ConsistentSnapshotTaker.Taken result = isVmSnapshotMember(snapshot)
                    ? taker.takeDirectly(poolId, Collections.singletonList(spec), ConsistentSnapshotTaker.LEVEL_FROZEN_BY_CLOUDSTACK)
                    : taker.take(vm, poolId, Collections.singletonList(spec), quiesceRequested(snapshot));
            taken = result.snapshots();
            VolumeSnapshotResult arraySnapshot = taken.get(0);

            SnapshotObjectTO to = new SnapshotObjectTO();
            to.setPath(arraySnapshot.getPath());
            onPrimary.processEvent(ObjectInDataStoreStateMachine.Event.OperationSuccessed, new CreateObjectAnswer(to));
            snapshotService.processEventOnSnapshotObject(snapshot, Snapshot.Event.OperationSucceeded);
            recordDetails(snapshot.getId(), poolId, arraySnapshot, result);
            volume.stateTransit(Volume.Event.OperationSucceeded);
            if (!isVmSnapshotMember(snapshot)) {
                skippedPostProcessing.recordIfCloudStackWillSkip(snapshot, volume);
            }
            // the caller's object is on primary storage already (CloudStack got it for the volume's store) and
            // carries the state: backup and the answer see one copy
            return snapshot;
        } catch (RuntimeException e) {
            taker.deleteQuietly(poolId, taken);
            if (onPrimary != null) {
                SnapshotRows.failQuietly(snapshotService, snapshot, onPrimary);
            }
            volume.stateTransit(Volume.Event.OperationFailed);
            LOG.error("ElastiStor snapshot of volume {} failed", volume.getUuid(), e);
            recordFailure(snapshot.getId(), e);
            String message = e instanceof CloudRuntimeException ? e.getMessage()
                    : "ElastiStor snapshot of volume " + volume.getUuid() + " failed: " + e.getMessage();
            // a VM snapshot's member fails to CloudStack's VM snapshot strategy, which handles CloudRuntimeException
            throw isVmSnapshotMember(snapshot) ? Refusal.failure(message, e) : Refusal.ofTake(message);
        }
    }

    private void recordDetails(long snapshotId, long poolId, VolumeSnapshotResult arraySnapshot, ConsistentSnapshotTaker.Taken result) {
        VolumeSnapshotRecord.save(snapshotDetailsDao, snapshotId, new ArraySnapshotLocation(poolId, arraySnapshot.getVolumeId(),
                arraySnapshot.getPath()));
        result.recordIn((name, value) -> snapshotDetailsDao.addDetail(snapshotId, name, value, true));
    }

    /** CloudStack 4.22's createSnapshot answers only "internal error": the Error snapshot keeps the real cause. */
    private void recordFailure(long snapshotId, RuntimeException e) {
        try {
            snapshotDetailsDao.addDetail(snapshotId, ElastiStorPool.SNAPSHOT_FAILURE, String.valueOf(e.getMessage()), true);
        } catch (RuntimeException detailFailed) {
            LOG.warn("Could not record why snapshot {} failed: {}", snapshotId, detailFailed.toString());
        }
    }

    static boolean isVmSnapshotMember(Snapshot snapshot) {
        return snapshot.getSnapshotType() == Snapshot.Type.GROUP.ordinal();
    }

    /** quiescevm travels only in the server's CreateSnapshotPayload (also for VM-snapshot GROUP members). */
    public static boolean quiesceRequested(SnapshotInfo snapshot) {
        Object payload = snapshot.getPayload();
        return payload instanceof CreateSnapshotPayload && ((CreateSnapshotPayload) payload).getQuiescevm();
    }

    /**
     * Called by CloudStack only with snapshot.backup.to.secondary=true (the default): copies the array snapshot to the
     * zone's secondary storage. The snapshot stays CreatedOnPrimary during the copy and becomes BackedUp only when the
     * copy is complete and verified (CloudStack's BackingUp state has no way back but Error); a failed copy throws and
     * leaves the snapshot CreatedOnPrimary with its array snapshot, so CloudStack's backup retries (asyncbackup=true) can run.
     */
    @Override
    public SnapshotInfo backupSnapshot(SnapshotInfo snapshot) {
        SnapshotInfo onImage;
        try {
            onImage = backups.backUp(snapshot);
        } catch (RuntimeException e) {
            // with asyncbackup=false the failure is the createSnapshot answer: in the form that keeps its message
            throw isVmSnapshotMember(snapshot) ? e : Refusal.ofTake("the backup to secondary storage failed (the snapshot stays"
                    + " on the array): " + e.getMessage());
        }
        snapshotService.processEventOnSnapshotObject(snapshot, Snapshot.Event.BackupToSecondary);
        snapshotService.processEventOnSnapshotObject(snapshot, Snapshot.Event.OperationSucceeded);
        return onImage;
    }

    /** After a complete backup: deletes the array snapshot unless elastistor.backup.keep.array.snapshot (default true). */
    @Override
    public void postSnapshotCreation(SnapshotInfo snapshot) {
        if (settings.keepArraySnapshotAfterBackup() || !backups.hasBackup(snapshot.getId())) {
            return;
        }
        Optional<ArraySnapshotLocation> record = VolumeSnapshotRecord.find(snapshotDetailsDao, snapshot.getId());
        if (!record.isPresent()) {
            return;
        }
        try {
            // a change of the pool's array snapshots, like take, revert and delete: under the pool's cluster lock
            locks.onPool(record.get().poolId(), "Delete of the backed-up array snapshot of " + snapshot.getName(),
                    () -> arrays.forPool(record.get().poolId()).deleteSnapshot(record.get().esVolumeId(), record.get().path()));
        } catch (RuntimeException e) {
            LOG.warn("Keeping ElastiStor snapshot {} of snapshot {} after its backup: {}", record.get().path(), snapshot.getName(),
                    e.getMessage());
            return;
        }
        for (SnapshotDataStoreVO ref : snapshotDataStoreDao.listBySnapshotAndDataStoreRole(snapshot.getId(), DataStoreRole.Primary)) {
            snapshotDataStoreDao.remove(ref.getId());
        }
        VolumeSnapshotRecord.forget(snapshotDetailsDao, snapshot.getId());
        LOG.info("Deleted ElastiStor snapshot {} of snapshot {}: its backup on secondary storage is complete", record.get().path(),
                snapshot.getName());
    }

    @Override
    public boolean deleteSnapshot(Long snapshotId, Long zoneId) {
        SnapshotVO snapshot = snapshotDao.findById(snapshotId);
        if (snapshot == null || snapshot.getState() == Snapshot.State.Destroyed) {
            return true;
        }
        if (snapshot.getState() == Snapshot.State.Allocated) {
            return snapshotDao.remove(snapshotId);
        }
        if (backups.deleteBackups(snapshot, zoneId)) {
            LOG.info("Deleted the backup of snapshot {} in zone {}; its copies in other zones and its array snapshot remain",
                    snapshot.getName(), zoneId);
            return true;
        }
        VolumeVO volume = volumeDao.findByIdIncludingRemoved(snapshot.getVolumeId());
        Long poolId = VolumeSnapshotRecord.find(snapshotDetailsDao, snapshotId).map(ArraySnapshotLocation::poolId)
                .orElse(volume == null ? null : volume.getPoolId());
        if (poolId == null) {
            return SnapshotRows.forget(snapshotDataStoreDao, snapshotDao, snapshotDetailsDao, snapshotId, snapshot);
        }
        return locks.onPool(poolId, "Delete of snapshot " + snapshot.getName(), () -> {
            deleteOnArray(snapshotId, snapshot, volume, poolId);
            return SnapshotRows.forget(snapshotDataStoreDao, snapshotDao, snapshotDetailsDao, snapshotId, snapshot);
        });
    }

    /**
     * Deletes the snapshot's array snapshot (and a backup's leftover clone of it): the recorded one, or for a snapshot
     * whose take was cut short before its details were written (Error after a management-server crash) the one its name
     * gives, on its volume.
     */
    private void deleteOnArray(long snapshotId, SnapshotVO snapshot, VolumeVO volume, long poolId) {
        ElastiStorArray array = arrays.forPool(poolId);
        Optional<ArraySnapshotLocation> record = VolumeSnapshotRecord.find(snapshotDetailsDao, snapshotId);
        if (!record.isPresent() && volume != null && volume.getFolder() != null) {
            record = VolumeSnapshotRecord.findByName(array, poolId, volume.getFolder(), snapshot.getUuid());
            record.ifPresent(r -> LOG.info("Snapshot {} ({}) has no ElastiStor snapshot recorded; deleting {} found by its name",
                    snapshot.getUuid(), snapshot.getState(), r.path()));
        }
        if (!record.isPresent()) {
            return;
        }
        backups.deleteLeftoverClone(snapshotId, poolId);
        try {
            if (!array.deleteSnapshot(record.get().esVolumeId(), record.get().path())) {
                LOG.info("ElastiStor snapshot {} of snapshot {} was already gone", record.get().path(), snapshot.getUuid());
            }
        } catch (ArrayConflictException e) {
            throw new CloudRuntimeException("Snapshot " + snapshot.getName() + " cannot be deleted: " + e.getMessage()
                    + ". Delete the volumes created from it first.", e);
        }
    }

    @Override
    public boolean revertSnapshot(SnapshotInfo snapshot) {
        VolumeVO volumeVO = volumeDao.findById(snapshot.getVolumeId());
        if (volumeVO == null) {
            throw new CloudRuntimeException("Cannot revert snapshot " + snapshot.getName() + ": its volume no longer exists");
        }
        if (volumeVO.getInstanceId() != null) {
            VMInstanceVO vm = vmInstanceDao.findById(volumeVO.getInstanceId());
            if (vm != null && vm.getState() != VirtualMachine.State.Stopped && vm.getState() != VirtualMachine.State.Shutdown) {
                throw new CloudRuntimeException("Stop VM " + vm.getInstanceName() + " before reverting volume " + volumeVO.getName()
                        + " to snapshot " + snapshot.getName() + " (it is " + vm.getState() + ")");
            }
        }
        Optional<ArraySnapshotLocation> recorded = VolumeSnapshotRecord.find(snapshotDetailsDao, snapshot.getId());
        if (!recorded.isPresent()) {
            return revertFromBackup(snapshot, volumeVO);
        }
        ArraySnapshotLocation record = recorded.get();
        Refusal.unlessInService(primaryDataStoreDao.findById(record.poolId()), "Reverting volume " + volumeVO.getName()
                + " to snapshot " + snapshot.getName());
        return locks.onPool(record.poolId(), "Revert of volume " + volumeVO.getName(), () -> revert(snapshot, volumeVO, record));
    }

    private boolean revert(SnapshotInfo snapshot, VolumeVO volumeVO, ArraySnapshotLocation record) {
        ElastiStorArray array = arrays.forPool(record.poolId());
        try {
            SnapshotChain.refuseToDestroyNewer(array, record, "snapshot " + snapshot.getName(), owners::isOrphan);
        } catch (CloudRuntimeException e) {
            throw new CloudRuntimeException("Cannot revert volume " + volumeVO.getName() + ": " + e.getMessage(), e);
        }
        VolumeInfo volume = snapshot.getBaseVolume();
        if (!volume.stateTransit(Volume.Event.RevertSnapshotRequested)) {
            throw new CloudRuntimeException("Volume " + volumeVO.getName() + " cannot be reverted in state " + volume.getState());
        }
        try {
            List<String> destroyed = array.rollback(record.esVolumeId(), record.path());
            if (!destroyed.isEmpty()) {
                LOG.warn("Rollback of volume {} destroyed snapshots created meanwhile: {}", volumeVO.getName(), destroyed);
            }
            volume.stateTransit(Volume.Event.OperationSucceeded);
            return true;
        } catch (RuntimeException e) {
            volume.stateTransit(Volume.Event.OperationFailed);
            throw new CloudRuntimeException("Revert of volume " + volumeVO.getName() + " to snapshot " + snapshot.getName()
                    + " failed: " + e.getMessage(), e);
        }
    }

    /** The array snapshot is gone (deleted after its backup): the backup is written into the volume, verified first. */
    private boolean revertFromBackup(SnapshotInfo snapshot, VolumeVO volumeVO) {
        if (!backups.hasBackup(snapshot.getId())) {
            throw new CloudRuntimeException("Snapshot " + snapshot.getName() + " has neither an ElastiStor snapshot nor a complete"
                    + " backup on secondary storage; it cannot be reverted");
        }
        VolumeInfo volume = snapshot.getBaseVolume();
        if (!volume.stateTransit(Volume.Event.RevertSnapshotRequested)) {
            throw new CloudRuntimeException("Volume " + volumeVO.getName() + " cannot be reverted in state " + volume.getState());
        }
        try {
            backups.restore(snapshot.getId(), snapshot.getName(), volumeVO);
            volume.stateTransit(Volume.Event.OperationSucceeded);
            LOG.info("Reverted volume {} to snapshot {} from its backup on secondary storage", volumeVO.getName(), snapshot.getName());
            return true;
        } catch (RuntimeException e) {
            volume.stateTransit(Volume.Event.OperationFailed);
            throw new CloudRuntimeException("Revert of volume " + volumeVO.getName() + " to snapshot " + snapshot.getName()
                    + " from its backup failed: " + e.getMessage(), e);
        }
    }
}
