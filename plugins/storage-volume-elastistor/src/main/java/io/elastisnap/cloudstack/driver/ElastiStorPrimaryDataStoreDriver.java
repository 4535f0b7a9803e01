// Licensed under the Apache License, Version 2.0. See LICENSE in the project root.
package io.elastisnap.cloudstack.driver;

import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Function;
import java.util.function.Supplier;

import javax.inject.Inject;

import org.apache.cloudstack.engine.subsystem.api.storage.ChapInfo;
import org.apache.cloudstack.engine.subsystem.api.storage.CopyCommandResult;
import org.apache.cloudstack.engine.subsystem.api.storage.CreateCmdResult;
import org.apache.cloudstack.engine.subsystem.api.storage.DataObject;
import org.apache.cloudstack.engine.subsystem.api.storage.DataStore;
import org.apache.cloudstack.engine.subsystem.api.storage.DataStoreCapabilities;
import org.apache.cloudstack.engine.subsystem.api.storage.PrimaryDataStoreDriver;
import org.apache.cloudstack.engine.subsystem.api.storage.SnapshotInfo;
import org.apache.cloudstack.engine.subsystem.api.storage.TemplateInfo;
import org.apache.cloudstack.engine.subsystem.api.storage.VolumeInfo;
import org.apache.cloudstack.framework.async.AsyncCompletionCallback;
import org.apache.cloudstack.storage.command.CommandResult;
import org.apache.cloudstack.storage.command.CreateObjectAnswer;
import org.apache.cloudstack.storage.datastore.db.PrimaryDataStoreDao;
import org.apache.cloudstack.storage.datastore.db.StoragePoolDetailsDao;
import org.apache.cloudstack.storage.to.SnapshotObjectTO;
import org.apache.logging.log4j.LogManager;
import org.apache.logging.log4j.Logger;

import com.cloud.agent.api.Answer;
import com.cloud.agent.api.to.DataObjectType;
import com.cloud.agent.api.to.DataStoreTO;
import com.cloud.agent.api.to.DataTO;
import com.cloud.host.Host;
import com.cloud.storage.ResizeVolumePayload;
import com.cloud.storage.Storage.StoragePoolType;
import com.cloud.storage.StoragePool;
import com.cloud.storage.Volume;
import com.cloud.storage.VolumeDetailVO;
import com.cloud.storage.VolumeVO;
import com.cloud.storage.dao.SnapshotDetailsDao;
import com.cloud.storage.dao.VolumeDao;
import com.cloud.storage.dao.VolumeDetailsDao;
import com.cloud.utils.Pair;
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
import io.elastisnap.cloudstack.array.IscsiExports;
import io.elastisnap.cloudstack.array.SnapshotChain;
import io.elastisnap.cloudstack.cluster.ClusterLocks;
import io.elastisnap.cloudstack.record.ArraySnapshotOwners;
import io.elastisnap.cloudstack.record.VolumeArrayName;
import io.elastisnap.cloudstack.record.VolumeSnapshotRecord;
import io.elastisnap.elasticenter.AddQosGroupRequest;
import io.elastisnap.elasticenter.CreateVolumeRequest;
import io.elastisnap.elasticenter.CreatedVolume;
import io.elastisnap.elasticenter.ElastiCenterClient;
import io.elastisnap.elasticenter.ElastiCenterConflictException;
import io.elastisnap.elasticenter.ElastiCenterException;
import io.elastisnap.elasticenter.ElastiCenterNotFoundException;
import io.elastisnap.elasticenter.FileSystem;
import io.elastisnap.elasticenter.Tsm;
import io.elastisnap.elasticenter.UnknownOutcome;
import io.elastisnap.elasticenter.UpdateFileSystemRequest;
import io.elastisnap.elasticenter.VolumeProtocol;

/**
 * Managed iSCSI on ElastiStor: one ElastiStor volume (with its own QoS group) per CloudStack volume, behind the pool's
 * CHAP from its creation on, exported to the account's ALL initiator group while a host needs it. Every asynchronous method completes its callback exactly once,
 * on every path; failures carry a message naming the volume and the reason.
 */
public class ElastiStorPrimaryDataStoreDriver implements PrimaryDataStoreDriver {
    /** Volume detail CloudStack's StorageSystemDataMotionStrategy sets when a volume is to be cloned from a snapshot. */
    static final String CLONE_OF_SNAPSHOT = "cloneOfSnapshot";
    static final long DEFAULT_IOPS = 1000;

    private static final Logger LOG = LogManager.getLogger(ElastiStorPrimaryDataStoreDriver.class);

    @Inject
    private ElastiStorArrays arrays;
    @Inject
    private ClusterLocks locks;
    @Inject
    private VolumeDao volumeDao;
    @Inject
    private VolumeDetailsDao volumeDetailsDao;
    @Inject
    private SnapshotDetailsDao snapshotDetailsDao;
    @Inject
    private StoragePoolDetailsDao poolDetailsDao;
    @Inject
    private VMInstanceDao vmInstanceDao;
    @Inject
    private ArraySnapshotOwners owners;
    @Inject
    private PrimaryDataStoreDao poolDao;

    @Override
    public Map<String, String> getCapabilities() {
        Map<String, String> capabilities = new HashMap<>();
        // Deliberately no STORAGE_SYSTEM_SNAPSHOT: it makes StorageSystemSnapshotStrategy tie with ours at HIGHEST.
        // CAN_CREATE_TEMPLATE_FROM_SNAPSHOT: in 4.22 this is the switch that lets createVolume from a snapshot kept on primary storage go straight to the
        // data motion strategies (VolumeOrchestrator's own TODO says it should be CAN_CREATE_VOLUME_FROM_SNAPSHOT);
        // without it CloudStack first tries to back the snapshot up to secondary storage. ElastiStorDataMotionStrategy
        // then clones volumes and refuses templates with a clear message.
        capabilities.put(DataStoreCapabilities.CAN_CREATE_TEMPLATE_FROM_SNAPSHOT.toString(), Boolean.TRUE.toString());
        capabilities.put(DataStoreCapabilities.VOLUME_SNAPSHOT_QUIESCEVM.toString(), Boolean.TRUE.toString());
        capabilities.put(DataStoreCapabilities.CAN_REVERT_VOLUME_TO_SNAPSHOT.toString(), Boolean.TRUE.toString());
        capabilities.put(DataStoreCapabilities.CAN_CREATE_VOLUME_FROM_SNAPSHOT.toString(), Boolean.TRUE.toString());
        return capabilities;
    }

    @Override
    public DataTO getTO(DataObject data) {
        return null;
    }

    @Override
    public DataStoreTO getStoreTO(DataStore store) {
        return null;
    }

    /** Runs an operation and completes the callback exactly once with its result or its failure. */
    static <R extends CommandResult> void completeOnce(AsyncCompletionCallback<R> callback, String what, Supplier<R> success,
                                                       Function<String, R> failure) {
        R result;
        try {
            result = success.get();
        } catch (RuntimeException e) {
            String message = what + " failed: " + reason(e);
            LOG.error(message, e);
            result = failure.apply(message);
        }
        callback.complete(result);
    }

    static String reason(RuntimeException e) {
        return e instanceof CloudRuntimeException || e instanceof ElastiCenterException || e instanceof ArrayConflictException
                ? e.getMessage() : e.getClass().getSimpleName() + ": " + e.getMessage();
    }

    private static CreateCmdResult createFailure(String message) {
        CreateCmdResult result = new CreateCmdResult(null, new Answer(null, false, message));
        result.setResult(message);
        return result;
    }

    private static CommandResult failure(String message) {
        CommandResult result = new CommandResult();
        result.setResult(message);
        return result;
    }

    @Override
    public void createAsync(DataStore store, DataObject data, AsyncCompletionCallback<CreateCmdResult> callback) {
        completeOnce(callback, "Creating " + data.getType() + " " + data.getUuid() + " on ElastiStor pool " + store.getName(), () -> {
            if (data.getType() != DataObjectType.VOLUME) {
                throw new CloudRuntimeException("only volumes can be created on an " + ElastiStorPool.PROVIDER_NAME + " pool, not "
                        + data.getType());
            }
            VolumeInfo volume = (VolumeInfo) data;
            VolumeDetailVO cloneOf = volumeDetailsDao.findDetail(volume.getId(), CLONE_OF_SNAPSHOT);
            String iscsiName = createVolume(store.getId(), volume, cloneOf == null ? null : Long.valueOf(cloneOf.getValue()));
            return new CreateCmdResult(iscsiName, new Answer(null, true, null));
        }, ElastiStorPrimaryDataStoreDriver::createFailure);
    }

    /**
     * Creates the ElastiStor volume of a CloudStack volume, empty or as a clone of one of our snapshots, and records it
     * on the volume row; returns the iSCSI name ({@code /<iqn>/0}) the KVM agent's iSCSI adaptor logs in to.
     */
    String createVolume(long poolId, VolumeInfo volume, Long cloneOfSnapshotId) {
        // under the pool's lock: the reconcile pass, under it too, never sees the array volume before the row names it
        return locks.onPool(poolId, "Create of volume " + volume.getUuid(), () -> createVolumeLocked(poolId, volume, cloneOfSnapshotId));
    }

    private String createVolumeLocked(long poolId, VolumeInfo volume, Long cloneOfSnapshotId) {
        ElastiCenterClient client = arrays.client(poolId);
        Map<String, String> poolDetails = poolDetailsDao.listDetailsKeyPairs(poolId);
        String tsmId = poolDetails.get(ElastiStorPool.DETAIL_TSM_ID);
        String name = VolumeArrayName.of(volume.getUuid());
        long iops = iopsOf(volume.getMaxIops(), volume.getMinIops());
        FileSystem created = cloneOfSnapshotId == null ? provision(client, tsmId, name, volume.getSize(), iops)
                : cloneFromSnapshot(client, cloneOfSnapshotId, name, volume.getSize());
        try {
            // Behind CHAP before any initiator group can reach it (a new volume or clone is not exported yet).
            exportTo(poolId, client, created.id(), IscsiExports.NO_INITIATORS);
            String iscsiName = "/" + IscsiExports.iqnOf(client, created) + "/0";
            VolumeVO vo = volumeDao.findById(volume.getId());
            vo.set_iScsiName(iscsiName);
            vo.setFolder(created.id());
            vo.setPoolType(StoragePoolType.Iscsi);
            vo.setPoolId(poolId);
            volumeDao.update(vo.getId(), vo);
            LOG.info("Created ElastiStor volume {} ({}) for volume {}", created.id(), name, volume.getUuid());
            return iscsiName;
        } catch (RuntimeException e) {
            deleteQuietly(client, created.id());
            throw e;
        }
    }

    static long iopsOf(Long maxIops, Long minIops) {
        if (maxIops != null && maxIops > 0) {
            return maxIops;
        }
        return minIops != null && minIops > 0 ? minIops : DEFAULT_IOPS;
    }

    private static FileSystem provision(ElastiCenterClient client, String tsmId, String name, Long sizeBytes, long iops) {
        if (sizeBytes == null || sizeBytes <= 0) {
            throw new CloudRuntimeException("volume " + name + " has no size");
        }
        Tsm tsm = client.findTsm(tsmId).orElseThrow(() -> new CloudRuntimeException("ElastiStor TSM " + tsmId + " no longer exists"));
        // A retried create after a lost answer or a job past its deadline: the volume may exist already (its name is the
        // CloudStack volume's UUID), so it is adopted rather than refused as a duplicate.
        Optional<FileSystem> existing = client.listFileSystems(tsm.id()).stream().filter(f -> f.name().equals(name)).findFirst();
        if (existing.isPresent()) {
            LOG.warn("ElastiStor volume {} already exists (an earlier attempt completed late); using it", name);
            return existing.get();
        }
        String qosGroupId = client.addQosGroup(AddQosGroupRequest.builder("qos" + name, tsm.id(), iops).build()).id();
        CreatedVolume volume = client.createVolume(CreateVolumeRequest.builder(name, sizeBytes).tsm(tsm).qosGroupId(qosGroupId)
                .protocol(VolumeProtocol.ISCSI).build());
        return client.findFileSystem(volume.id()).orElseThrow(() -> new CloudRuntimeException("ElastiStor volume " + volume.id()
                + " was created but is not listed"));
    }

    private FileSystem cloneFromSnapshot(ElastiCenterClient client, long snapshotId, String name, Long sizeBytes) {
        ArraySnapshotLocation source = VolumeSnapshotRecord.find(snapshotDetailsDao, snapshotId).orElseThrow(() ->
                new CloudRuntimeException("snapshot " + snapshotId + " has no ElastiStor snapshot recorded; it cannot be cloned"));
        FileSystem clone;
        try {
            clone = client.cloneDatasetSnapshot(source.esVolumeId(), source.path(), name);
        } catch (ElastiCenterException e) {
            clone = cloneOfUnknownOutcome(client, name, e);
        }
        if (sizeBytes != null && clone.quotaBytes().isPresent() && sizeBytes > clone.quotaBytes().getAsLong()) {
            clone = client.updateFileSystem(clone.id(), UpdateFileSystemRequest.builder().sizeBytes(sizeBytes).build());
        }
        return clone;
    }

    /**
     * The clone call timed out or its answer was lost, so the appliance may still make the clone: it is looked up by
     * its unique name for as long as the client waited for the answer. One that lands is this create's volume (nothing
     * is left behind either way); none means the create failed.
     */
    private static FileSystem cloneOfUnknownOutcome(ElastiCenterClient client, String name, ElastiCenterException failure) {
        if (!UnknownOutcome.isUnknown(failure)) {
            throw failure;
        }
        Duration window = client.config().readTimeout();
        LOG.warn("Cloning into ElastiStor volume {} has an unknown outcome ({}); looking for it for {} ms", name,
                failure.getMessage(), window.toMillis());
        return UnknownOutcome.awaitLanding(() -> client.listFileSystems(null).stream().filter(f -> f.name().equals(name))
                .findFirst(), window).orElseThrow(() -> new CloudRuntimeException("the clone " + name + " was not made: "
                + failure.getMessage() + "; it is not on the array " + window.toMillis() + " ms later"));
    }

    private static void deleteQuietly(ElastiCenterClient client, String esVolumeId) {
        try {
            client.deleteFileSystem(esVolumeId, false);
        } catch (RuntimeException e) {
            LOG.error("Could not remove ElastiStor volume {} while undoing a failed create; remove it by hand", esVolumeId, e);
        }
    }

    @Override
    public void deleteAsync(DataStore store, DataObject data, AsyncCompletionCallback<CommandResult> callback) {
        completeOnce(callback, "Deleting " + data.getType() + " " + data.getUuid() + " from ElastiStor pool " + store.getName(), () -> {
            if (data.getType() == DataObjectType.VOLUME) {
                deleteVolume(store.getId(), data.getId());
            } else if (data.getType() == DataObjectType.SNAPSHOT) {
                deleteSnapshot(store.getId(), data.getId());
            } else {
                throw new CloudRuntimeException("cannot delete a " + data.getType() + " from an " + ElastiStorPool.PROVIDER_NAME + " pool");
            }
            return new CommandResult();
        }, ElastiStorPrimaryDataStoreDriver::failure);
    }

    private void deleteVolume(long poolId, long volumeId) {
        VolumeVO volume = volumeDao.findByIdIncludingRemoved(volumeId);
        String esVolumeId = volume == null ? null : volume.getFolder();
        if (esVolumeId == null) {
            LOG.info("Volume {} has no ElastiStor volume; nothing to delete", volumeId);
            return;
        }
        try {
            arrays.client(poolId).deleteFileSystem(esVolumeId, false);
        } catch (ElastiCenterNotFoundException e) {
            LOG.info("ElastiStor volume {} of volume {} was already gone", esVolumeId, volumeId);
        } catch (ElastiCenterConflictException e) {
            throw new CloudRuntimeException("ElastiStor volume " + esVolumeId + " has snapshots that volumes were created from ("
                    + e.errorText() + "); delete those volumes first");
        }
    }

    private void deleteSnapshot(long poolId, long snapshotId) {
        Optional<ArraySnapshotLocation> record = VolumeSnapshotRecord.find(snapshotDetailsDao, snapshotId);
        if (!record.isPresent()) {
            LOG.info("Snapshot {} has no ElastiStor snapshot recorded; nothing to delete", snapshotId);
            return;
        }
        if (!arrays.forPool(poolId).deleteSnapshot(record.get().esVolumeId(), record.get().path())) {
            LOG.info("ElastiStor snapshot {} was already gone", record.get().path());
        }
    }

    @Override
    public void copyAsync(DataObject srcData, DataObject destData, AsyncCompletionCallback<CopyCommandResult> callback) {
        copyNotSupported(srcData, destData, callback);
    }

    @Override
    public void copyAsync(DataObject srcData, DataObject destData, Host destHost, AsyncCompletionCallback<CopyCommandResult> callback) {
        copyNotSupported(srcData, destData, callback);
    }

    private static void copyNotSupported(DataObject srcData, DataObject destData, AsyncCompletionCallback<CopyCommandResult> callback) {
        String message = "The " + ElastiStorPool.PROVIDER_NAME + " driver does not copy " + srcData.getType() + " to " + destData.getType();
        CopyCommandResult result = new CopyCommandResult(null, new Answer(null, false, message));
        result.setResult(message);
        callback.complete(result);
    }

    @Override
    public boolean canCopy(DataObject srcData, DataObject destData) {
        return false;
    }

    @Override
    public void resize(DataObject data, AsyncCompletionCallback<CreateCmdResult> callback) {
        completeOnce(callback, "Resizing volume " + data.getUuid(), () -> {
            VolumeInfo volume = (VolumeInfo) data;
            Object payload = volume.getpayload();
            if (!(payload instanceof ResizeVolumePayload)) {
                throw new CloudRuntimeException("no resize request came with the volume");
            }
            ResizeVolumePayload resize = (ResizeVolumePayload) payload;
            VolumeVO vo = volumeDao.findById(volume.getId());
            Refusal.unlessInService(poolDao.findById(volume.getDataStore().getId()), "Resizing volume " + vo.getName());
            ElastiCenterClient client = arrays.client(volume.getDataStore().getId());
            if (resize.newSize != null && resize.newSize > 0) {
                client.updateFileSystem(vo.getFolder(), UpdateFileSystemRequest.builder().sizeBytes(resize.newSize).build());
            }
            if (resize.newMaxIops != null && resize.newMaxIops > 0) {
                FileSystem fs = client.findFileSystem(vo.getFolder()).orElseThrow(() -> new CloudRuntimeException(
                        "ElastiStor volume " + vo.getFolder() + " no longer exists"));
                client.updateQosGroup(fs.qosGroupId().orElseThrow(() -> new CloudRuntimeException("ElastiStor volume "
                        + vo.getFolder() + " has no QoS group")), resize.newMaxIops);
            }
            recordNewOffering(vo, resize);
            return new CreateCmdResult(vo.get_iScsiName(), new Answer(null, true, null));
        }, ElastiStorPrimaryDataStoreDriver::createFailure);
    }

    /**
     * CloudStack 4.22's resizeVolume sets the new offering and IOPS on its copy of the volume, then reloads the volume
     * from the database before saving it, which drops them: the array would serve the new IOPS while CloudStack kept
     * the old offering and no IOPS. Written here, before that reload, they are what the reload reads and saves.
     */
    private void recordNewOffering(VolumeVO volume, ResizeVolumePayload resize) {
        if (resize.newDiskOfferingId == null && resize.newMinIops == null && resize.newMaxIops == null) {
            return;
        }
        if (resize.newDiskOfferingId != null) {
            volume.setDiskOfferingId(resize.newDiskOfferingId);
        }
        if (resize.newMinIops != null) {
            volume.setMinIops(resize.newMinIops);
        }
        if (resize.newMaxIops != null) {
            volume.setMaxIops(resize.newMaxIops);
        }
        volumeDao.update(volume.getId(), volume);
    }

    /**
     * The pool's CHAP user and secret, which CloudStack hands the KVM host to log in to the volume's target (null for a
     * pool registered with {@code details[0].chap=false}).
     */
    @Override
    public ChapInfo getChapInfo(DataObject dataObject) {
        if (dataObject == null || dataObject.getType() != DataObjectType.VOLUME || dataObject.getDataStore() == null) {
            return null;
        }
        return arrays.chap(dataObject.getDataStore().getId()).map(ElastiStorChapInfo::new).orElse(null);
    }

    /**
     * Exports the volume to the account's ALL initiator group (ElastiStor's API offers no per-host initiator groups),
     * behind the pool's CHAP.
     */
    @Override
    public boolean grantAccess(DataObject dataObject, Host host, DataStore dataStore) {
        if (dataObject.getType() != DataObjectType.VOLUME) {
            return false;
        }
        exportTo(dataStore.getId(), dataObject.getId(), IscsiExports.ALL_INITIATORS);
        return true;
    }

    /** Closes the export only when no VM can be using the volume (the ALL group is shared by every host). */
    @Override
    public void revokeAccess(DataObject dataObject, Host host, DataStore dataStore) {
        if (dataObject == null || dataObject.getType() != DataObjectType.VOLUME) {
            return;
        }
        VolumeVO volume = volumeDao.findById(dataObject.getId());
        if (volume != null && volume.getInstanceId() != null) {
            VMInstanceVO vm = vmInstanceDao.findById(volume.getInstanceId());
            if (vm != null && vm.getState() != VirtualMachine.State.Stopped && vm.getState() != VirtualMachine.State.Destroyed
                    && vm.getState() != VirtualMachine.State.Expunging) {
                LOG.debug("Keeping volume {} exported: VM {} is {}", volume.getUuid(), vm.getInstanceName(), vm.getState());
                return;
            }
        }
        try {
            exportTo(dataStore.getId(), dataObject.getId(), IscsiExports.NO_INITIATORS);
        } catch (RuntimeException e) {
            // revokeAccess has no failure channel; an export left open is harmless for correctness, so log it.
            LOG.warn("Could not close the iSCSI export of volume {}: {}", dataObject.getUuid(), reason(e));
        }
    }

    private void exportTo(long poolId, long volumeId, String groupName) {
        VolumeVO volume = volumeDao.findById(volumeId);
        if (volume == null || volume.getFolder() == null) {
            throw new CloudRuntimeException("Volume " + volumeId + " has no ElastiStor volume");
        }
        exportTo(poolId, arrays.client(poolId), volume.getFolder(), groupName);
    }

    /** Puts the volume's iSCSI service in the initiator group, with the pool's CHAP (or, if the pool says so, none). */
    private void exportTo(long poolId, ElastiCenterClient client, String esVolumeId, String groupName) {
        String accountId = poolDetailsDao.listDetailsKeyPairs(poolId).get(ElastiStorPool.DETAIL_ACCOUNT_ID);
        IscsiExports.exportBehindPoolChap(arrays, poolId, accountId, client, esVolumeId, groupName);
    }

    @Override
    public long getDataObjectSizeIncludingHypervisorSnapshotReserve(DataObject dataObject, StoragePool storagePool) {
        Long size = dataObject.getSize();
        return size == null ? 0 : size;
    }

    @Override
    public long getBytesRequiredForTemplate(TemplateInfo templateInfo, StoragePool storagePool) {
        Long size = templateInfo.getSize();
        return size == null ? 0 : size;
    }

    /** Every volume of the pool: CloudStack 4.22's one-argument {@code VolumeDao.findByPoolId} returns ROOT volumes only. */
    private List<VolumeVO> volumesOf(long poolId) {
        return volumeDao.findByPoolId(poolId, null);
    }

    @Override
    public long getUsedBytes(StoragePool storagePool) {
        long used = 0;
        for (VolumeVO volume : volumesOf(storagePool.getId())) {
            if (volume.getFolder() != null && volume.getSize() != null) {
                used += volume.getSize();
            }
        }
        return used;
    }

    /**
     * Also the hook that keeps a rotated key out of every answer: CloudStack's StoragePoolResponse builder calls this
     * for managed pools before it reads the pool's details (createStoragePool, updateStoragePool, listStoragePools,
     * maintenance job results), so a key updateStoragePool stored in clear is encrypted and hidden first.
     */
    @Override
    public long getUsedIops(StoragePool storagePool) {
        try {
            arrays.protectApiKey(storagePool.getId());
        } catch (RuntimeException e) {
            LOG.warn("Could not protect the ElastiCenter API key detail of storage pool {}: {}", storagePool.getId(), e.getClass().getSimpleName());
        }
        long used = 0;
        for (VolumeVO volume : volumesOf(storagePool.getId())) {
            if (volume.getFolder() != null) {
                used += iopsOf(volume.getMaxIops(), volume.getMinIops());
            }
        }
        return used;
    }

    /** Direct array snapshot without a freeze; only reached when another strategy than ours drives a TAKE. */
    @Override
    public void takeSnapshot(SnapshotInfo snapshot, AsyncCompletionCallback<CreateCmdResult> callback) {
        completeOnce(callback, "ElastiStor snapshot of volume " + snapshot.getVolumeId(), () -> {
            VolumeVO volume = volumeDao.findById(snapshot.getVolumeId());
            long poolId = volume.getPoolId();
            String path = arrays.forPool(poolId).createSnapshot(volume.getFolder(),
                    VolumeSnapshotRecord.arraySnapshotName(snapshot.getUuid()));
            VolumeSnapshotRecord.save(snapshotDetailsDao, snapshot.getId(), new ArraySnapshotLocation(poolId, volume.getFolder(), path));
            SnapshotObjectTO to = new SnapshotObjectTO();
            to.setPath(path);
            return new CreateCmdResult(path, new CreateObjectAnswer(to));
        }, ElastiStorPrimaryDataStoreDriver::createFailure);
    }

    @Override
    public void revertSnapshot(SnapshotInfo snapshotOnImageStore, SnapshotInfo snapshotOnPrimaryStore,
                               AsyncCompletionCallback<CommandResult> callback) {
        SnapshotInfo snapshot = snapshotOnPrimaryStore != null ? snapshotOnPrimaryStore : snapshotOnImageStore;
        completeOnce(callback, "Revert to snapshot " + snapshot.getUuid(), () -> {
            ArraySnapshotLocation record = VolumeSnapshotRecord.find(snapshotDetailsDao, snapshot.getId()).orElseThrow(() ->
                    new CloudRuntimeException("no ElastiStor snapshot is recorded for it"));
            ElastiStorArray array = arrays.forPool(record.poolId());
            SnapshotChain.refuseToDestroyNewer(array, record, "snapshot " + snapshot.getUuid(), owners::isOrphan);
            array.rollback(record.esVolumeId(), record.path());
            return new CommandResult();
        }, ElastiStorPrimaryDataStoreDriver::failure);
    }

    @Override
    public void handleQualityOfServiceForVolumeMigration(VolumeInfo volumeInfo, QualityOfServiceState qualityOfServiceState) {
        // Volumes never leave their ElastiStor volume's QoS group.
    }

    @Override
    public boolean canProvideStorageStats() {
        return true;
    }

    /** Capacity and use of the pool's TSM (the admin's capacity cap is CloudStack's own concern). */
    @Override
    public Pair<Long, Long> getStorageStats(StoragePool storagePool) {
        String tsmId = poolDetailsDao.listDetailsKeyPairs(storagePool.getId()).get(ElastiStorPool.DETAIL_TSM_ID);
        Tsm tsm = arrays.client(storagePool.getId()).findTsm(tsmId).orElseThrow(() -> new CloudRuntimeException(
                "ElastiStor TSM " + tsmId + " of pool " + storagePool.getName() + " no longer exists"));
        long capacity = tsm.quotaBytes().orElse(storagePool.getCapacityBytes());
        long used = tsm.availableQuotaBytes().isPresent() ? Math.max(0, capacity - tsm.availableQuotaBytes().getAsLong()) : 0;
        return new Pair<>(capacity, used);
    }

    @Override
    public boolean canProvideVolumeStats() {
        return true;
    }

    /** @param volumeId the volume's path as CloudStack keeps it (the iSCSI name of managed volumes) or its ElastiStor id */
    @Override
    public Pair<Long, Long> getVolumeStats(StoragePool storagePool, String volumeId) {
        String esVolumeId = volumeId;
        for (VolumeVO volume : volumesOf(storagePool.getId())) {
            if (volumeId.equals(volume.getPath()) || volumeId.equals(volume.get_iScsiName())) {
                esVolumeId = volume.getFolder();
            }
        }
        FileSystem fs = arrays.client(storagePool.getId()).findFileSystem(esVolumeId).orElse(null);
        if (fs == null) {
            return null;
        }
        long virtual = fs.quotaBytes().orElse(0);
        return new Pair<>(fs.usedSpaceBytes().orElse(virtual), virtual);
    }

    @Override
    public boolean canHostAccessStoragePool(Host host, StoragePool pool) {
        return true;
    }

    @Override
    public boolean isVmInfoNeeded() {
        return false;
    }

    @Override
    public void provideVmInfo(long vmId, long volumeId) {
    }

    @Override
    public boolean isVmTagsNeeded(String tagKey) {
        return false;
    }

    @Override
    public void provideVmTags(long vmId, long volumeId, String tagValue) {
    }

    @Override
    public boolean isStorageSupportHA(StoragePoolType type) {
        return false;
    }

    @Override
    public void detachVolumeFromAllStorageNodes(Volume volume) {
    }
}
