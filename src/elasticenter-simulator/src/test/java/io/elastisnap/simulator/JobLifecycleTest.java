// Licensed under the Apache License, Version 2.0. See LICENSE in the project root.
package io.elastisnap.simulator;

import com.google.gson.JsonObject;
import org.junit.After;
import org.junit.Test;

import java.time.Duration;

import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertFalse;
import static org.junit.Assert.assertTrue;

/** Async jobs: pending, done, failed, queryable afterwards; delete rules for volumes with snapshots. */
public class JobLifecycleTest {
    private ElastiCenterSimulator simulator;

    @After
    public void stop() {
        if (simulator != null) {
            simulator.close();
        }
    }

    private ApiTestClient start(Duration jobDuration) {
        simulator = ElastiCenterSimulator.builder().jobDuration(jobDuration).start();
        return new ApiTestClient(simulator);
    }

    @Test
    public void withoutJobDurationTheFirstPollIsAlreadyDone() {
        ApiTestClient api = start(Duration.ZERO);
        String jobId = ApiFlows.submitCreateVolume(api, simulator.defaults(), "quick", "1G");
        JsonObject job = ApiFlows.queryJob(api, jobId);
        assertEquals(1, job.get("jobstatus").getAsInt());
        assertEquals(0, job.get("jobresultcode").getAsInt());
        assertEquals("com.cloudbyte.api.commands.CreateVolumeCmd", job.get("cmd").getAsString());
        assertEquals(jobId, job.get("jobid").getAsString());
        assertTrue(job.get("created").getAsString().matches("\\d{4}-\\d{2}-\\d{2} \\d{2}:\\d{2}:\\d{2}"));
        assertEquals("the record stays queryable", job.toString(), ApiFlows.queryJob(api, jobId).toString());
    }

    @Test
    public void aJobWithDurationIsPendingWithoutResultThenSucceeds() {
        ApiTestClient api = start(Duration.ofSeconds(1));
        String jobId = ApiFlows.submitCreateVolume(api, simulator.defaults(), "slow", "1G");
        JsonObject pending = ApiFlows.queryJob(api, jobId);
        assertEquals(0, pending.get("jobstatus").getAsInt());
        assertFalse("no jobresult while pending", pending.has("jobresult"));
        assertEquals("the volume appears only when the job is done", "{}",
                api.call("listFileSystem").ok("listFilesystemResponse").toString());
        JsonObject done = ApiFlows.awaitJob(api, jobId);
        assertEquals(1, done.get("jobstatus").getAsInt());
        assertTrue(done.getAsJsonObject("jobresult").get("success").getAsBoolean());
        assertEquals(1, api.call("listFileSystem").ok("listFilesystemResponse").get("count").getAsInt());
    }

    @Test
    public void aDuplicateVolumeNameFailsInTheJobWithStatus2() {
        ApiTestClient api = start(Duration.ZERO);
        ApiFlows.createVolume(api, simulator.defaults(), "twin", "1G");
        JsonObject job = ApiFlows.awaitJob(api, ApiFlows.submitCreateVolume(api, simulator.defaults(), "twin", "1G"));
        assertEquals(2, job.get("jobstatus").getAsInt());
        assertEquals(530, job.get("jobresultcode").getAsInt());
        JsonObject result = job.getAsJsonObject("jobresult");
        assertFalse(result.get("success").getAsBoolean());
        assertEquals(530, result.get("errorcode").getAsInt());
        assertTrue(result.get("errortext").getAsString().contains("already exists"));
    }

    @Test
    public void createVolumeValidatesSynchronously() {
        ApiTestClient api = start(Duration.ZERO);
        SimDefaults d = simulator.defaults();
        String group = ApiFlows.addQosGroup(api, d, "QoS_v");
        assertEquals("Unable to execute API command createvolume due to missing parameter quotasize.",
                api.call("createVolume", "name", "v", "tsmid", d.tsmId(), "qosgroupid", group)
                        .errorText("createvolumeresponse", 431));
        api.call("createVolume", "name", "v", "tsmid", "nope", "qosgroupid", group, "quotasize", "1G")
                .error("createvolumeresponse", 431);
        api.call("createVolume", "name", "v", "tsmid", d.tsmId(), "qosgroupid", group, "quotasize", "0T")
                .error("createvolumeresponse", 431);
        api.call("createVolume", "name", "v", "tsmid", d.tsmId(), "qosgroupid", group, "quotasize", "1G",
                "protocoltype", "nfs").ok("createvolumeresponse");
    }

    @Test
    public void unknownJobIdIs431() {
        ApiTestClient api = start(Duration.ZERO);
        api.call("queryAsyncJobResult", "jobid", "no-such-job").error("queryasyncjobresultresponse", 431);
    }

    @Test
    public void deleteFileSystemRemovesPlainSnapshotsWithTheVolume() {
        ApiTestClient api = start(Duration.ZERO);
        SimVolume volume = simulator.provisionVolume("withsnaps", SizeUnits.GIB);
        api.call("createStorageSnapshot", "id", volume.id(), "name", "s").ok("createStorageSnapshotResponse");
        JsonObject job = ApiFlows.awaitJob(api, api.call("deleteFileSystem", "id", volume.id())
                .ok("deleteFileSystemResponse").get("jobid").getAsString());
        assertEquals(1, job.get("jobstatus").getAsInt());
        assertEquals("Deleted Successfully", job.get("msg").getAsString());
        assertEquals("com.cloudbyte.api.commands.DeleteFileSystemCmd", job.get("cmd").getAsString());
        assertFalse(simulator.volume(volume.id()).isPresent());
    }

    @Test
    public void deleteFileSystemFailsWhileASnapshotHasACloneUnlessForced() {
        ApiTestClient api = start(Duration.ZERO);
        SimVolume volume = simulator.provisionVolume("parent", SizeUnits.GIB);
        api.call("createStorageSnapshot", "id", volume.id(), "name", "s").ok("createStorageSnapshotResponse");
        String cloneId = api.call("cloneDatasetSnapshot", "id", volume.id(), "path", volume.zfsPath() + "@s",
                "clonename", "child").ok("cloneDatasetSnapshot").getAsJsonObject("filesystem").get("id").getAsString();

        JsonObject refused = ApiFlows.awaitJob(api, api.call("deleteFileSystem", "id", volume.id())
                .ok("deleteFileSystemResponse").get("jobid").getAsString());
        assertEquals(2, refused.get("jobstatus").getAsInt());
        assertTrue(refused.getAsJsonObject("jobresult").get("errortext").getAsString().contains("has a clone"));
        assertTrue(simulator.volume(volume.id()).isPresent());

        JsonObject forced = ApiFlows.awaitJob(api, api.call("deleteFileSystem", "id", volume.id(),
                "forcedelete", "true").ok("deleteFileSystemResponse").get("jobid").getAsString());
        assertEquals(1, forced.get("jobstatus").getAsInt());
        assertFalse(simulator.volume(volume.id()).isPresent());
        assertTrue("the clone survives as an independent volume", simulator.volume(cloneId).isPresent());
    }

    @Test
    public void deleteOfAnUnknownVolumeIsRefusedSynchronously() {
        ApiTestClient api = start(Duration.ZERO);
        api.call("deleteFileSystem", "id", "nope").error("deleteFileSystemResponse", 431);
        api.call("deleteFileSystem").error("deleteFileSystemResponse", 431);
    }
}
