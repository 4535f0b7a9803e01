// Licensed under the Apache License, Version 2.0. See LICENSE in the project root.
package io.elastisnap.cloudstack.reconcile;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

import javax.inject.Inject;

import org.apache.cloudstack.managed.context.ManagedContextRunnable;
import org.apache.cloudstack.storage.datastore.db.PrimaryDataStoreDao;
import org.apache.cloudstack.storage.datastore.db.StoragePoolDetailsDao;
import org.apache.cloudstack.storage.datastore.db.StoragePoolVO;
import org.apache.logging.log4j.LogManager;
import org.apache.logging.log4j.Logger;

import com.cloud.storage.VolumeVO;
import com.cloud.storage.dao.VolumeDao;

import io.elastisnap.cloudstack.ElastiStorPool;
import io.elastisnap.cloudstack.array.ArraySnapshotRef;
import io.elastisnap.cloudstack.array.ElastiStorArray;
import io.elastisnap.cloudstack.array.ElastiStorArrays;
import io.elastisnap.cloudstack.backup.SecondaryStorageBackups;
import io.elastisnap.cloudstack.backup.SecondaryStorageBackups.LeftoverClone;
import io.elastisnap.cloudstack.cluster.ClusterLocks;
import io.elastisnap.cloudstack.config.SnapshotSettings;
import io.elastisnap.cloudstack.record.ArraySnapshotOwners;
import io.elastisnap.cloudstack.record.VolumeArrayName;
import io.elastisnap.elasticenter.ElastiCenterClient;
import io.elastisnap.elasticenter.FileSystem;

/**
 * The plugin's periodic work, on one management server at a time (the cluster lock {@link ClusterLocks#PERIODIC_WORK};
 * the others skip that round): every minute the key-rotation repair of every pool, and at the reconcile interval a
 * pass over each pool (under the pool's lock, so no take, revert or delete runs on it meanwhile) that compares the
 * snapshots this plugin created on each ElastiStor volume (names {@code cs-*}, {@code vms-*}) with the snapshots and VM
 * snapshots CloudStack has, and reports the orphans a crash can leave: an array snapshot whose CloudStack snapshot
 * failed or never got a row ({@link ArraySnapshotOwners}); and the temporary clones of backups to secondary storage
 * that no running backup uses ({@link SecondaryStorageBackups#leftoverClones(long)}: a management server died
 * mid-backup). Removal is opt-in; orphans are removed only when the previous run saw them too, and snapshots with
 * clones never; a leftover clone its dead backup journaled is removed at once (its backup's lock proves nothing uses
 * it), one no backup journaled only when the previous run saw it too.
 */
public class ElastiStorReconciler {
    private static final Logger LOG = LogManager.getLogger(ElastiStorReconciler.class);

    @Inject
    private PrimaryDataStoreDao primaryDataStoreDao;
    @Inject
    private VolumeDao volumeDao;
    @Inject
    private ElastiStorArrays arrays;
    @Inject
    private SnapshotSettings settings;
    @Inject
    private ClusterLocks locks;
    @Inject
    private ArraySnapshotOwners owners;
    @Inject
    private StoragePoolDetailsDao poolDetailsDao;
    @Inject
    private SecondaryStorageBackups backups;

    /** How long a reconcile pass waits for an operation on its pool before leaving the pool to the next run. */
    static final Duration POOL_PASS_WAIT = Duration.ofSeconds(30);

    private Set<String> orphansOfPreviousRun = Collections.emptySet();
    private ScheduledExecutorService scheduler;
    private long lastRunMillis;

    /** An array snapshot no CloudStack record refers to. */
    public static final class Orphan {
        private final long poolId;
        private final String esVolumeId;
        private final ArraySnapshotRef snapshot;

        Orphan(long poolId, String esVolumeId, ArraySnapshotRef snapshot) {
            this.poolId = poolId;
            this.esVolumeId = esVolumeId;
            this.snapshot = snapshot;
        }

        public long poolId() {
            return poolId;
        }

        public String esVolumeId() {
            return esVolumeId;
        }

        public ArraySnapshotRef snapshot() {
            return snapshot;
        }

        @Override
        public String toString() {
            return snapshot.path() + " (pool " + poolId + (snapshot.hasClones() ? ", has clones" : "") + ")";
        }
    }

    /** What one run found and did. */
    public static final class Report {
        public final List<Orphan> orphans = new ArrayList<>();
        public final List<Orphan> removed = new ArrayList<>();
        public final List<LeftoverClone> leftoverClones = new ArrayList<>();
        public final List<LeftoverClone> removedClones = new ArrayList<>();
        public final List<String> problems = new ArrayList<>();
        /** Array volumes the driver made whose CloudStack volume does not own them ({@link #reconcileVolumes}). */
        public final List<String> orphanVolumes = new ArrayList<>();
        public final List<String> removedVolumes = new ArrayList<>();
    }

    /** Spring init-method: schedules the periodic run (the interval is re-read every minute, so changes apply live). */
    public void start() {
        scheduler = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread thread = new Thread(r, "elastistor-reconcile");
            thread.setDaemon(true);
            return thread;
        });
        // A managed context, as CloudStack's own periodic tasks use, so DAO calls get their transaction context.
        scheduler.scheduleWithFixedDelay(new ManagedContextRunnable() {
            @Override
            protected void runInContext() {
                runPeriodicWork();
            }
        }, 1, 1, TimeUnit.MINUTES);
    }

    /** Spring destroy-method. */
    public void stop() {
        if (scheduler != null) {
            scheduler.shutdownNow();
        }
    }

    /**
     * One round of the periodic work, if no other management server is running it: key repair of every pool, and a
     * reconcile when its interval has passed (the time of the last run is this server's own; the lock keeps two from
     * overlapping).
     *
     * @return false when another management server held the lock, so this one did nothing
     */
    boolean runPeriodicWork() {
        return locks.withLock(ClusterLocks.PERIODIC_WORK, Duration.ZERO, () -> {
            try {
                repairKeys();
                int interval = settings.reconcileIntervalMinutes();
                long now = System.currentTimeMillis();
                if (interval > 0 && now - lastRunMillis >= TimeUnit.MINUTES.toMillis(interval)) {
                    lastRunMillis = now;
                    reconcile(settings.removeOrphans());
                }
            } catch (RuntimeException e) {
                LOG.error("ElastiStor periodic work failed", e);
            }
            return true;
        }, () -> {
            LOG.info("ElastiStor periodic work skipped on this management server: another one holds {}", ClusterLocks.PERIODIC_WORK);
            return false;
        });
    }

    /** Key-rotation repair of every ElastiStor pool, whether or not a host is connected to it. */
    void repairKeys() {
        for (StoragePoolVO pool : primaryDataStoreDao.findPoolsByProvider(ElastiStorPool.PROVIDER_NAME)) {
            try {
                arrays.protectApiKey(pool.getId())
                        .ifPresent(done -> LOG.info("ElastiStor key rotation: {}", done));
            } catch (RuntimeException e) {
                LOG.warn("ElastiStor key rotation of storage pool {} failed: {}", pool.getName(), e.getMessage());
            }
        }
    }

    /** One run over every ElastiStor pool; {@code remove} deletes orphans confirmed by the previous run. */
    public synchronized Report reconcile(boolean remove) {
        Report report = new Report();
        Set<String> seen = new HashSet<>();
        long start = System.nanoTime();
        List<StoragePoolVO> pools = primaryDataStoreDao.findPoolsByProvider(ElastiStorPool.PROVIDER_NAME);
        LOG.info("ElastiStor reconcile pass over {} pool(s) started on this management server", pools.size());
        for (StoragePoolVO pool : pools) {
            try {
                boolean passed = locks.withLock(ClusterLocks.poolLock(pool.getId()), POOL_PASS_WAIT, () -> {
                    reconcilePool(pool, remove, report, seen);
                    return true;
                }, () -> false);
                if (!passed) {
                    report.problems.add("pool " + pool.getName() + ": locked by an operation for " + POOL_PASS_WAIT.getSeconds()
                            + " s; checked at the next run");
                }
            } catch (RuntimeException e) {
                report.problems.add("pool " + pool.getName() + ": " + e.getMessage());
            }
        }
        orphansOfPreviousRun = seen;
        LOG.info("ElastiStor reconcile pass done in {} ms", TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start));
        if (!report.orphans.isEmpty() || !report.orphanVolumes.isEmpty() || !report.leftoverClones.isEmpty()
                || !report.problems.isEmpty()) {
            LOG.warn("ElastiStor reconcile: {} orphaned snapshot(s) {}, removed {}; {} orphaned volume(s) {}, removed {};"
                    + " {} leftover backup clone(s) {}, removed {}; problems {}",
                    report.orphans.size(), report.orphans, report.removed, report.orphanVolumes.size(), report.orphanVolumes,
                    report.removedVolumes, report.leftoverClones.size(), report.leftoverClones, report.removedClones,
                    report.problems);
        }
        return report;
    }

    private void reconcilePool(StoragePoolVO pool, boolean remove, Report report, Set<String> seen) {
        ElastiStorArray array = arrays.forPool(pool.getId());
        // every type: the one-argument findByPoolId returns ROOT volumes only in 4.22, which hid every data disk's orphans
        for (VolumeVO volume : volumeDao.findByPoolId(pool.getId(), null)) {
            if (volume.getFolder() == null) {
                continue;
            }
            for (ArraySnapshotRef snapshot : array.listSnapshots(volume.getFolder())) {
                if (!owners.isOrphan(snapshot.name())) {
                    continue;
                }
                Orphan orphan = new Orphan(pool.getId(), volume.getFolder(), snapshot);
                report.orphans.add(orphan);
                seen.add(snapshot.path());
                if (remove && !snapshot.hasClones() && orphansOfPreviousRun.contains(snapshot.path())) {
                    try {
                        array.deleteSnapshot(volume.getFolder(), snapshot.path());
                        report.removed.add(orphan);
                    } catch (RuntimeException e) {
                        report.problems.add("removing " + orphan + ": " + e.getMessage());
                    }
                }
            }
        }
        reconcileVolumes(pool, remove, report, seen);
        for (LeftoverClone clone : backups.leftoverClones(pool.getId())) {
            report.leftoverClones.add(clone);
            String key = "clone:" + clone.name();
            seen.add(key);
            if (remove && (clone.journaled() || orphansOfPreviousRun.contains(key))) {
                try {
                    if (backups.removeLeftover(clone)) {
                        report.removedClones.add(clone);
                    } else {
                        report.problems.add("removing " + clone + ": a backup of its snapshot started meanwhile, or the array"
                                + " refused the delete (see the log); checked at the next run");
                    }
                } catch (RuntimeException e) {
                    report.problems.add("removing " + clone + ": " + e.getMessage());
                }
            }
        }
    }

    /**
     * Array volumes on the pool's TSM that the driver made for a CloudStack volume ({@link VolumeArrayName}) whose row no
     * longer names them as its own: above all the clone of a createVolume-from-snapshot whose management server was
     * killed between the clone and the row update, which pins the snapshot and its origin volume on the array ("has a
     * clone" refuses deleting either). The driver creates under the pool's lock, as this runs, so a create in progress is
     * never seen half done. A name no volume row of this CloudStack carries (another installation's) is left alone.
     * Removed as snapshot orphans are: opt-in, and only when the previous run saw it too.
     */
    private void reconcileVolumes(StoragePoolVO pool, boolean remove, Report report, Set<String> seen) {
        String tsmId = poolDetailsDao.listDetailsKeyPairs(pool.getId()).get(ElastiStorPool.DETAIL_TSM_ID);
        if (tsmId == null) {
            return;
        }
        ElastiCenterClient client = arrays.client(pool.getId());
        for (FileSystem fs : client.listFileSystems(tsmId)) {
            Optional<VolumeVO> madeFor = VolumeArrayName.volumeUuid(fs.name()).map(volumeDao::findByUuidIncludingRemoved);
            if (!madeFor.isPresent() || (madeFor.get().getRemoved() == null && fs.id().equals(madeFor.get().getFolder()))) {
                continue;
            }
            String orphan = fs.name() + " (ElastiStor volume " + fs.id() + ", pool " + pool.getId() + ")";
            report.orphanVolumes.add(orphan);
            String key = "volume:" + fs.id();
            seen.add(key);
            if (remove && orphansOfPreviousRun.contains(key)) {
                try {
                    client.deleteFileSystem(fs.id(), false);
                    report.removedVolumes.add(orphan);
                } catch (RuntimeException e) {
                    report.problems.add("removing " + orphan + ": " + e.getMessage());
                }
            }
        }
    }
}