// Licensed under the Apache License, Version 2.0. See LICENSE in the project root.
package io.elastisnap.cloudstackit;

import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertFalse;
import static org.junit.Assert.assertTrue;
import static org.junit.Assert.fail;

import java.util.List;
import java.util.UUID;
import java.util.concurrent.TimeUnit;

import org.junit.AfterClass;
import org.junit.BeforeClass;
import org.junit.FixMethodOrder;
import org.junit.Test;
import org.junit.runners.MethodSorters;

import com.google.gson.JsonObject;

/**
 * The snapshot lifecycle a management server runs without an agent (the volume detached, i.e. no VM running): take,
 * list, revert, delete, volume from snapshot, maintenance, resize, and the reconciler finding an orphan on the array,
 * on a zone-wide pool of the lab's ElastiCenter. Each test starts from its own volume unless it says otherwise.
 */
@FixMethodOrder(MethodSorters.NAME_ASCENDING)
public class SnapshotScenarios {
    private static Lab lab;
    private static String poolId;
    private static String offeringId;
    private static String iopsOfferingId;

    @BeforeClass
    public static void registerPool() {
        lab = Lab.require();
        String tag = "it-snapshots";
        poolId = lab.registerPool(tag, "scope", "zone", "podid", "-", "clusterid", "-", "hypervisor", "KVM").get("id").getAsString();
        offeringId = lab.api.call("createDiskOffering", "name", tag, "displaytext", tag, "disksize", "1", "tags", tag)
                .getAsJsonObject("diskoffering").get("id").getAsString();
        iopsOfferingId = lab.api.call("createDiskOffering", "name", tag + "-iops", "displaytext", tag + " 2 GiB 1500 IOPS", "disksize", "2",
                "tags", tag, "miniops", "500", "maxiops", "1500", "customizediops", "false")
                .getAsJsonObject("diskoffering").get("id").getAsString();
    }

    @AfterClass
    public static void cleanUp() {
        if (lab == null || poolId == null) {
            return;
        }
        for (JsonObject volume : lab.api.list("listVolumes", "volume", "storageid", poolId, "listall", "true")) {
            for (JsonObject snapshot : lab.api.list("listSnapshots", "snapshot", "volumeid", volume.get("id").getAsString(), "listall", "true")) {
                quietly(() -> lab.api.call("deleteSnapshot", "id", snapshot.get("id").getAsString()));
            }
            quietly(() -> lab.api.call("deleteVolume", "id", volume.get("id").getAsString()));
        }
        quietly(() -> lab.api.call("deleteDiskOffering", "id", offeringId));
        quietly(() -> lab.api.call("deleteDiskOffering", "id", iopsOfferingId));
        lab.deletePool(poolId);
    }

    private static void quietly(Runnable action) {
        try {
            action.run();
        } catch (ApiError e) {
            System.out.println("cleanup: " + e.getMessage());
        }
    }

    private static JsonObject newVolume(String name) {
        return lab.volumeOnPool(poolId, offeringId, name);
    }

    private static JsonObject snapshot(String volumeId, String... extra) {
        String[] params = new String[extra.length + 2];
        params[0] = "volumeid";
        params[1] = volumeId;
        System.arraycopy(extra, 0, params, 2, extra.length);
        return lab.api.call("createSnapshot", params).getAsJsonObject("snapshot");
    }

    private static String arrayName(JsonObject snapshot) {
        return "cs-" + snapshot.get("id").getAsString();
    }

    private static ApiError refused(String command, String... params) {
        try {
            lab.api.call(command, params);
        } catch (ApiError e) {
            return e;
        }
        fail(command + " was accepted");
        throw new AssertionError();
    }

    @Test
    public void s01_takeListRevertDeleteOnTheArray() {
        JsonObject volume = newVolume("it-lifecycle");
        String volumeId = volume.get("id").getAsString();
        String esVolume = lab.esVolumeId(volumeId);
        assertEquals(poolId, volume.get("storageid").getAsString());

        JsonObject first = snapshot(volumeId);
        assertEquals("createSnapshot job answer state (defect 5)", "BackedUp", first.get("state").getAsString());
        assertTrue(lab.arraySnapshotNames(esVolume).contains(arrayName(first)));
        JsonObject second = snapshot(volumeId);
        List<JsonObject> listed = lab.api.list("listSnapshots", "snapshot", "volumeid", volumeId, "listall", "true");
        assertEquals(2, listed.size());
        listed.forEach(s -> assertEquals("BackedUp", s.get("state").getAsString()));

        ApiError destroysNewer = refused("revertSnapshot", "id", first.get("id").getAsString());
        assertTrue(destroysNewer.text, destroysNewer.text.contains(arrayName(second)));

        lab.api.call("deleteSnapshot", "id", second.get("id").getAsString());
        assertFalse(lab.arraySnapshotNames(esVolume).contains(arrayName(second)));
        lab.api.call("revertSnapshot", "id", first.get("id").getAsString());
        assertEquals("Ready", lab.volume(volumeId).get("state").getAsString());

        lab.api.call("deleteSnapshot", "id", first.get("id").getAsString());
        assertFalse(lab.arraySnapshotNames(esVolume).contains(arrayName(first)));
    }

    @Test
    public void s02_deletingADeletedSnapshotAgain() {
        String volumeId = newVolume("it-delete-twice").get("id").getAsString();
        JsonObject snapshot = snapshot(volumeId);
        lab.api.call("deleteSnapshot", "id", snapshot.get("id").getAsString());
        // CloudStack answers before any strategy is asked; the README says what the operator sees (defect 12)
        ApiError again = refused("deleteSnapshot", "id", snapshot.get("id").getAsString());
        assertEquals(431, again.code);
        assertTrue(again.text, again.text.contains("already destroyed"));
    }

    @Test
    public void s03_volumeFromSnapshotIsAnArrayCloneThatPinsTheSnapshot() {
        String volumeId = newVolume("it-clone-origin").get("id").getAsString();
        JsonObject snapshot = snapshot(volumeId);
        String snapshotId = snapshot.get("id").getAsString();
        JsonObject clone = lab.api.call("createVolume", "name", "it-clone", "snapshotid", snapshotId, "zoneid", lab.zoneId)
                .getAsJsonObject("volume");
        String cloneId = clone.get("id").getAsString();
        assertEquals(poolId, lab.volume(cloneId).get("storageid").getAsString());
        ApiError pinned = refused("deleteSnapshot", "id", snapshotId);
        assertTrue(pinned.text, pinned.text.contains("Delete the volumes created from it first"));
        lab.api.call("deleteVolume", "id", cloneId);
        lab.api.call("deleteSnapshot", "id", snapshotId);
        assertFalse(lab.arraySnapshotNames(lab.esVolumeId(volumeId)).contains(arrayName(snapshot)));
    }

    @Test
    public void s04_snapshotOfADetachedVolumeHasItsZoneRecordAndUsageEvent() {
        String volumeId = newVolume("it-zone-records").get("id").getAsString();
        JsonObject snapshot = snapshot(volumeId);
        String snapshotId = snapshot.get("id").getAsString();
        assertEquals("listSnapshots in the snapshot's zone (snapshot_zone_ref, defect 4)", 1,
                lab.api.list("listSnapshots", "snapshot", "id", snapshotId, "zoneid", lab.zoneId, "listall", "true").size());
        if (lab.hasDatabase()) {
            assertEquals("SNAPSHOT.CREATE usage events (defect 4)", "1", lab.sql("SELECT COUNT(*) FROM usage_event WHERE type ="
                    + " 'SNAPSHOT.CREATE' AND resource_id = (SELECT id FROM snapshots WHERE uuid = '" + snapshotId + "')").get(0)[0]);
        }
    }

    @Test
    public void s05_snapshotOnSecondaryStorageIsRefusedClearly() {
        String volumeId = newVolume("it-secondary").get("id").getAsString();
        ApiError error = refused("createSnapshot", "volumeid", volumeId, "locationtype", "SECONDARY");
        assertTrue(error.text, error.text.contains("locationtype"));
        // refused before anything was taken: the record CloudStack allocated is removed (as CloudStack removes it when
        // no strategy can take a snapshot); a take that fails after it started is listed as Error instead
        assertTrue("no snapshot left behind", lab.api.list("listSnapshots", "snapshot", "volumeid", volumeId, "listall", "true").isEmpty());
        assertTrue(lab.arraySnapshotNames(lab.esVolumeId(volumeId)).isEmpty());
    }

    @Test
    public void s06_poolInMaintenanceRefusesSnapshotRevertAndResize() {
        String volumeId = newVolume("it-maintenance").get("id").getAsString();
        String esVolume = lab.esVolumeId(volumeId);
        JsonObject snapshot = snapshot(volumeId);
        lab.api.call("enableStorageMaintenance", "id", poolId);
        try {
            ApiError take = refused("createSnapshot", "volumeid", volumeId);
            assertTrue(take.text, take.text.contains("aintenance"));
            ApiError revert = refused("revertSnapshot", "id", snapshot.get("id").getAsString());
            assertTrue(revert.text, revert.text.contains("aintenance"));
            ApiError resize = refused("resizeVolume", "id", volumeId, "diskofferingid", iopsOfferingId);
            assertTrue(resize.text, resize.text.contains("aintenance"));
            assertEquals(List.of(arrayName(snapshot)), lab.arraySnapshotNames(esVolume));
            assertEquals("the refused take leaves no record", 1,
                    lab.api.list("listSnapshots", "snapshot", "volumeid", volumeId, "listall", "true").size());
        } finally {
            lab.api.call("cancelStorageMaintenance", "id", poolId);
        }
    }

    @Test
    public void s07_resizeWithANewOfferingAndIopsAgreesWithTheArray() {
        String volumeId = newVolume("it-resize").get("id").getAsString();
        lab.api.call("resizeVolume", "id", volumeId, "diskofferingid", iopsOfferingId);
        JsonObject volume = lab.volume(volumeId);
        assertEquals(iopsOfferingId, volume.get("diskofferingid").getAsString());
        assertEquals(2L << 30, volume.get("size").getAsLong());
        assertEquals(1500L, volume.get("maxiops").getAsLong());
        assertEquals(1500L, lab.array.findFileSystem(lab.esVolumeId(volumeId)).orElseThrow().record().integer("iops").orElse(-1));
    }

    /** Defect 2: the reconciler looked at ROOT volumes only; an orphan on a data disk was never seen. */
    @Test
    public void s08_reconcilerRemovesAnOrphanOfADataDisk() {
        String volumeId = newVolume("it-orphan").get("id").getAsString();
        String esVolume = lab.esVolumeId(volumeId);
        String orphan = "cs-" + UUID.randomUUID();
        lab.array.createStorageSnapshot(esVolume, orphan);
        awaitReconcileRemoving("the orphan " + orphan + " of a data disk", () -> !lab.arraySnapshotNames(esVolume).contains(orphan));
    }

    /** Lets the reconciler run every minute with removal on until {@code gone} holds (9 min at most), then sets both back. */
    private static void awaitReconcileRemoving(String what, java.util.function.BooleanSupplier gone) {
        lab.setConfiguration("elastistor.reconcile.remove.orphans", "true");
        lab.setConfiguration("elastistor.reconcile.interval.minutes", "1");
        try {
            // the first run after start waits 5 min; an orphan is removed at the second run that sees it
            long end = System.nanoTime() + TimeUnit.MINUTES.toNanos(9);
            while (!gone.getAsBoolean()) {
                if (System.nanoTime() > end) {
                    fail("the reconciler did not remove " + what + " within 9 min");
                }
                CloudStackApi.sleep(5000);
            }
        } finally {
            lab.setConfiguration("elastistor.reconcile.interval.minutes", "60");
            lab.setConfiguration("elastistor.reconcile.remove.orphans", "false");
        }
    }

    /**
     * With snapshot.backup.to.secondary=true (CloudStack's default) a snapshot is taken and listed, but a revert fails
     * as the README documents: CloudStack looks the snapshot up on secondary storage first, where it is not until the
     * backup to secondary storage lands. This test pins that documented failure; it flips when the backup does.
     */
    @Test
    public void s09_withBackupToSecondaryButNoKvmHostTheTakeFailsAndNothingShowsBackedUp() {
        lab.setConfiguration("snapshot.backup.to.secondary", "true");
        lab.restartManagementServer();
        try {
            String volumeId = newVolume("it-backup-true").get("id").getAsString();
            // this lab's zone has no Up KVM host (no /dev/kvm here) to copy the backup: the take must fail, not pretend
            ApiError take = refused("createSnapshot", "volumeid", volumeId);
            System.out.println("snapshot.backup.to.secondary=true without a KVM host: " + take.text);
            assertTrue("the answer says why (defect 8): " + take.text, take.text.contains("backup to secondary storage failed"));
            for (JsonObject listed : lab.api.list("listSnapshots", "snapshot", "volumeid", volumeId, "listall", "true")) {
                assertFalse("a failed backup never shows BackedUp: " + listed, "BackedUp".equals(listed.get("state").getAsString()));
            }
        } finally {
            lab.setConfiguration("snapshot.backup.to.secondary", "false");
            lab.restartManagementServer();
        }
    }

    /**
     * Defect 8: a volume attached to a VM is snapshotted in the VM's work job, whose failure CloudStack 4.22 used to
     * answer as "internal error"; the cause now reaches the answer on that path too.
     */
    @Test
    public void s10_aRefusedTakeOfAnAttachedVolumeSaysWhy() {
        String volumeId = newVolume("it-attached").get("id").getAsString();
        lab.attachToTheStoppedVm(poolId, volumeId);
        try {
            ApiError error = refused("createSnapshot", "volumeid", volumeId, "locationtype", "SECONDARY");
            assertTrue(error.text, error.text.contains("locationtype=SECONDARY is not supported"));
            assertTrue("no snapshot left behind", lab.api.list("listSnapshots", "snapshot", "volumeid", volumeId, "listall", "true").isEmpty());
        } finally {
            lab.api.call("detachVolume", "id", volumeId);
        }
    }

    /**
     * Defect 3: a management server killed during createVolume from a snapshot, after the array clone and before the
     * volume row names it, leaves a clone on the array that blocks deleting the snapshot ("has a clone") and its
     * origin volume. Simulated with the database: the clone volume's row is put back to what such a kill leaves (no
     * ElastiStor id written, still Creating). The reconciler removes the clone; the snapshot and the origin can go.
     */
    @Test
    public void s11_theCloneOfAKilledVolumeFromSnapshotIsReconciledAway() {
        String originId = newVolume("it-clone-killed-origin").get("id").getAsString();
        String originEs = lab.esVolumeId(originId);
        JsonObject snapshot = snapshot(originId);
        String snapshotId = snapshot.get("id").getAsString();
        String cloneId = lab.api.call("createVolume", "name", "it-clone-killed", "snapshotid", snapshotId, "zoneid", lab.zoneId)
                .getAsJsonObject("volume").get("id").getAsString();
        String cloneEs = lab.esVolumeId(cloneId);
        lab.sql("UPDATE volumes SET folder = NULL, state = 'Creating' WHERE uuid = '" + cloneId + "'");
        try {
            ApiError pinned = refused("deleteSnapshot", "id", snapshotId);
            assertTrue(pinned.text, pinned.text.contains("Delete the volumes created from it first"));

            awaitReconcileRemoving("the clone " + cloneEs + " no volume owns", () -> !lab.array.findFileSystem(cloneEs).isPresent());

            lab.api.call("deleteSnapshot", "id", snapshotId);
            assertFalse(lab.arraySnapshotNames(originEs).contains(arrayName(snapshot)));
            lab.api.call("deleteVolume", "id", originId);
            assertFalse("the origin volume is gone from the array", lab.array.findFileSystem(originEs).isPresent());
        } finally {
            // the stand-in for the killed create's row: CloudStack would leave it Creating; removed so cleanup passes
            lab.sql("UPDATE volumes SET state = 'Expunged', removed = NOW() WHERE uuid = '" + cloneId + "'");
        }
    }
}
