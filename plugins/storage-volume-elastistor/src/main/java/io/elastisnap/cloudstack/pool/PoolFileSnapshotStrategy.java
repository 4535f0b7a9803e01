// Licensed under the Apache License, Version 2.0. See LICENSE in the project root.
package io.elastisnap.cloudstack.pool;

import java.util.Collections;
import java.util.Map;

import javax.inject.Inject;

import org.apache.cloudstack.engine.subsystem.api.storage.ObjectInDataStoreStateMachine;
import org.apache.cloudstack.engine.subsystem.api.storage.SnapshotInfo;
import org.apache.cloudstack.engine.subsystem.api.storage.SnapshotService;
import org.apache.cloudstack.engine.subsystem.api.storage.SnapshotStrategy;
import org.apache.cloudstack.engine.subsystem.api.storage.StrategyPriority;
import org.apache.cloudstack.engine.subsystem.api.storage.VolumeInfo;
import org.apache.cloudstack.framework.config.dao.ConfigurationDao;
import org.apache.cloudstack.storage.command.CreateObjectAnswer;
import org.apache.cloudstack.storage.datastore.db.SnapshotDataStoreDao;
import org.apache.cloudstack.storage.to.SnapshotObjectTO;
import org.apache.logging.log4j.LogManager;
import org.apache.logging.log4j.Logger;

import com.cloud.storage.Snapshot;
import com.cloud.storage.SnapshotVO;
import com.cloud.storage.Volume;
import com.cloud.storage.VolumeVO;
import com.cloud.storage.dao.SnapshotDao;
import com.cloud.storage.dao.SnapshotDetailsDao;
import com.cloud.storage.dao.SnapshotDetailsVO;
import com.cloud.storage.dao.VolumeDao;
import com.cloud.utils.exception.CloudRuntimeException;
import com.cloud.vm.VMInstanceVO;
import com.cloud.vm.VirtualMachine;
import com.cloud.vm.dao.VMInstanceDao;

import io.elastisnap.cloudstack.Refusal;
import io.elastisnap.cloudstack.array.ArraySnapshotRef;
import io.elastisnap.cloudstack.array.ElastiStorArray;
import io.elastisnap.cloudstack.array.ElastiStorArrays;
import io.elastisnap.cloudstack.cluster.ClusterLocks;
import io.elastisnap.cloudstack.snapshot.ConsistentSnapshotTaker;
import io.elastisnap.cloudstack.snapshot.ElastiStorSnapshotStrategy;
import io.elastisnap.cloudstack.snapshot.SkippedPostProcessing;
import io.elastisnap.cloudstack.snapshot.SnapshotRows;

/**
 * Volume snapshots of volumes on adopted SharedMountPoint/NFS pools: ONE array snapshot of the pool volume, taken by
 * the VM's host inside a freeze of the guest ({@link PoolSnapshots}), recorded in the snapshot's details. Claims TAKE,
 * DELETE and REVERT only for those volumes (and for DELETE/REVERT only snapshots it took) and steps aside everywhere
 * else, so CloudStack's own strategies keep every other snapshot, also older ones of the same pool.
 *
 * <p>With snapshot.backup.to.secondary=true (CloudStack's default) a take is refused before anything is frozen: 4.21+
 * never calls backupSnapshot for KVM file-based pools and instead records the primary path as if it were a file on
 * secondary storage (postSnapshotDirectlyToSecondary), which for an array snapshot would be a false backup.
 */
public class PoolFileSnapshotStrategy implements SnapshotStrategy {
    static final String BACKUP_TO_SECONDARY = "snapshot.backup.to.secondary";
    private static final Logger LOG = LogManager.getLogger(PoolFileSnapshotStrategy.class);

    @Inject
    private AdoptedPools adoptedPools;
    @Inject
    private PoolSnapshots poolSnapshots;
    @Inject
    private SnapshotDao snapshotDao;
    @Inject
    private SnapshotDetailsDao snapshotDetailsDao;
    @Inject
    private SnapshotDataStoreDao snapshotDataStoreDao;
    @Inject
    private SnapshotService snapshotService;
    @Inject
    private VolumeDao volumeDao;
    @Inject
    private VMInstanceDao vmInstanceDao;
    @Inject
    private ConfigurationDao configurationDao;
    @Inject
    private ElastiStorArrays arrays;
    @Inject
    private ClusterLocks locks;
    @Inject
    private SkippedPostProcessing skippedPostProcessing;

    @Override
    public StrategyPriority canHandle(Snapshot snapshot, Long zoneId, SnapshotOperation op) {
        try {
            switch (op) {
                case TAKE:
                    VolumeVO volume = volumeDao.findById(snapshot.getVolumeId());
                    return volume != null && volume.getPoolId() != null && adoptedPools.find(volume.getPoolId()).isPresent()
                            ? StrategyPriority.HIGHEST : StrategyPriority.CANT_HANDLE;
                case DELETE:
                case REVERT:
                    // only what this strategy took: snapshots from before the adoption stay CloudStack's
                    return snapshotDetailsDao.findDetail(snapshot.getId(), AdoptedPool.SNAPSHOT_NAME) != null
                            ? StrategyPriority.HIGHEST : StrategyPriority.CANT_HANDLE;
                default:
                    return StrategyPriority.CANT_HANDLE;
            }
        } catch (RuntimeException e) {
            // canHandle runs for every snapshot operation on every storage: it must never break another strategy's flow
            LOG.warn("Declining {} of snapshot {}: could not tell whether its pool is adopted: {}", op, snapshot.getId(), e.toString());
            return StrategyPriority.CANT_HANDLE;
        }
    }

    @Override
    public SnapshotInfo takeSnapshot(SnapshotInfo snapshot) {
        VolumeInfo volume = snapshot.getBaseVolume();
        AdoptedPool pool = adoptedPools.find(volume.getPoolId()).orElseThrow(() -> Refusal.of("Volume " + volume.getUuid()
                + " is not on an adopted pool"));
        if (!"false".equalsIgnoreCase(String.valueOf(configurationDao.getValue(BACKUP_TO_SECONDARY)).trim())) {
            throw Refusal.of("Snapshots of volumes on " + pool.poolName() + " (adopted by ElastiSnap) are ElastiStor pool snapshots"
                    + " and need the global setting " + BACKUP_TO_SECONDARY + "=false: with true, CloudStack 4.21+ would record the"
                    + " pool snapshot's file as a copy on secondary storage without copying it. Set it to false (it applies to every"
                    + " pool: other KVM snapshots then stay on primary storage too), or detach the pool (detachElastiStorPool)");
        }
        VolumeVO volumeVO = volumeDao.findById(volume.getId());
        VMInstanceVO vm = volumeVO.getInstanceId() == null ? null : vmInstanceDao.findById(volumeVO.getInstanceId());
        return locks.onPool(pool.poolId(), "Pool snapshot of volume " + volume.getUuid(), () -> take(snapshot, volume, volumeVO, pool, vm));
    }

    private SnapshotInfo take(SnapshotInfo snapshot, VolumeInfo volume, VolumeVO volumeVO, AdoptedPool pool, VirtualMachine vm) {
        if (!volume.stateTransit(Volume.Event.SnapshotRequested)) {
            throw new CloudRuntimeException("Volume " + volume.getUuid() + " cannot be snapshotted in state " + volume.getState());
        }
        String name = AdoptedPool.snapshotName(snapshot.getUuid());
        SnapshotInfo onPrimary = null;
        try {
            // the name first: a take cut short (crash, lost answer) leaves an Error snapshot whose delete finds it by name
            snapshotDetailsDao.addDetail(snapshot.getId(), AdoptedPool.SNAPSHOT_NAME, name, false);
            snapshotDetailsDao.addDetail(snapshot.getId(), AdoptedPool.SNAPSHOT_POOL, String.valueOf(pool.poolId()), false);
            snapshotDetailsDao.addDetail(snapshot.getId(), AdoptedPool.SNAPSHOT_VOLUME, pool.poolVolumeId(), false);
            snapshotDetailsDao.addDetail(snapshot.getId(), AdoptedPool.SNAPSHOT_FILE, volumeVO.getPath(), false);
            onPrimary = (SnapshotInfo) snapshot.getDataStore().create(snapshot);
            snapshotService.processEventOnSnapshotObject(snapshot, Snapshot.Event.CreateRequested);
            onPrimary.processEvent(ObjectInDataStoreStateMachine.Event.CreateOnlyRequested);

            ConsistentSnapshotTaker.Taken taken = poolSnapshots.take(pool, vm, name, Collections.singletonList(volumeVO.getPath()),
                    snapshot.getSnapshotType() == Snapshot.Type.GROUP.ordinal(), ElastiStorSnapshotStrategy.quiesceRequested(snapshot));
            SnapshotObjectTO to = new SnapshotObjectTO();
            to.setPath(taken.snapshots().get(0).getPath());
            onPrimary.processEvent(ObjectInDataStoreStateMachine.Event.OperationSuccessed, new CreateObjectAnswer(to));
            snapshotService.processEventOnSnapshotObject(snapshot, Snapshot.Event.OperationSucceeded);
            snapshotDetailsDao.addDetail(snapshot.getId(), AdoptedPool.SNAPSHOT_PATH, taken.snapshots().get(0).getPath(), false);
            taken.recordIn((detail, value) -> snapshotDetailsDao.addDetail(snapshot.getId(), detail, value, true));
            volume.stateTransit(Volume.Event.OperationSucceeded);
            if (snapshot.getSnapshotType() != Snapshot.Type.GROUP.ordinal()) {
                skippedPostProcessing.recordIfCloudStackWillSkip(snapshot, volume);
            }
            return snapshot;
        } catch (RuntimeException e) {
            poolSnapshots.deleteByNameQuietly(pool, name);
            if (onPrimary != null) {
                SnapshotRows.failQuietly(snapshotService, snapshot, onPrimary);
            }
            volume.stateTransit(Volume.Event.OperationFailed);
            LOG.error("Pool snapshot of volume {} on {} failed", volume.getUuid(), pool, e);
            throw Refusal.failure(e instanceof CloudRuntimeException ? e.getMessage()
                    : "Pool snapshot of volume " + volume.getUuid() + " failed: " + e.getMessage(), e);
        }
    }

    /** Never called: TAKE refuses snapshot.backup.to.secondary=true, and BACKUP is not claimed. */
    @Override
    public SnapshotInfo backupSnapshot(SnapshotInfo snapshot) {
        throw Refusal.of("Snapshots on adopted pools are not backed up to secondary storage");
    }

    @Override
    public void postSnapshotCreation(SnapshotInfo snapshot) {
        // nothing to do after a take: the pool snapshot is complete, and no backup follows
    }

    /**
     * Reference counted: the pool snapshot is deleted on the array only with the last CloudStack snapshot naming it, under
     * the pool's lock. The array delete comes before the snapshot's details go, so a crash in between leaves a snapshot
     * whose next delete finds its pool snapshot gone and finishes.
     */
    @Override
    public boolean deleteSnapshot(Long snapshotId, Long zoneId) {
        SnapshotVO snapshot = snapshotDao.findById(snapshotId);
        if (snapshot == null || snapshot.getState() == Snapshot.State.Destroyed) {
            return true;
        }
        Map<String, String> details = snapshotDetailsDao.listDetailsKeyPairs(snapshotId);
        String name = details.get(AdoptedPool.SNAPSHOT_NAME);
        long poolId = Long.parseLong(details.get(AdoptedPool.SNAPSHOT_POOL));
        return locks.onPool(poolId, "Delete of snapshot " + snapshot.getName(), () -> {
            long others = otherReferences(name, snapshotId);
            if (others > 0) {
                LOG.info("Snapshot {}: pool snapshot {} stays ({} other snapshot(s) refer to it)", snapshot.getName(), name, others);
            } else {
                deleteOnArray(snapshot, details, poolId, name);
            }
            return SnapshotRows.forget(snapshotDataStoreDao, snapshotDao, snapshotDetailsDao, snapshotId, snapshot);
        });
    }

    private long otherReferences(String name, long snapshotId) {
        long others = 0;
        for (SnapshotDetailsVO detail : snapshotDetailsDao.findDetails(AdoptedPool.SNAPSHOT_NAME, name, null)) {
            SnapshotVO other = detail.getResourceId() == snapshotId ? null : snapshotDao.findById(detail.getResourceId());
            if (other != null && other.getState() != Snapshot.State.Destroyed) {
                others++;
            }
        }
        return others;
    }

    private void deleteOnArray(SnapshotVO snapshot, Map<String, String> details, long poolId, String name) {
        String volumeId = details.get(AdoptedPool.SNAPSHOT_VOLUME);
        ElastiStorArray array = arrays.forPool(poolId);
        String path = details.get(AdoptedPool.SNAPSHOT_PATH);
        if (path == null) {
            // an Error snapshot whose take was cut short: its pool snapshot, if it was created, carries the name
            path = array.listSnapshots(volumeId).stream().filter(s -> s.name().equals(name)).map(ArraySnapshotRef::path).findFirst()
                    .orElse(null);
        }
        if (path == null) {
            return;
        }
        if (!array.deleteSnapshot(volumeId, path)) {
            LOG.info("Pool snapshot {} of snapshot {} was already gone", path, snapshot.getUuid());
        }
    }

    /**
     * Restores the volume's file from the pool snapshot on a host with the pool mounted (clone, attach, mount, copy,
     * rename, clean-up); nothing else on the pool changes. The VM must be stopped.
     */
    @Override
    public boolean revertSnapshot(SnapshotInfo snapshot) {
        VolumeVO volumeVO = volumeDao.findById(snapshot.getVolumeId());
        if (volumeVO == null) {
            throw new CloudRuntimeException("Cannot revert snapshot " + snapshot.getName() + ": its volume no longer exists");
        }
        Map<String, String> details = snapshotDetailsDao.listDetailsKeyPairs(snapshot.getId());
        long poolId = Long.parseLong(details.get(AdoptedPool.SNAPSHOT_POOL));
        if (!Long.valueOf(poolId).equals(volumeVO.getPoolId())) {
            throw new CloudRuntimeException("Cannot revert volume " + volumeVO.getName() + " to snapshot " + snapshot.getName()
                    + ": the volume has moved off the pool the snapshot was taken on");
        }
        if (details.get(AdoptedPool.SNAPSHOT_PATH) == null) {
            throw new CloudRuntimeException("Snapshot " + snapshot.getName() + " has no pool snapshot (its take did not complete)");
        }
        if (volumeVO.getInstanceId() != null) {
            VMInstanceVO vm = vmInstanceDao.findById(volumeVO.getInstanceId());
            if (vm != null && vm.getState() != VirtualMachine.State.Stopped && vm.getState() != VirtualMachine.State.Shutdown) {
                throw new CloudRuntimeException("Stop VM " + vm.getInstanceName() + " before reverting volume " + volumeVO.getName()
                        + " to snapshot " + snapshot.getName() + " (it is " + vm.getState() + ")");
            }
        }
        AdoptedPool pool = adoptedPools.find(poolId).orElseThrow(() -> new CloudRuntimeException("Cannot revert snapshot "
                + snapshot.getName() + ": its pool is no longer adopted"));
        return locks.onPool(poolId, "Revert of volume " + volumeVO.getName(), () -> {
            VolumeInfo volume = snapshot.getBaseVolume();
            if (!volume.stateTransit(Volume.Event.RevertSnapshotRequested)) {
                throw new CloudRuntimeException("Volume " + volumeVO.getName() + " cannot be reverted in state " + volume.getState());
            }
            try {
                String done = poolSnapshots.restore(pool, details.get(AdoptedPool.SNAPSHOT_NAME), details.get(AdoptedPool.SNAPSHOT_PATH),
                        details.get(AdoptedPool.SNAPSHOT_FILE), volumeVO.getPath(), false);
                volume.stateTransit(Volume.Event.OperationSucceeded);
                LOG.info("Reverted volume {} to snapshot {}: {}", volumeVO.getName(), snapshot.getName(), done);
                return true;
            } catch (RuntimeException e) {
                volume.stateTransit(Volume.Event.OperationFailed);
                throw new CloudRuntimeException("Revert of volume " + volumeVO.getName() + " to snapshot " + snapshot.getName()
                        + " failed: " + e.getMessage(), e);
            }
        });
    }
}
