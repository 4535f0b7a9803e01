// Licensed under the Apache License, Version 2.0. See LICENSE in the project root.
package io.elastisnap.simulator;

import com.google.gson.JsonArray;
import com.google.gson.JsonObject;
import org.junit.After;
import org.junit.Before;
import org.junit.Test;

import java.util.List;

import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertFalse;
import static org.junit.Assert.assertTrue;

/** Snapshot naming, listing, delete, rollback and clone rules (in memory, no data directory). */
public class SnapshotRulesTest {
    private ElastiCenterSimulator simulator;
    private ApiTestClient api;
    private SimDefaults defaults;
    private SimVolume volume;

    @Before
    public void start() {
        simulator = ElastiCenterSimulator.builder().start();
        api = new ApiTestClient(simulator);
        defaults = simulator.defaults();
        volume = simulator.provisionVolume("vol1", SizeUnits.GIB);
    }

    @After
    public void stop() {
        simulator.close();
    }

    private JsonObject snapshot(String name) {
        return api.call("createStorageSnapshot", "id", volume.id(), "name", name).ok("createStorageSnapshotResponse")
                .getAsJsonObject("StorageSnapshot");
    }

    private String path(String name) {
        return volume.zfsPath() + "@" + name;
    }

    private JsonObject listSnapshots() {
        return api.call("listStorageSnapshots", "id", volume.id()).ok("listDatasetSnapshotsResponse");
    }

    @Test
    public void createAnswersStorageSnapshotWithTheVolumeAsLun() {
        JsonObject created = snapshot("snap_1");
        assertEquals("snap_1", created.get("name").getAsString());
        assertEquals(volume.id(), created.get("lunid").getAsString());
        assertEquals(created.get("id").getAsString().replace("-", ""), created.get("usn").getAsString());
        assertFalse(created.get("scsiEnabled").getAsBoolean());
    }

    @Test
    public void listIsOldestFirstWithZfsPathsAndNoIds() {
        assertEquals("no snapshots: empty wrapper", "{}", listSnapshots().toString());
        snapshot("a");
        snapshot("b");
        JsonObject body = listSnapshots();
        assertEquals(2, body.get("count").getAsInt());
        JsonArray items = body.getAsJsonArray("snapshot");
        JsonObject first = items.get(0).getAsJsonObject();
        assertEquals("a", first.get("name").getAsString());
        assertEquals(defaults.poolName() + "/" + defaults.accountName() + defaults.tsmName() + "/vol1@a",
                first.get("path").getAsString());
        assertEquals(path("b"), items.get(1).getAsJsonObject().get("path").getAsString());
        assertFalse("list items carry no id", first.has("id"));
        assertEquals(0, first.get("clones").getAsInt());
        assertTrue(first.get("timestamp").getAsString().matches("[A-Z][a-z]{2} [A-Z][a-z]{2} \\d{2} \\d{4} \\d{2}:\\d{2}"));
    }

    @Test
    public void duplicateNameOnTheSameVolumeIsRefusedButAnotherVolumeMayReuseIt() {
        snapshot("dup");
        String text = api.call("createStorageSnapshot", "id", volume.id(), "name", "dup")
                .errorText("createStorageSnapshotResponse", 530);
        assertTrue(text, text.contains("already exists"));
        SimVolume other = simulator.provisionVolume("vol2", SizeUnits.GIB);
        api.call("createStorageSnapshot", "id", other.id(), "name", "dup").ok("createStorageSnapshotResponse");
    }

    @Test
    public void invalidNamesAndUnknownVolumesAreRefused() {
        api.call("createStorageSnapshot", "id", volume.id(), "name", "bad name").error("createStorageSnapshotResponse", 530);
        String text = api.call("createStorageSnapshot", "id", "no-such-volume", "name", "x")
                .errorText("createStorageSnapshotResponse", 431);
        assertTrue(text, text.contains("entity does not exist"));
        api.call("createStorageSnapshot", "id", volume.id()).error("createStorageSnapshotResponse", 431);
    }

    @Test
    public void deleteWorksByPathOrByName() {
        snapshot("bypath");
        snapshot("byname");
        api.call("deleteSnapshot", "id", volume.id(), "path", path("bypath")).ok("deleteSnapshotResponse");
        api.call("deleteSnapshot", "id", volume.id(), "name", "byname").ok("deleteSnapshotResponse");
        assertEquals(List.of(), simulator.snapshotPaths(volume.id()));
    }

    @Test
    public void deletingAMissingSnapshotIsTheCaptured431() {
        assertEquals("could not find any snapshots to destroy; check snapshot names.",
                api.call("deleteSnapshot", "id", volume.id(), "path", path("gone"))
                        .errorText("deleteSnapshotResponse", 431));
        assertEquals("Unable to execute API command deletesnapshot due to missing parameter path.",
                api.call("deleteSnapshot", "id", volume.id()).errorText("deleteSnapshotResponse", 431));
    }

    @Test
    public void aSnapshotWithACloneCannotBeDeletedUntilTheCloneIsGone() {
        snapshot("origin");
        JsonObject clone = api.call("cloneDatasetSnapshot", "id", volume.id(), "path", path("origin"),
                "clonename", "clone1", "mountpoint", "clone1").ok("cloneDatasetSnapshot").getAsJsonObject("filesystem");
        assertEquals(1, listSnapshots().getAsJsonArray("snapshot").get(0).getAsJsonObject().get("clones").getAsInt());

        String text = api.call("deleteSnapshot", "id", volume.id(), "path", path("origin"))
                .errorText("deleteSnapshotResponse", 530);
        assertTrue(text, text.contains("has a clone"));

        String jobId = api.call("deleteFileSystem", "id", clone.get("id").getAsString()).ok("deleteFileSystemResponse")
                .get("jobid").getAsString();
        assertEquals(1, ApiFlows.awaitJob(api, jobId).get("jobstatus").getAsInt());
        assertEquals("deleting the clone leaves its origin in place", List.of(path("origin")),
                simulator.snapshotPaths(volume.id()));
        api.call("deleteSnapshot", "id", volume.id(), "path", path("origin")).ok("deleteSnapshotResponse");
    }

    @Test
    public void aCloneIsAFullVolumeSharingItsParentsQosGroup() {
        snapshot("s");
        JsonObject clone = api.call("cloneDatasetSnapshot", "id", volume.id(), "path", path("s"),
                "clonename", "copy").ok("cloneDatasetSnapshot").getAsJsonObject("filesystem");
        assertEquals(volume.qosGroupId(), clone.get("groupid").getAsString());
        assertEquals(defaults.accountName() + "copy", clone.get("mountpoint").getAsString());
        assertEquals(clone.get("iqnname").getAsString(), clone.get("path").getAsString());
        assertTrue(clone.get("iqnname").getAsString().endsWith(":" + defaults.accountName().replace("_", "") + "copy"));
        JsonArray listed = api.call("listFileSystem").ok("listFilesystemResponse").getAsJsonArray("filesystem");
        assertTrue(listed.toString().contains(clone.get("id").getAsString()));
        api.call("updateFileSystem", "id", clone.get("id").getAsString(), "quotasize", "2G")
                .ok("updatefilesystemresponse");
    }

    @Test
    public void cloningAMissingSnapshotIsTheCaptured530() {
        assertEquals("Failed to create clone due to timeout.",
                api.call("cloneDatasetSnapshot", "id", volume.id(), "path", path("nothing"), "clonename", "c")
                        .errorText("cloneDatasetSnapshot", 530));
        snapshot("s");
        api.call("cloneDatasetSnapshot", "id", volume.id(), "path", path("s"), "clonename", "vol1")
                .error("cloneDatasetSnapshot", 530);
    }

    @Test
    public void rollbackDestroysNewerSnapshotsAndSaysWhich() {
        snapshot("s1");
        snapshot("s2");
        snapshot("s3");
        JsonObject body = api.call("rollbackToSnapshot", "id", volume.id(), "path", path("s1"))
                .ok("rollbackToSnapshotResponse");
        assertTrue(body.get("success").getAsBoolean());
        JsonArray destroyed = body.getAsJsonArray("destroyedsnapshots");
        assertEquals(2, destroyed.size());
        assertEquals(path("s2"), destroyed.get(0).getAsString());
        assertEquals(path("s3"), destroyed.get(1).getAsString());
        assertEquals(List.of(path("s1")), simulator.snapshotPaths(volume.id()));
    }

    @Test
    public void rollbackToTheLatestDestroysNothing() {
        snapshot("only");
        JsonObject body = api.call("rollbackToSnapshot", "id", volume.id(), "path", path("only"))
                .ok("rollbackToSnapshotResponse");
        assertEquals(0, body.getAsJsonArray("destroyedsnapshots").size());
        assertEquals(List.of(path("only")), simulator.snapshotPaths(volume.id()));
    }

    @Test
    public void rollbackPastASnapshotWithACloneIsRefusedAndChangesNothing() {
        snapshot("s1");
        snapshot("s2");
        api.call("cloneDatasetSnapshot", "id", volume.id(), "path", path("s2"), "clonename", "pin")
                .ok("cloneDatasetSnapshot");
        String text = api.call("rollbackToSnapshot", "id", volume.id(), "path", path("s1"))
                .errorText("rollbackToSnapshotResponse", 530);
        assertTrue(text, text.contains("has a clone"));
        assertEquals(List.of(path("s1"), path("s2")), simulator.snapshotPaths(volume.id()));
    }

    @Test
    public void rollbackToAMissingSnapshotIsRefused() {
        String text = api.call("rollbackToSnapshot", "id", volume.id(), "path", path("none"))
                .errorText("rollbackToSnapshotResponse", 530);
        assertTrue(text, text.contains("does not exist"));
    }

    @Test
    public void aTsmDatasetIdSnapshotsEveryVolumeOfTheTsm() {
        SimVolume other = simulator.provisionVolume("vol2", SizeUnits.GIB);
        api.call("createStorageSnapshot", "id", defaults.tsmDatasetId(), "name", "all")
                .ok("createStorageSnapshotResponse");
        assertEquals(List.of(path("all")), simulator.snapshotPaths(volume.id()));
        assertEquals(List.of(other.zfsPath() + "@all"), simulator.snapshotPaths(other.id()));
        api.call("createStorageSnapshot", "id", defaults.tsmDatasetId(), "name", "all")
                .error("createStorageSnapshotResponse", 530);
    }
}
