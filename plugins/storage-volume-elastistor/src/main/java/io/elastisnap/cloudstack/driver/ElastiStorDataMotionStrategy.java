// Licensed under the Apache License, Version 2.0. See LICENSE in the project root.
package io.elastisnap.cloudstack.driver;

import java.util.Map;
import java.util.Optional;

import javax.inject.Inject;

import org.apache.cloudstack.engine.subsystem.api.storage.CopyCommandResult;
import org.apache.cloudstack.engine.subsystem.api.storage.DataMotionStrategy;
import org.apache.cloudstack.engine.subsystem.api.storage.DataObject;
import org.apache.cloudstack.engine.subsystem.api.storage.DataStore;
import org.apache.cloudstack.engine.subsystem.api.storage.SnapshotInfo;
import org.apache.cloudstack.engine.subsystem.api.storage.StrategyPriority;
import org.apache.cloudstack.engine.subsystem.api.storage.TemplateInfo;
import org.apache.cloudstack.engine.subsystem.api.storage.VolumeInfo;
import org.apache.cloudstack.framework.async.AsyncCompletionCallback;
import org.apache.cloudstack.storage.command.CopyCmdAnswer;
import org.apache.cloudstack.storage.datastore.db.PrimaryDataStoreDao;
import org.apache.cloudstack.storage.datastore.db.StoragePoolVO;
import org.apache.cloudstack.storage.to.VolumeObjectTO;
import org.apache.logging.log4j.LogManager;
import org.apache.logging.log4j.Logger;

import com.cloud.agent.api.Answer;
import com.cloud.agent.api.to.VirtualMachineTO;
import com.cloud.host.Host;
import com.cloud.storage.VolumeVO;
import com.cloud.storage.dao.SnapshotDetailsDao;
import com.cloud.storage.dao.VolumeDao;
import com.cloud.utils.exception.CloudRuntimeException;

import io.elastisnap.cloudstack.ElastiStorPool;
import io.elastisnap.cloudstack.array.ArraySnapshotLocation;
import io.elastisnap.cloudstack.array.ElastiStorArrays;
import io.elastisnap.cloudstack.backup.SecondaryStorageBackups;
import io.elastisnap.cloudstack.record.VolumeSnapshotRecord;

/**
 * createVolume from an ElastiStor snapshot is an array clone (cloneDatasetSnapshot) on the same ElastiCenter, with no
 * data copied through a host; when only the snapshot's backup on secondary storage is left, a new volume is created and
 * the backup written into it (verified first). A template from a snapshot with a backup is CloudStack's own copy of the
 * qcow2 file; without one (snapshot.backup.to.secondary=false) it is claimed only to refuse it with a clear message.
 */
public class ElastiStorDataMotionStrategy implements DataMotionStrategy {
    private static final Logger LOG = LogManager.getLogger(ElastiStorDataMotionStrategy.class);

    @Inject
    private PrimaryDataStoreDao primaryDataStoreDao;
    @Inject
    private SnapshotDetailsDao snapshotDetailsDao;
    @Inject
    private ElastiStorArrays arrays;
    @Inject
    private ElastiStorPrimaryDataStoreDriver driver;
    @Inject
    private SecondaryStorageBackups backups;
    @Inject
    private VolumeDao volumeDao;

    @Override
    public StrategyPriority canHandle(DataObject srcData, DataObject destData) {
        try {
            if (!(srcData instanceof SnapshotInfo)) {
                return StrategyPriority.CANT_HANDLE;
            }
            Optional<ArraySnapshotLocation> source = VolumeSnapshotRecord.find(snapshotDetailsDao, srcData.getId());
            boolean backedUp = backups.hasBackup(srcData.getId());
            if (destData instanceof TemplateInfo) {
                return source.isPresent() && !backedUp ? StrategyPriority.HIGHEST : StrategyPriority.CANT_HANDLE;
            }
            if (!(destData instanceof VolumeInfo) || !isOurs(destData.getDataStore())) {
                return StrategyPriority.CANT_HANDLE;
            }
            if (!source.isPresent()) {
                return backedUp ? StrategyPriority.HIGHEST : StrategyPriority.CANT_HANDLE;
            }
            long targetPool = destData.getDataStore().getId();
            if (!arrays.connection(source.get().poolId()).sameElastiCenter(arrays.connection(targetPool))) {
                LOG.debug("Declining a volume from snapshot {}: the target pool is on another ElastiCenter", srcData.getId());
                return StrategyPriority.CANT_HANDLE;
            }
            return StrategyPriority.HIGHEST;
        } catch (RuntimeException e) {
            LOG.warn("Declining copy of {} to {}: {}", srcData.getType(), destData.getType(), e.toString());
            return StrategyPriority.CANT_HANDLE;
        }
    }

    private boolean isOurs(DataStore store) {
        StoragePoolVO pool = store == null ? null : primaryDataStoreDao.findById(store.getId());
        return pool != null && ElastiStorPool.PROVIDER_NAME.equals(pool.getStorageProviderName());
    }

    @Override
    public StrategyPriority canHandle(Map<VolumeInfo, DataStore> volumeMap, Host srcHost, Host destHost) {
        return StrategyPriority.CANT_HANDLE;
    }

    @Override
    public void copyAsync(DataObject srcData, DataObject destData, Host destHost, AsyncCompletionCallback<CopyCommandResult> callback) {
        ElastiStorPrimaryDataStoreDriver.completeOnce(callback, "Creating " + destData.getType() + " " + destData.getUuid()
                + " from ElastiStor snapshot " + srcData.getUuid(), () -> {
            if (!(destData instanceof VolumeInfo)) {
                throw new CloudRuntimeException("an ElastiStor snapshot exists only on the array and cannot become a template;"
                        + " create a volume from the snapshot, then a template from that volume");
            }
            VolumeInfo volume = (VolumeInfo) destData;
            long poolId = destData.getDataStore().getId();
            String iscsiName = VolumeSnapshotRecord.find(snapshotDetailsDao, srcData.getId()).isPresent()
                    ? driver.createVolume(poolId, volume, srcData.getId()) : createFromBackup(poolId, volume, (SnapshotInfo) srcData);
            VolumeObjectTO created = new VolumeObjectTO();
            created.setPath(iscsiName);
            if (volume.getSize() != null) {
                created.setSize(volume.getSize());
            }
            return new CopyCommandResult(iscsiName, new CopyCmdAnswer(created));
        }, message -> {
            CopyCommandResult failed = new CopyCommandResult(null, new Answer(null, false, message));
            failed.setResult(message);
            return failed;
        });
    }

    /** A new, empty ElastiStor volume with the backup written into it; removed again if the restore fails. */
    private String createFromBackup(long poolId, VolumeInfo volume, SnapshotInfo snapshot) {
        String iscsiName = driver.createVolume(poolId, volume, null);
        VolumeVO created = volumeDao.findById(volume.getId());
        try {
            backups.restore(snapshot.getId(), snapshot.getName(), created);
            return iscsiName;
        } catch (RuntimeException e) {
            try {
                arrays.client(poolId).deleteFileSystem(created.getFolder(), true);
            } catch (RuntimeException cleanup) {
                LOG.error("Could not remove ElastiStor volume {} after the failed restore; remove it by hand", created.getFolder(), cleanup);
            }
            throw e;
        }
    }

    @Override
    public void copyAsync(Map<VolumeInfo, DataStore> volumeMap, VirtualMachineTO vmTo, Host srcHost, Host destHost,
                          AsyncCompletionCallback<CopyCommandResult> callback) {
        String message = "ElastiStor does not migrate volumes with their VM";
        CopyCommandResult failed = new CopyCommandResult(null, new Answer(null, false, message));
        failed.setResult(message);
        callback.complete(failed);
    }
}
