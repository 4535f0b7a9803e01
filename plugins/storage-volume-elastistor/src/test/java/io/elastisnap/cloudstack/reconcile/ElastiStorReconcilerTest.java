// Licensed under the Apache License, Version 2.0. See LICENSE in the project root.
package io.elastisnap.cloudstack.reconcile;

import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertFalse;
import static org.junit.Assert.assertTrue;
import static org.junit.Assert.fail;
import static org.mockito.Mockito.mock;

import java.time.Duration;
import java.util.Arrays;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;

import org.apache.cloudstack.storage.datastore.db.SnapshotDataStoreDao;
import org.junit.After;
import org.junit.Before;
import org.junit.Test;

import com.cloud.storage.Snapshot;

import io.elastisnap.cloudstack.ElastiStorPool;
import io.elastisnap.cloudstack.array.ArrayConflictException;
import io.elastisnap.cloudstack.array.ArraySnapshotLocation;
import io.elastisnap.cloudstack.array.ElastiStorArray;
import io.elastisnap.cloudstack.backup.SecondaryStorageBackups;
import io.elastisnap.cloudstack.cluster.ClusterLocks;
import io.elastisnap.cloudstack.record.VmSnapshotVolume;
import io.elastisnap.cloudstack.record.VolumeArrayName;
import io.elastisnap.cloudstack.record.VolumeSnapshotRecord;
import io.elastisnap.cloudstack.testsupport.Entities;
import io.elastisnap.cloudstack.testsupport.FakeDb;
import io.elastisnap.cloudstack.testsupport.SimulatedPools;
import io.elastisnap.cloudstack.testsupport.Wiring;
import io.elastisnap.cloudstack.snapshot.ElastiStorSnapshotStrategy;
import io.elastisnap.elasticenter.ElastiCenterClient;
import io.elastisnap.simulator.ElastiCenterSimulator;
import io.elastisnap.simulator.Fault;

public class ElastiStorReconcilerTest {
    private FakeDb db;
    private SimulatedPools pools;
    private ElastiCenterSimulator ec;
    private ElastiStorArray array;
    private ElastiStorReconciler reconciler;
    private Entities.Vol volume;

    @Before
    public void setUp() {
        db = new FakeDb();
        pools = new SimulatedPools(db);
        ec = pools.add(1L);
        array = pools.arrays.forPool(1L);
        reconciler = Wiring.inject(new ElastiStorReconciler(), db.poolDao, db.poolDetails, db.volumeDao, pools.arrays, pools.settings,
                pools.locks, db.owners, backupsOn(pools.locks));
        db.vm(21L, com.cloud.vm.VirtualMachine.State.Stopped, null);
        volume = db.volume(11L, 1L, 21L);
        volume.folder = ec.provisionVolume("cs11", 1L << 30).id();

        String recorded = array.createSnapshot(volume.folder, VolumeSnapshotRecord.arraySnapshotName("snap-uuid-41"));
        db.snapshots.put(41L, new Entities.Snap(41L, 11L, Snapshot.State.BackedUp));
        VolumeSnapshotRecord.save(db.snapshotDetails, 41L, new ArraySnapshotLocation(1L, volume.folder, recorded));
        String inVmSnapshot = array.createSnapshot(volume.folder, VmSnapshotVolume.arraySnapshotName("vmsnap-uuid-100", 11));
        db.vmSnapshot(100L, 21L);
        new VmSnapshotVolume(11L, new ArraySnapshotLocation(1L, volume.folder, inVmSnapshot)).save(db.vmSnapshotDetails, 100L);
        array.createSnapshot(volume.folder, "admin-manual-backup");
    }

    @After
    public void tearDown() {
        pools.close();
    }

    private Set<String> onArray() {
        return new HashSet<>(ec.snapshotPaths(volume.folder));
    }

    private static List<String> names(List<ElastiStorReconciler.Orphan> orphans) {
        return orphans.stream().map(o -> o.snapshot().name()).sorted().collect(Collectors.toList());
    }

    @Test
    public void reportsOnlyOurSnapshotsThatNoRecordMentions() {
        array.createSnapshot(volume.folder, "cs-crashed-before-record");
        Set<String> before = onArray();

        ElastiStorReconciler.Report report = reconciler.reconcile(false);

        assertEquals(Arrays.asList("cs-crashed-before-record"), names(report.orphans));
        assertTrue(report.removed.isEmpty());
        assertEquals("reporting removes nothing", before, onArray());
    }

    @Test
    public void removalTakesOnlyOrphansConfirmedByThePreviousRunAndNeverClonedOnes() {
        String orphan = array.createSnapshot(volume.folder, "cs-orphan");
        String cloned = array.createSnapshot(volume.folder, "cs-orphan-cloned");
        pools.arrays.client(1L).cloneDatasetSnapshot(volume.folder, cloned, "clone1");
        reconciler.reconcile(false);
        String late = array.createSnapshot(volume.folder, "cs-being-recorded");

        ElastiStorReconciler.Report report = reconciler.reconcile(true);

        assertEquals(Arrays.asList("cs-being-recorded", "cs-orphan", "cs-orphan-cloned"), names(report.orphans));
        assertEquals(Arrays.asList("cs-orphan"), names(report.removed));
        assertTrue(!onArray().contains(orphan) && onArray().contains(late) && onArray().contains(cloned));
        assertEquals(5, onArray().size());
    }

    /** CloudStack 4.22's one-argument VolumeDao.findByPoolId lists ROOT volumes only: data disks were never looked at. */
    @Test
    public void orphansOfRootAndDataDisksAreBothFound() {
        Entities.Vol root = db.volume(12L, 1L, 21L);
        root.type = com.cloud.storage.Volume.Type.ROOT;
        root.folder = ec.provisionVolume("cs12", 1L << 30).id();
        array.createSnapshot(root.folder, "cs-orphan-of-root");
        array.createSnapshot(volume.folder, "cs-orphan-of-data-disk");

        assertEquals(Arrays.asList("cs-orphan-of-data-disk", "cs-orphan-of-root"), names(reconciler.reconcile(false).orphans));
    }

    @Test
    public void aDestroyedSnapshotsArraySnapshotIsAnOrphan() {
        db.snapshots.get(41L).state = Snapshot.State.Destroyed;
        assertEquals(Arrays.asList("cs-snap-uuid-41"), names(reconciler.reconcile(false).orphans));
    }

    @Test
    public void theArraySnapshotOfATakeAKilledServerLeftInErrorIsAnOrphanAndIsFinished() {
        // killed mid-take: the array snapshot was made, the snapshot row ended in Error without its details
        String left = array.createSnapshot(volume.folder, VolumeSnapshotRecord.arraySnapshotName("snap-uuid-42"));
        db.snapshots.put(42L, new Entities.Snap(42L, 11L, Snapshot.State.Error));
        // a take running right now: row Creating, no details yet, array snapshot already there
        String running = array.createSnapshot(volume.folder, VolumeSnapshotRecord.arraySnapshotName("snap-uuid-43"));
        db.snapshots.put(43L, new Entities.Snap(43L, 11L, Snapshot.State.Creating));

        assertEquals(Arrays.asList("cs-snap-uuid-42"), names(reconciler.reconcile(true).orphans));
        assertEquals(Arrays.asList("cs-snap-uuid-42"), names(reconciler.reconcile(true).removed));
        assertTrue(!onArray().contains(left) && onArray().contains(running));
    }

    /**
     * Defect 3: a management server killed during createVolume from a snapshot, after the array clone and before the
     * volume row named it, leaves a clone that pins the snapshot ("has a clone") and so also its origin volume.
     */
    @Test
    public void theCloneOfAKilledVolumeFromSnapshotIsRemovedAndTheSnapshotCanBeDeletedAgain() {
        String snapshotPath = db.snapshotDetails.listDetailsKeyPairs(41L).values().stream().filter(v -> v.contains("@")).findFirst()
                .orElseThrow(AssertionError::new);
        ElastiCenterClient client = pools.arrays.client(1L);
        Entities.Vol killed = volumeRow(12L, "6f1c2b9e-0d1a-4c3e-9f00-aa11bb22cc33");
        killed.state = com.cloud.storage.Volume.State.Creating;
        String orphanClone = client.cloneDatasetSnapshot(volume.folder, snapshotPath, VolumeArrayName.of(killed.uuid)).id();
        Entities.Vol deleted = volumeRow(13L, "0a0b0c0d-1111-2222-3333-444455556666");
        deleted.folder = ec.provisionVolume(VolumeArrayName.of(deleted.uuid), 1L << 30).id();
        deleted.removed = new java.util.Date();
        Entities.Vol owner = volumeRow(14L, "9d8c7b6a-5555-4444-3333-222211110000");
        String other = array.createSnapshot(volume.folder, "cs-snap-uuid-44");
        owner.folder = client.cloneDatasetSnapshot(volume.folder, other, VolumeArrayName.of(owner.uuid)).id();
        String foreign = ec.provisionVolume(VolumeArrayName.of("12345678-aaaa-bbbb-cccc-1234567890ab"), 1L << 30).id();
        try {
            array.deleteSnapshot(volume.folder, snapshotPath);
            fail("the orphan clone pins the snapshot");
        } catch (ArrayConflictException expected) {
            assertTrue(expected.getMessage(), expected.getMessage().contains("has a clone"));
        }

        ElastiStorReconciler.Report first = reconciler.reconcile(true);
        assertEquals(2, first.orphanVolumes.size());
        assertTrue("removed only when the previous run saw it too", first.removedVolumes.isEmpty());
        ElastiStorReconciler.Report second = reconciler.reconcile(true);

        assertEquals(first.orphanVolumes, second.removedVolumes);
        assertFalse(client.findFileSystem(orphanClone).isPresent());
        assertFalse(client.findFileSystem(deleted.folder).isPresent());
        assertTrue("a clone its volume owns stays", client.findFileSystem(owner.folder).isPresent());
        assertTrue("a name no volume row has is another installation's", client.findFileSystem(foreign).isPresent());
        assertTrue("the snapshot is free again", array.deleteSnapshot(volume.folder, snapshotPath));
    }

    private Entities.Vol volumeRow(long id, String uuid) {
        Entities.Vol row = new Entities.Vol(id, 1L, null, uuid);
        db.volumes.put(id, row);
        return row;
    }

    @Test
    public void periodicWorkRunsOnOneManagementServerAtATime() throws Exception {
        ClusterLocks ms2 = pools.database.server("ms2");
        ElastiStorReconciler onMs2 = Wiring.inject(new ElastiStorReconciler(), db.poolDao, db.poolDetails, db.volumeDao, pools.arrays, pools.settings,
                ms2, db.owners, backupsOn(ms2));
        db.poolDetails.addDetail(1L, ElastiStorPool.INPUT_API_KEY, ec.apiKey(), true);
        CountDownLatch ms1Running = new CountDownLatch(1);
        CountDownLatch ms1MayFinish = new CountDownLatch(1);
        Thread ms1 = new Thread(() -> pools.locks.withLock(ClusterLocks.PERIODIC_WORK, Duration.ZERO, () -> {
            ms1Running.countDown();
            await(ms1MayFinish);
            return true;
        }, () -> false));
        ms1.start();
        assertTrue(ms1Running.await(10, TimeUnit.SECONDS));

        assertFalse("ms2 skips the round while ms1 runs it", onMs2.runPeriodicWork());
        assertTrue("nothing was repaired by ms2", db.poolDetailRows.get(1L).containsKey(ElastiStorPool.INPUT_API_KEY));

        ms1MayFinish.countDown();
        ms1.join(10_000);
        assertTrue("ms2 runs the next round", onMs2.runPeriodicWork());
        assertFalse(db.poolDetailRows.get(1L).containsKey(ElastiStorPool.INPUT_API_KEY));
        assertEquals(Arrays.asList("ms1:elastistor.periodic:acquired", "ms2:elastistor.periodic:busy",
                "ms1:elastistor.periodic:released", "ms2:elastistor.periodic:acquired"), pools.database.events().subList(0, 4));
    }

    @Test
    public void aDeleteOnAnotherServerWaitsForTheReconcilePassOverItsPool() throws Exception {
        ClusterLocks ms2 = pools.database.server("ms2");
        ElastiStorReconciler onMs2 = Wiring.inject(new ElastiStorReconciler(), db.poolDao, db.poolDetails, db.volumeDao, pools.arrays, pools.settings,
                ms2, db.owners, backupsOn(ms2));
        ElastiStorSnapshotStrategy onMs1 = Wiring.inject(new ElastiStorSnapshotStrategy(), db.snapshotDao, db.volumeDao, db.poolDao,
                mock(SnapshotDataStoreDao.class), db.snapshotDetails, pools.arrays, pools.locks, db.owners,
                Wiring.inject(new SecondaryStorageBackups(), mock(SnapshotDataStoreDao.class), db.snapshotDetails, pools.arrays));
        ec.faults().inject("listStorageSnapshots", Fault.latency(Duration.ofMillis(1500)).times(1));
        Thread pass = new Thread(() -> onMs2.reconcile(true));
        pass.start();
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        while (!pools.database.isHeld(ClusterLocks.poolLock(1L)) && System.nanoTime() < deadline) {
            Thread.sleep(5);
        }

        assertTrue(onMs1.deleteSnapshot(41L, null));
        pass.join(10_000);

        assertEquals(Arrays.asList("ms2:elastistor.pool.1:acquired", "ms2:elastistor.pool.1:released", "ms1:elastistor.pool.1:acquired",
                "ms1:elastistor.pool.1:released"), pools.database.events());
        assertEquals(Snapshot.State.Destroyed, db.snapshots.get(41L).state);
        assertFalse(onArray().stream().anyMatch(p -> p.endsWith("@cs-snap-uuid-41")));
    }

    private SecondaryStorageBackups backupsOn(ClusterLocks server) {
        return Wiring.inject(new SecondaryStorageBackups(), db.snapshotDetails, pools.arrays, server);
    }

    /** What a backup does before its copy: journal the clone's name, then clone the snapshot (names as the backup makes them). */
    private String backupClone(long snapshotId, String snapshotUuid) {
        String recorded = array.createSnapshot(volume.folder, VolumeSnapshotRecord.arraySnapshotName(snapshotUuid));
        db.snapshots.put(snapshotId, new Entities.Snap(snapshotId, 11L, Snapshot.State.CreatedOnPrimary));
        VolumeSnapshotRecord.save(db.snapshotDetails, snapshotId, new ArraySnapshotLocation(1L, volume.folder, recorded));
        String clone = "bk" + snapshotUuid.replace("-", "");
        db.snapshotDetails.addDetail(snapshotId, ElastiStorPool.SNAPSHOT_BACKUP_CLONE, clone, false);
        pools.arrays.client(1L).cloneDatasetSnapshot(volume.folder, recorded, clone);
        return clone;
    }

    private Set<String> volumesOnArray() {
        return pools.arrays.client(1L).listFileSystems(null).stream().map(f -> f.name()).collect(Collectors.toSet());
    }

    private static List<String> cloneNames(List<SecondaryStorageBackups.LeftoverClone> clones) {
        return clones.stream().map(SecondaryStorageBackups.LeftoverClone::name).sorted().collect(Collectors.toList());
    }

    @Test
    public void theCloneOfADeadBackupIsReportedAndRemovedAndARunningBackupsCloneIsLeftAlone() throws Exception {
        String dead = backupClone(44L, "5d0c0a44-1b1e-4c6e-9a40-3f0e8a2b7c44");
        String running = backupClone(45L, "5d0c0a45-1b1e-4c6e-9a40-3f0e8a2b7c45");
        // the backup of snapshot 45 runs on ms2: it holds its backup lock for as long as it copies
        CountDownLatch copying = new CountDownLatch(1);
        CountDownLatch copyMayEnd = new CountDownLatch(1);
        Thread backupOnMs2 = new Thread(() -> pools.database.server("ms2").withLock(ClusterLocks.backupLock(45L), Duration.ZERO, () -> {
            copying.countDown();
            await(copyMayEnd);
            return true;
        }, () -> false));
        backupOnMs2.start();
        assertTrue(copying.await(10, TimeUnit.SECONDS));
        try {
            ElastiStorReconciler.Report reported = reconciler.reconcile(false);
            assertEquals(Arrays.asList(dead), cloneNames(reported.leftoverClones));
            assertTrue(reported.leftoverClones.get(0).toString().contains("of the dead backup of snapshot 44"));
            assertTrue("reporting removes nothing", reported.removedClones.isEmpty() && volumesOnArray().contains(dead));

            ElastiStorReconciler.Report removed = reconciler.reconcile(true);
            assertEquals(Arrays.asList(dead), cloneNames(removed.removedClones));
            assertFalse(volumesOnArray().contains(dead));
            assertTrue("the running backup's clone stays", volumesOnArray().contains(running));
            assertTrue(db.snapshotDetails.findDetail(44L, ElastiStorPool.SNAPSHOT_BACKUP_CLONE) == null);
            assertEquals(running, db.snapshotDetails.findDetail(45L, ElastiStorPool.SNAPSHOT_BACKUP_CLONE).getValue());
            assertTrue(removed.problems.toString(), removed.problems.isEmpty());
        } finally {
            copyMayEnd.countDown();
            backupOnMs2.join(10_000);
        }
        assertEquals("once its backup is gone without cleaning up, its clone is a leftover too", Arrays.asList(running),
                cloneNames(reconciler.reconcile(false).leftoverClones));
    }

    @Test
    public void aCloneOfOurNameThatNoBackupJournaledIsRemovedOnlyWhenThePreviousRunSawItToo() {
        String stray = "bk" + "0123456789abcdef0123456789abcdef";
        String recorded = array.createSnapshot(volume.folder, "admin-source");
        pools.arrays.client(1L).cloneDatasetSnapshot(volume.folder, recorded, stray);
        pools.arrays.client(1L).cloneDatasetSnapshot(volume.folder, recorded, "bkupdata");

        ElastiStorReconciler.Report first = reconciler.reconcile(true);
        assertEquals("only our name pattern: a volume named bkupdata is not ours", Arrays.asList(stray),
                cloneNames(first.leftoverClones));
        assertTrue(first.leftoverClones.get(0).toString().contains("no backup record names it"));
        assertTrue("not removed the first time it is seen", first.removedClones.isEmpty() && volumesOnArray().contains(stray));

        assertEquals(Arrays.asList(stray), cloneNames(reconciler.reconcile(true).removedClones));
        assertFalse(volumesOnArray().contains(stray));
        assertTrue(volumesOnArray().contains("bkupdata"));
    }

    private static void await(CountDownLatch latch) {
        try {
            latch.await(10, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
