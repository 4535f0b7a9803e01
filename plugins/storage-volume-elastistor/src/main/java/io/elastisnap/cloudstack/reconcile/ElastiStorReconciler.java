// Licensed under the Apache License, Version 2.0. See LICENSE in the project root.
package io.elastisnap.cloudstack.reconcile;

import java.util.ArrayList;
import java.util.Collections;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

import javax.inject.Inject;

import org.apache.cloudstack.managed.context.ManagedContextRunnable;
import org.apache.cloudstack.storage.datastore.db.PrimaryDataStoreDao;
import org.apache.cloudstack.storage.datastore.db.StoragePoolVO;
import org.apache.logging.log4j.LogManager;
import org.apache.logging.log4j.Logger;

import com.cloud.storage.Snapshot;
import com.cloud.storage.SnapshotVO;
import com.cloud.storage.VolumeVO;
import com.cloud.storage.dao.SnapshotDao;
import com.cloud.storage.dao.SnapshotDetailsDao;
import com.cloud.storage.dao.VolumeDao;
import com.cloud.vm.snapshot.VMSnapshotVO;
import com.cloud.vm.snapshot.dao.VMSnapshotDao;
import com.cloud.vm.snapshot.dao.VMSnapshotDetailsDao;

import io.elastisnap.cloudstack.ElastiStorPool;
import io.elastisnap.cloudstack.array.ArraySnapshotRef;
import io.elastisnap.cloudstack.array.ElastiStorArray;
import io.elastisnap.cloudstack.array.ElastiStorArrays;
import io.elastisnap.cloudstack.config.SnapshotSettings;
import io.elastisnap.cloudstack.record.VmSnapshotVolume;
import io.elastisnap.cloudstack.record.VolumeSnapshotRecord;

/**
 * Compares the snapshots this plugin created on each ElastiStor volume (names {@code cs-*}, {@code vms-*}) with the
 * snapshots and VM snapshots CloudStack records, and reports the orphans a crash can leave (an array snapshot made,
 * its record never written). Removal is opt-in and only of orphans already seen by the previous run, so a snapshot
 * whose record is being written right now is never touched; snapshots with clones are never removed.
 */
public class ElastiStorReconciler {
    private static final Logger LOG = LogManager.getLogger(ElastiStorReconciler.class);

    @Inject
    private PrimaryDataStoreDao primaryDataStoreDao;
    @Inject
    private VolumeDao volumeDao;
    @Inject
    private SnapshotDao snapshotDao;
    @Inject
    private SnapshotDetailsDao snapshotDetailsDao;
    @Inject
    private VMSnapshotDao vmSnapshotDao;
    @Inject
    private VMSnapshotDetailsDao vmSnapshotDetailsDao;
    @Inject
    private ElastiStorArrays arrays;
    @Inject
    private SnapshotSettings settings;

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
        public final List<String> problems = new ArrayList<>();
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
                runIfDue();
            }
        }, 5, 1, TimeUnit.MINUTES);
    }

    /** Spring destroy-method. */
    public void stop() {
        if (scheduler != null) {
            scheduler.shutdownNow();
        }
    }

    private void runIfDue() {
        try {
            int interval = settings.reconcileIntervalMinutes();
            long now = System.currentTimeMillis();
            if (interval > 0 && now - lastRunMillis >= TimeUnit.MINUTES.toMillis(interval)) {
                lastRunMillis = now;
                reconcile(settings.removeOrphans());
            }
        } catch (RuntimeException e) {
            LOG.error("ElastiStor reconcile run failed", e);
        }
    }

    /** One run over every ElastiStor pool; {@code remove} deletes orphans confirmed by the previous run. */
    public synchronized Report reconcile(boolean remove) {
        Report report = new Report();
        Set<String> seen = new HashSet<>();
        for (StoragePoolVO pool : primaryDataStoreDao.findPoolsByProvider(ElastiStorPool.PROVIDER_NAME)) {
            try {
                reconcilePool(pool, remove, report, seen);
            } catch (RuntimeException e) {
                report.problems.add("pool " + pool.getName() + ": " + e.getMessage());
            }
        }
        orphansOfPreviousRun = seen;
        if (!report.orphans.isEmpty() || !report.problems.isEmpty()) {
            LOG.warn("ElastiStor reconcile: {} orphaned snapshot(s) {}, removed {}, problems {}", report.orphans.size(), report.orphans,
                    report.removed, report.problems);
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
            Set<String> known = knownPaths(volume);
            for (ArraySnapshotRef snapshot : array.listSnapshots(volume.getFolder())) {
                boolean ours = VolumeSnapshotRecord.isArraySnapshotName(snapshot.name()) || VmSnapshotVolume.isArraySnapshotName(snapshot.name());
                if (!ours || known.contains(snapshot.path())) {
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
    }

    private Set<String> knownPaths(VolumeVO volume) {
        Set<String> known = new HashSet<>();
        for (SnapshotVO snapshot : snapshotDao.listByVolumeId(volume.getId())) {
            if (snapshot.getState() != Snapshot.State.Destroyed) {
                VolumeSnapshotRecord.find(snapshotDetailsDao, snapshot.getId()).ifPresent(r -> known.add(r.path()));
            }
        }
        if (volume.getInstanceId() != null) {
            for (VMSnapshotVO vmSnapshot : vmSnapshotDao.findByVm(volume.getInstanceId())) {
                VmSnapshotVolume.find(vmSnapshotDetailsDao, vmSnapshot.getId(), volume.getId()).ifPresent(e -> known.add(e.location().path()));
            }
        }
        return known;
    }
}
