// Licensed under the Apache License, Version 2.0. See LICENSE in the project root.
package io.elastisnap.simulator;

import com.google.gson.JsonObject;
import org.junit.Rule;
import org.junit.Test;
import org.junit.rules.TemporaryFolder;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertFalse;
import static org.junit.Assert.assertTrue;

/** With a data directory the whole appliance survives a restart: ids, names, snapshots, clones, jobs, certificate. */
public class PersistenceTest {
    private static final String KEY = "persistence-key";

    @Rule
    public TemporaryFolder temp = new TemporaryFolder();

    private ElastiCenterSimulator start(Path data) {
        return ElastiCenterSimulator.builder().apiKey(KEY).dataDirectory(data).start();
    }

    @Test
    public void stateCertificateAndImagesSurviveARestart() throws IOException {
        Path data = temp.newFolder("data").toPath();
        SimDefaults defaults;
        SimVolume volume;
        String cloneId;
        String jobId;
        String fingerprint;
        try (ElastiCenterSimulator first = start(data)) {
            ApiTestClient api = new ApiTestClient(first);
            defaults = first.defaults();
            fingerprint = first.certificateSha256();
            volume = first.provisionVolume("kept", 8 * SizeUnits.MIB);
            api.call("createStorageSnapshot", "id", volume.id(), "name", "s1").ok("createStorageSnapshotResponse");
            cloneId = api.call("cloneDatasetSnapshot", "id", volume.id(), "path", volume.zfsPath() + "@s1",
                    "clonename", "keptclone").ok("cloneDatasetSnapshot").getAsJsonObject("filesystem")
                    .get("id").getAsString();
            jobId = ApiFlows.submitCreateVolume(api, defaults, "viaapi", "1G");
        }
        try (ElastiCenterSimulator second = start(data)) {
            ApiTestClient api = new ApiTestClient(second);
            assertEquals(fingerprint, second.certificateSha256());
            assertEquals(defaults.toString(), second.defaults().toString());
            assertEquals(List.of(volume.zfsPath() + "@s1"), second.snapshotPaths(volume.id()));
            assertTrue(Files.exists(second.snapshotImagePath(volume.id(), "s1")));
            assertEquals(volume.imagePath(), second.volume(volume.id()).orElseThrow().imagePath());
            assertEquals(3, api.call("listFileSystem").ok("listFilesystemResponse").get("count").getAsInt());
            assertEquals(1, ApiFlows.queryJob(api, jobId).get("jobstatus").getAsInt());
            String text = api.call("deleteSnapshot", "id", volume.id(), "name", "s1")
                    .errorText("deleteSnapshotResponse", 530);
            assertTrue("the clone still pins its origin: " + text, text.contains("has a clone"));
            assertTrue(second.volume(cloneId).isPresent());
        }
    }

    @Test
    public void aJobHeldWhenTheSimulatorStopsFinishesAfterTheRestart() throws IOException {
        Path data = temp.newFolder("jobs").toPath();
        String jobId;
        try (ElastiCenterSimulator first = start(data)) {
            ApiTestClient api = new ApiTestClient(first);
            first.faults().inject("createVolume", Fault.jobStaysPending());
            jobId = ApiFlows.submitCreateVolume(api, first.defaults(), "heldvol", "1G");
            assertEquals(0, ApiFlows.queryJob(api, jobId).get("jobstatus").getAsInt());
        }
        try (ElastiCenterSimulator second = start(data)) {
            ApiTestClient api = new ApiTestClient(second);
            JsonObject job = ApiFlows.awaitJob(api, jobId);
            assertEquals(1, job.get("jobstatus").getAsInt());
            assertEquals("heldvol", job.getAsJsonObject("jobresult").getAsJsonObject("storage").get("name").getAsString());
        }
    }

    @Test
    public void withoutADataDirectoryNothingIsKept() {
        String volumeId;
        try (ElastiCenterSimulator first = ElastiCenterSimulator.builder().start()) {
            volumeId = first.provisionVolume("gone", SizeUnits.GIB).id();
        }
        try (ElastiCenterSimulator second = ElastiCenterSimulator.builder().start()) {
            assertFalse(second.volume(volumeId).isPresent());
        }
    }
}
