// Licensed under the Apache License, Version 2.0. See LICENSE in the project root.
package io.elastisnap.cloudstack.pool;

import java.util.Map;

import javax.inject.Inject;

import org.apache.cloudstack.engine.subsystem.api.storage.CopyCommandResult;
import org.apache.cloudstack.engine.subsystem.api.storage.DataMotionStrategy;
import org.apache.cloudstack.engine.subsystem.api.storage.DataObject;
import org.apache.cloudstack.engine.subsystem.api.storage.DataStore;
import org.apache.cloudstack.engine.subsystem.api.storage.SnapshotInfo;
import org.apache.cloudstack.engine.subsystem.api.storage.StrategyPriority;
import org.apache.cloudstack.engine.subsystem.api.storage.VolumeInfo;
import org.apache.cloudstack.framework.async.AsyncCompletionCallback;
import org.apache.cloudstack.storage.command.CopyCmdAnswer;
import org.apache.cloudstack.storage.to.VolumeObjectTO;
import org.apache.logging.log4j.LogManager;
import org.apache.logging.log4j.Logger;

import com.cloud.agent.api.Answer;
import com.cloud.agent.api.to.VirtualMachineTO;
import com.cloud.host.Host;
import com.cloud.storage.dao.SnapshotDetailsDao;
import com.cloud.utils.exception.CloudRuntimeException;

/**
 * A volume from a pool snapshot (createVolume snapshotid=...): the snapshot's file is restored into a new file named by
 * the new volume's uuid on the same adopted pool, through the engine's restore on a host with the pool. Claimed for
 * every copy of a pool snapshot, so a copy CloudStack cannot make (another pool, a template) is refused with the way
 * out instead of reaching the agent with an array path it cannot read.
 */
public class PoolSnapshotDataMotionStrategy implements DataMotionStrategy {
    private static final Logger LOG = LogManager.getLogger(PoolSnapshotDataMotionStrategy.class);

    @Inject
    private SnapshotDetailsDao snapshotDetailsDao;
    @Inject
    private AdoptedPools adoptedPools;
    @Inject
    private PoolSnapshots poolSnapshots;

    @Override
    public StrategyPriority canHandle(DataObject srcData, DataObject destData) {
        try {
            return srcData instanceof SnapshotInfo && snapshotDetailsDao.findDetail(srcData.getId(), AdoptedPool.SNAPSHOT_NAME) != null
                    ? StrategyPriority.HIGHEST : StrategyPriority.CANT_HANDLE;
        } catch (RuntimeException e) {
            LOG.warn("Declining copy of {} to {}: {}", srcData.getType(), destData.getType(), e.toString());
            return StrategyPriority.CANT_HANDLE;
        }
    }

    @Override
    public StrategyPriority canHandle(Map<VolumeInfo, DataStore> volumeMap, Host srcHost, Host destHost) {
        return StrategyPriority.CANT_HANDLE;
    }

    @Override
    public void copyAsync(DataObject srcData, DataObject destData, Host destHost, AsyncCompletionCallback<CopyCommandResult> callback) {
        CopyCommandResult result;
        try {
            result = volumeFrom(srcData, destData);
        } catch (RuntimeException e) {
            LOG.warn("Creating {} {} from pool snapshot {} failed: {}", destData.getType(), destData.getUuid(), srcData.getUuid(),
                    e.getMessage());
            result = new CopyCommandResult(null, new Answer(null, false, e.getMessage()));
            result.setResult(e.getMessage());
        }
        callback.complete(result);
    }

    private CopyCommandResult volumeFrom(DataObject snapshot, DataObject target) {
        Map<String, String> details = snapshotDetailsDao.listDetailsKeyPairs(snapshot.getId());
        long poolId = Long.parseLong(details.get(AdoptedPool.SNAPSHOT_POOL));
        if (!(target instanceof VolumeInfo) || target.getDataStore() == null || target.getDataStore().getId() != poolId) {
            throw new CloudRuntimeException("Snapshot " + snapshot.getUuid() + " is an ElastiStor pool snapshot: a volume from it"
                    + " can only be created on its own pool (give storageid of that pool), then migrated; a template needs a volume"
                    + " from it first");
        }
        if (details.get(AdoptedPool.SNAPSHOT_PATH) == null) {
            throw new CloudRuntimeException("Snapshot " + snapshot.getUuid() + " has no pool snapshot (its take did not complete)");
        }
        AdoptedPool pool = adoptedPools.find(poolId).orElseThrow(() -> new CloudRuntimeException("The pool of snapshot "
                + snapshot.getUuid() + " is no longer adopted"));
        VolumeInfo volume = (VolumeInfo) target;
        String done = poolSnapshots.restore(pool, details.get(AdoptedPool.SNAPSHOT_NAME), details.get(AdoptedPool.SNAPSHOT_PATH),
                details.get(AdoptedPool.SNAPSHOT_FILE), volume.getUuid(), true);
        LOG.info("Volume {} from pool snapshot {}: {}", volume.getUuid(), details.get(AdoptedPool.SNAPSHOT_NAME), done);
        VolumeObjectTO created = new VolumeObjectTO();
        created.setPath(volume.getUuid());
        if (volume.getSize() != null) {
            created.setSize(volume.getSize());
        }
        return new CopyCommandResult(volume.getUuid(), new CopyCmdAnswer(created));
    }

    @Override
    public void copyAsync(Map<VolumeInfo, DataStore> volumeMap, VirtualMachineTO vmTo, Host srcHost, Host destHost,
                          AsyncCompletionCallback<CopyCommandResult> callback) {
        String message = "pool snapshots are not part of volume migrations";
        CopyCommandResult failed = new CopyCommandResult(null, new Answer(null, false, message));
        failed.setResult(message);
        callback.complete(failed);
    }
}
