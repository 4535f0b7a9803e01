// Licensed under the Apache License, Version 2.0. See LICENSE in the project root.
package io.elastisnap.cloudstack.backup;

import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Pattern;

import javax.inject.Inject;

import org.apache.cloudstack.engine.subsystem.api.storage.DataStore;
import org.apache.cloudstack.engine.subsystem.api.storage.DataStoreManager;
import org.apache.cloudstack.engine.subsystem.api.storage.ObjectInDataStoreStateMachine;
import org.apache.cloudstack.engine.subsystem.api.storage.SnapshotInfo;
import org.apache.cloudstack.storage.command.CopyCmdAnswer;
import org.apache.cloudstack.storage.datastore.db.PrimaryDataStoreDao;
import org.apache.cloudstack.storage.datastore.db.SnapshotDataStoreDao;
import org.apache.cloudstack.storage.datastore.db.SnapshotDataStoreVO;
import org.apache.cloudstack.storage.datastore.db.StoragePoolDetailsDao;
import org.apache.cloudstack.storage.datastore.db.StoragePoolVO;
import org.apache.cloudstack.storage.to.SnapshotObjectTO;
import org.apache.logging.log4j.LogManager;
import org.apache.logging.log4j.Logger;

import com.cloud.agent.AgentManager;
import com.cloud.agent.api.Answer;
import com.cloud.exception.AgentUnavailableException;
import com.cloud.exception.OperationTimedoutException;
import com.cloud.host.HostVO;
import com.cloud.host.dao.HostDao;
import com.cloud.hypervisor.Hypervisor.HypervisorType;
import com.cloud.storage.DataStoreRole;
import com.cloud.storage.SnapshotVO;
import com.cloud.storage.VolumeVO;
import com.cloud.storage.dao.SnapshotDetailsDao;
import com.cloud.storage.dao.SnapshotDetailsVO;
import com.cloud.utils.exception.CloudRuntimeException;

import io.elastisnap.cloudstack.ElastiStorPool;
import io.elastisnap.cloudstack.array.ArraySnapshotLocation;
import io.elastisnap.cloudstack.array.ChapCredentials;
import io.elastisnap.cloudstack.array.ElastiStorArrays;
import io.elastisnap.cloudstack.array.IscsiExports;
import io.elastisnap.cloudstack.cluster.ClusterLocks;
import io.elastisnap.cloudstack.command.BackupSnapshotToSecondaryCommand;
import io.elastisnap.cloudstack.command.DeleteSnapshotBackupCommand;
import io.elastisnap.cloudstack.command.IscsiLun;
import io.elastisnap.cloudstack.command.RestoreSnapshotBackupCommand;
import io.elastisnap.cloudstack.command.SnapshotBackupAnswer;
import io.elastisnap.cloudstack.command.SnapshotBackupCommand;
import io.elastisnap.cloudstack.command.VerifySnapshotBackupCommand;
import io.elastisnap.cloudstack.config.SnapshotSettings;
import io.elastisnap.cloudstack.record.VolumeSnapshotRecord;
import io.elastisnap.elasticenter.ElastiCenterClient;
import io.elastisnap.elasticenter.ElastiCenterNotFoundException;
import io.elastisnap.elasticenter.FileSystem;

/**
 * Copies of ElastiStor snapshots on a zone's secondary storage, in the form and at the path of CloudStack's own KVM
 * snapshot backups (a qcow2 file at {@code snapshots/<account>/<volume>/<snapshot uuid>}, an Image-role
 * snapshot_store_ref with its physical size), so CloudStack's own template, copy-to-zone and delete paths find them.
 *
 * <p>A backup: a temporary array clone of the snapshot, exported over iSCSI; a KVM host of the zone reads it and writes
 * the qcow2 file; its SHA-256 is recorded as a snapshot detail, read back, and checked against a second read of the
 * file; only then is the store ref Ready. Whatever fails, the clone is deleted, the partial file and the store ref
 * removed, and the array snapshot left as it was. A backup holds {@link ClusterLocks#backupLock(long)} while it runs
 * and journals its clone's name (snapshot detail {@link ElastiStorPool#SNAPSHOT_BACKUP_CLONE}) before making it, so
 * a reconcile pass tells a dead backup's clone from a running one's ({@link #leftoverClones(long)}).
 */
public class SecondaryStorageBackups {
    private static final Logger LOG = LogManager.getLogger(SecondaryStorageBackups.class);
    private static final String CLONE_PREFIX = "bk";
    /** A clone name of ours: the prefix and a snapshot UUID without its dashes. */
    private static final Pattern CLONE_NAME = Pattern.compile(CLONE_PREFIX + "[0-9a-f]{32}");

    @Inject
    private DataStoreManager dataStoreManager;
    @Inject
    private SnapshotDataStoreDao snapshotStoreDao;
    @Inject
    private SnapshotDetailsDao snapshotDetailsDao;
    @Inject
    private PrimaryDataStoreDao primaryDataStoreDao;
    @Inject
    private StoragePoolDetailsDao poolDetailsDao;
    @Inject
    private HostDao hostDao;
    @Inject
    private AgentManager agentManager;
    @Inject
    private ElastiStorArrays arrays;
    @Inject
    private SnapshotSettings settings;
    @Inject
    private ClusterLocks locks;

    /** Name of the temporary array clone a backup of the snapshot reads (letters and digits, as ElastiStor wants). */
    static String cloneName(String snapshotUuid) {
        return CLONE_PREFIX + snapshotUuid.replace("-", "");
    }

    /**
     * Copies the snapshot's array snapshot to the zone's secondary storage and leaves a Ready Image-role store ref.
     *
     * @return the snapshot on the image store
     * @throws CloudRuntimeException naming the step that failed; nothing of the copy is left behind
     */
    public SnapshotInfo backUp(SnapshotInfo snapshot) {
        String lock = ClusterLocks.backupLock(snapshot.getId());
        return locks.withLock(lock, Duration.ZERO, () -> backUpHoldingLock(snapshot), () -> {
            throw new CloudRuntimeException("A backup of snapshot " + snapshot.getName() + " is already running on a management"
                    + " server (lock " + lock + "); this one did not start. The running backup finishes it, else retry later");
        });
    }

    private SnapshotInfo backUpHoldingLock(SnapshotInfo snapshot) {
        ArraySnapshotLocation source = VolumeSnapshotRecord.find(snapshotDetailsDao, snapshot.getId()).orElseThrow(() ->
                new CloudRuntimeException("Snapshot " + snapshot.getName() + " has no ElastiStor snapshot recorded; nothing to back up"));
        StoragePoolVO pool = primaryDataStoreDao.findById(source.poolId());
        long zoneId = pool.getDataCenterId();
        DataStore imageStore = dataStoreManager.getImageStoreWithFreeCapacity(zoneId);
        if (imageStore == null) {
            throw new CloudRuntimeException("Zone " + zoneId + " has no secondary storage with free capacity for a backup of snapshot "
                    + snapshot.getName() + "; add an image store, or set snapshot.backup.to.secondary=false to keep snapshots on the"
                    + " array only");
        }
        String installPath = SnapshotBackupCommand.installPath(snapshot.getAccountId(), snapshot.getVolumeId(), snapshot.getUuid());
        List<HostVO> hosts = hostsFor(zoneId, pool.getClusterId());
        // Everything that can fail without leaving anything behind comes before the store ref exists.
        ElastiCenterClient client = arrays.client(source.poolId());
        SnapshotInfo onImage = (SnapshotInfo) imageStore.create(snapshot);
        onImage.processEvent(ObjectInDataStoreStateMachine.Event.CreateOnlyRequested);
        String cloneName = cloneName(snapshot.getUuid());
        // a clone of the same name a dead attempt left would make the clone call fail: no backup runs now, so it is unused
        deleteLeftoverClone(snapshot.getId(), source.poolId());
        boolean copyStarted = false;
        try {
            snapshotDetailsDao.addDetail(snapshot.getId(), ElastiStorPool.SNAPSHOT_BACKUP_CLONE, cloneName, false);
            FileSystem clone = client.cloneDatasetSnapshot(source.esVolumeId(), source.path(), cloneName);
            String accountId = poolDetailsDao.listDetailsKeyPairs(source.poolId()).get(ElastiStorPool.DETAIL_ACCOUNT_ID);
            IscsiLun lun = withPoolChap(IscsiExports.exportBehindPoolChap(arrays, source.poolId(), accountId, client, clone.id(),
                    IscsiExports.ALL_INITIATORS), new IscsiLun(clone.ipAddress().orElse(pool.getHostAddress()), IscsiLun.DEFAULT_PORT,
                    IscsiExports.iqnOf(client, clone), 0));

            copyStarted = true;
            SnapshotBackupAnswer copied = send(hosts, new BackupSnapshotToSecondaryCommand(lun, imageStore.getUri(), installPath,
                    settings.compressBackups(), waitSeconds()), "copy of snapshot " + snapshot.getName());
            String recorded = recordChecksum(snapshot.getId(), copied.getSha256());
            send(hosts, new VerifySnapshotBackupCommand(imageStore.getUri(), installPath, recorded, waitSeconds()),
                    "verification of the backup of snapshot " + snapshot.getName());

            SnapshotObjectTO backedUp = new SnapshotObjectTO();
            backedUp.setPath(installPath);
            backedUp.setPhysicalSize(copied.getPhysicalSize());
            onImage.processEvent(ObjectInDataStoreStateMachine.Event.OperationSuccessed, new CopyCmdAnswer(backedUp));
            LOG.info("Snapshot {} backed up to {} on {} ({} bytes, SHA-256 {})", snapshot.getName(), installPath, imageStore.getName(),
                    copied.getPhysicalSize(), recorded);
            return onImage;
        } catch (RuntimeException e) {
            undo(snapshot, imageStore, onImage, installPath, hosts, copyStarted);
            throw new CloudRuntimeException("Backup of snapshot " + snapshot.getName() + " to secondary storage " + imageStore.getName()
                    + " failed: " + e.getMessage() + ". The ElastiStor snapshot is kept; the backup is retried as CloudStack's"
                    + " backup.retry allows (asyncbackup=true), else take the snapshot again", e);
        } finally {
            deleteClone(client, snapshot.getId(), cloneName);
        }
    }

    /** The LUN with the login of the pool's CHAP, which the host needs to read or write it. */
    private static IscsiLun withPoolChap(Optional<ChapCredentials> chap, IscsiLun lun) {
        return chap.map(c -> lun.withChap(c.user(), c.secret())).orElse(lun);
    }

    /** Records the checksum as a snapshot detail and reads it back once: what the database holds is what is verified. */
    private String recordChecksum(long snapshotId, String sha256) {
        if (sha256 == null || !sha256.matches("[0-9a-f]{64}")) {
            throw new CloudRuntimeException("the host answered no SHA-256 for the backup (" + sha256 + ")");
        }
        snapshotDetailsDao.removeDetail(snapshotId, ElastiStorPool.SNAPSHOT_BACKUP_SHA256);
        snapshotDetailsDao.addDetail(snapshotId, ElastiStorPool.SNAPSHOT_BACKUP_SHA256, sha256, true);
        SnapshotDetailsVO stored = snapshotDetailsDao.findDetail(snapshotId, ElastiStorPool.SNAPSHOT_BACKUP_SHA256);
        if (stored == null || !sha256.equals(stored.getValue())) {
            throw new CloudRuntimeException("the SHA-256 of the backup did not read back from the database as written");
        }
        return stored.getValue();
    }

    private void undo(SnapshotInfo snapshot, DataStore imageStore, SnapshotInfo onImage, String installPath, List<HostVO> hosts,
                      boolean copyStarted) {
        if (copyStarted) {
            try {
                send(hosts, new DeleteSnapshotBackupCommand(imageStore.getUri(), installPath, waitSeconds()),
                        "removal of the incomplete backup of snapshot " + snapshot.getName());
            } catch (RuntimeException e) {
                LOG.warn("Could not remove the incomplete backup {} of snapshot {} now ({}); the next backup or delete of the snapshot"
                        + " removes it", installPath, snapshot.getName(), e.getMessage());
            }
        }
        snapshotDetailsDao.removeDetail(snapshot.getId(), ElastiStorPool.SNAPSHOT_BACKUP_SHA256);
        try {
            onImage.processEvent(ObjectInDataStoreStateMachine.Event.OperationFailed);
        } catch (RuntimeException e) {
            LOG.debug("Image store reference of snapshot {} did not take OperationFailed: {}", snapshot.getName(), e.toString());
        }
        imageStore.delete(onImage);
    }

    /**
     * Deletes the temporary clone by name (it may exist although its create call failed); its detail goes with it.
     *
     * @return false when the clone could not be deleted (it stays journaled)
     */
    private boolean deleteClone(ElastiCenterClient client, long snapshotId, String cloneName) {
        try {
            Optional<FileSystem> clone = findClone(client, cloneName);
            if (clone.isPresent()) {
                client.deleteFileSystem(clone.get().id(), true);
            }
        } catch (ElastiCenterNotFoundException e) {
            LOG.debug("Temporary clone {} of snapshot {} was already gone", cloneName, snapshotId);
        } catch (RuntimeException e) {
            LOG.error("Could not delete the temporary ElastiStor clone {} of snapshot {}; it is recorded as snapshot detail {} and"
                    + " deleted with the snapshot or by the reconcile task, or remove it by hand", cloneName, snapshotId,
                    ElastiStorPool.SNAPSHOT_BACKUP_CLONE, e);
            return false;
        }
        snapshotDetailsDao.removeDetail(snapshotId, ElastiStorPool.SNAPSHOT_BACKUP_CLONE);
        return true;
    }

    private static Optional<FileSystem> findClone(ElastiCenterClient client, String cloneName) {
        return client.listFileSystems(null).stream().filter(f -> f.name().equals(cloneName)).findFirst();
    }

    /** Deletes a temporary clone a killed backup left (recorded as a snapshot detail); used when the snapshot goes. */
    public void deleteLeftoverClone(long snapshotId, long poolId) {
        SnapshotDetailsVO leftover = snapshotDetailsDao.findDetail(snapshotId, ElastiStorPool.SNAPSHOT_BACKUP_CLONE);
        if (leftover != null) {
            deleteClone(arrays.client(poolId), snapshotId, leftover.getValue());
        }
    }

    /** A temporary backup clone on the array that no running backup uses. */
    public static final class LeftoverClone {
        private final long poolId;
        private final String id;
        private final String name;
        private final Long snapshotId;

        LeftoverClone(long poolId, String id, String name, Long snapshotId) {
            this.poolId = poolId;
            this.id = id;
            this.name = name;
            this.snapshotId = snapshotId;
        }

        public String name() {
            return name;
        }

        /** Whether a backup journaled it (else only its name says it is ours: removed only when seen twice). */
        public boolean journaled() {
            return snapshotId != null;
        }

        @Override
        public String toString() {
            return "temporary backup clone " + name + " (" + id + ", pool " + poolId + ", "
                    + (journaled() ? "of the dead backup of snapshot " + snapshotId : "no backup record names it") + ")";
        }
    }

    /**
     * The pool's temporary backup clones that no running backup uses: those journaled by a backup whose lock is free
     * (the management server running it died, or its clean-up failed), and clones with our name pattern that no backup
     * journaled. Clones of a backup still running are never among them.
     */
    public List<LeftoverClone> leftoverClones(long poolId) {
        Map<String, Long> journaled = new HashMap<>();
        for (SnapshotDetailsVO detail : snapshotDetailsDao.findDetails(ElastiStorPool.SNAPSHOT_BACKUP_CLONE)) {
            journaled.put(detail.getValue(), detail.getResourceId());
        }
        List<LeftoverClone> leftovers = new ArrayList<>();
        for (FileSystem clone : arrays.client(poolId).listFileSystems(null)) {
            Long snapshotId = journaled.get(clone.name());
            if (snapshotId == null) {
                if (CLONE_NAME.matcher(clone.name()).matches()) {
                    leftovers.add(new LeftoverClone(poolId, clone.id(), clone.name(), null));
                }
            } else if (onPool(snapshotId, poolId) && !backupRunning(snapshotId)) {
                leftovers.add(new LeftoverClone(poolId, clone.id(), clone.name(), snapshotId));
            }
        }
        return leftovers;
    }

    /** A journaled clone's snapshot is on this pool, or has no array record any more (then the clone is the pool's that lists it). */
    private boolean onPool(long snapshotId, long poolId) {
        return VolumeSnapshotRecord.find(snapshotDetailsDao, snapshotId).map(r -> r.poolId() == poolId).orElse(true);
    }

    private boolean backupRunning(long snapshotId) {
        return !locks.withLock(ClusterLocks.backupLock(snapshotId), Duration.ZERO, () -> true, () -> false);
    }

    /**
     * Deletes a leftover clone; a journaled one under its backup's lock, so a backup of the snapshot starting meanwhile
     * (it would make a clone of the same name) waits for this or this leaves the clone to it.
     *
     * @return whether the clone is gone
     */
    public boolean removeLeftover(LeftoverClone clone) {
        ElastiCenterClient client = arrays.client(clone.poolId);
        if (!clone.journaled()) {
            client.deleteFileSystem(clone.id, true);
            return true;
        }
        return locks.withLock(ClusterLocks.backupLock(clone.snapshotId), Duration.ZERO,
                () -> deleteClone(client, clone.snapshotId, clone.name), () -> false);
    }

    /** Whether the snapshot has a complete copy on secondary storage (a Ready Image-role ref and a recorded checksum). */
    public boolean hasBackup(long snapshotId) {
        return readyBackup(snapshotId).isPresent() && checksumOf(snapshotId).isPresent();
    }

    private Optional<SnapshotDataStoreVO> readyBackup(long snapshotId) {
        return snapshotStoreDao.listBySnapshotAndDataStoreRole(snapshotId, DataStoreRole.Image).stream()
                .filter(ref -> ref.getState() == ObjectInDataStoreStateMachine.State.Ready).findFirst();
    }

    private Optional<String> checksumOf(long snapshotId) {
        SnapshotDetailsVO detail = snapshotDetailsDao.findDetail(snapshotId, ElastiStorPool.SNAPSHOT_BACKUP_SHA256);
        return Optional.ofNullable(detail == null ? null : detail.getValue());
    }

    /**
     * Writes the snapshot's backup into the volume's ElastiStor LUN through a host of the zone; the host verifies the file's
     * SHA-256 before it writes the first byte. The volume is exported for the copy and closed again after it.
     */
    public void restore(long snapshotId, String snapshotName, VolumeVO volume) {
        SnapshotDataStoreVO ref = readyBackup(snapshotId).orElseThrow(() -> new CloudRuntimeException("Snapshot " + snapshotName
                + " has neither an ElastiStor snapshot nor a complete backup on secondary storage; it cannot be restored"));
        String sha256 = checksumOf(snapshotId).orElseThrow(() -> new CloudRuntimeException("The backup of snapshot " + snapshotName
                + " has no recorded SHA-256; an unverifiable backup is not written into volume " + volume.getName()));
        DataStore store = dataStoreManager.getDataStore(ref.getDataStoreId(), DataStoreRole.Image);
        long poolId = volume.getPoolId();
        StoragePoolVO pool = primaryDataStoreDao.findById(poolId);
        ElastiCenterClient client = arrays.client(poolId);
        String accountId = poolDetailsDao.listDetailsKeyPairs(poolId).get(ElastiStorPool.DETAIL_ACCOUNT_ID);
        IscsiLun target = withPoolChap(IscsiExports.exportBehindPoolChap(arrays, poolId, accountId, client, volume.getFolder(),
                IscsiExports.ALL_INITIATORS), IscsiLun.fromIscsiName(pool.getHostAddress(), volume.get_iScsiName()));
        try {
            send(hostsFor(pool.getDataCenterId(), pool.getClusterId()), new RestoreSnapshotBackupCommand(store.getUri(),
                    ref.getInstallPath(), sha256, target, waitSeconds()), "restore of snapshot " + snapshotName + " into volume "
                    + volume.getName());
        } finally {
            try {
                IscsiExports.exportBehindPoolChap(arrays, poolId, accountId, client, volume.getFolder(), IscsiExports.NO_INITIATORS);
            } catch (RuntimeException e) {
                LOG.warn("Could not close the iSCSI export of volume {} after the restore: {}", volume.getName(), e.toString());
            }
        }
    }

    /**
     * Deletes the snapshot's copies on secondary storage (every zone's, or only {@code zoneId}'s), with what a dead copy
     * left (its partial file; a ref that never became Ready, whose install path is CloudStack's directory, not a file),
     * and their store refs.
     *
     * @return whether copies in other zones remain
     */
    public boolean deleteBackups(SnapshotVO snapshot, Long zoneId) {
        boolean othersRemain = false;
        for (SnapshotDataStoreVO ref : snapshotStoreDao.listBySnapshotAndDataStoreRole(snapshot.getId(), DataStoreRole.Image)) {
            Long storeZone = dataStoreManager.getStoreZoneId(ref.getDataStoreId(), DataStoreRole.Image);
            if (zoneId != null && !zoneId.equals(storeZone)) {
                othersRemain = true;
                continue;
            }
            DataStore store = dataStoreManager.getDataStore(ref.getDataStoreId(), DataStoreRole.Image);
            if (store != null && storeZone != null) {
                String file = ref.getState() == ObjectInDataStoreStateMachine.State.Ready ? ref.getInstallPath()
                        : SnapshotBackupCommand.installPath(snapshot.getAccountId(), snapshot.getVolumeId(), snapshot.getUuid());
                send(hostsFor(storeZone, null), new DeleteSnapshotBackupCommand(store.getUri(), file, waitSeconds()),
                        "delete of the backup of snapshot " + snapshot.getName() + " on " + store.getName());
            }
            snapshotStoreDao.remove(ref.getId());
        }
        if (!othersRemain) {
            snapshotDetailsDao.removeDetail(snapshot.getId(), ElastiStorPool.SNAPSHOT_BACKUP_SHA256);
        }
        return othersRemain;
    }

    private int waitSeconds() {
        return (int) Math.min(Integer.MAX_VALUE, settings.backupWait().getSeconds());
    }

    /** KVM hosts of the zone that are Up, those of the pool's cluster first (they reach the array's portal for sure). */
    private List<HostVO> hostsFor(long zoneId, Long clusterId) {
        List<HostVO> up = hostDao.listAllHostsUpByZoneAndHypervisor(zoneId, HypervisorType.KVM);
        List<HostVO> ordered = new ArrayList<>();
        for (HostVO host : up) {
            if (clusterId != null && clusterId.equals(host.getClusterId())) {
                ordered.add(host);
            }
        }
        for (HostVO host : up) {
            if (!ordered.contains(host)) {
                ordered.add(host);
            }
        }
        if (ordered.isEmpty()) {
            throw new CloudRuntimeException("no KVM host of zone " + zoneId + " is Up to copy snapshots to or from secondary storage");
        }
        return ordered;
    }

    /**
     * Sends to the first host that takes the command. Only a host that never received it is skipped for the next one; a
     * host that received it and went silent fails the operation (its copy may still be running).
     */
    private SnapshotBackupAnswer send(List<HostVO> hosts, SnapshotBackupCommand command, String what) {
        List<String> unreachable = new ArrayList<>();
        for (HostVO host : hosts) {
            Answer answer;
            try {
                answer = agentManager.send(host.getId(), command);
            } catch (AgentUnavailableException e) {
                unreachable.add(host.getName() + ": " + e.getMessage());
                continue;
            } catch (OperationTimedoutException e) {
                throw new CloudRuntimeException(what + " on host " + host.getName() + " timed out or the host stopped answering ("
                        + e.getMessage() + ")", e);
            }
            if (!(answer instanceof SnapshotBackupAnswer)) {
                String details = answer == null ? "no answer" : answer.getClass().getSimpleName() + ": " + answer.getDetails();
                throw new CloudRuntimeException(what + ": host " + host.getName() + " cannot run it (is the ElastiSnap plugin jar in"
                        + " /usr/share/cloudstack-agent/lib and the agent restarted?): " + details);
            }
            if (!answer.getResult()) {
                throw new CloudRuntimeException(answer.getDetails() + " (host " + host.getName() + ")");
            }
            return (SnapshotBackupAnswer) answer;
        }
        throw new CloudRuntimeException(what + ": no KVM host of the zone could be reached: " + String.join("; ", unreachable));
    }
}
