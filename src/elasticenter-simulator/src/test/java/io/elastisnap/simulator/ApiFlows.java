// Licensed under the Apache License, Version 2.0. See LICENSE in the project root.
package io.elastisnap.simulator;

import com.google.gson.JsonObject;

import java.time.Duration;
import java.time.Instant;

import static org.junit.Assert.assertEquals;
import static org.junit.Assert.fail;

/** Multi-call API sequences the tests share (the Cinder create-volume flow). */
final class ApiFlows {
    private static final Duration JOB_DEADLINE = Duration.ofSeconds(20);
    private static final Duration POLL_INTERVAL = Duration.ofMillis(20);

    private ApiFlows() {
    }

    static String addQosGroup(ApiTestClient api, SimDefaults defaults, String name) {
        return api.call("addQosGroup", "name", name, "tsmid", defaults.tsmId(), "iops", "100",
                "datasetid", defaults.tsmDatasetId()).ok("addqosgroupresponse")
                .getAsJsonObject("qosgroup").get("id").getAsString();
    }

    static String submitCreateVolume(ApiTestClient api, SimDefaults defaults, String name, String quota) {
        String group = addQosGroup(api, defaults, "QoS_" + name);
        JsonObject body = api.call("createVolume", "name", name, "tsmid", defaults.tsmId(), "qosgroupid", group,
                "quotasize", quota, "datasetid", defaults.tsmDatasetId(), "protocoltype", "ISCSI")
                .ok("createvolumeresponse");
        assertEquals("only a jobid: " + body, 1, body.size());
        return body.get("jobid").getAsString();
    }

    /** createVolume through the API and waits for its job; returns the job's jobresult. */
    static JsonObject createVolume(ApiTestClient api, SimDefaults defaults, String name, String quota) {
        JsonObject job = awaitJob(api, submitCreateVolume(api, defaults, name, quota));
        assertEquals("job " + job, 1, job.get("jobstatus").getAsInt());
        return job.getAsJsonObject("jobresult");
    }

    static String createVolumeId(ApiTestClient api, SimDefaults defaults, String name) {
        return createVolume(api, defaults, name, "1G").getAsJsonObject("storage").get("id").getAsString();
    }

    /** Polls queryAsyncJobResult until jobstatus is no longer 0; bounded. */
    static JsonObject awaitJob(ApiTestClient api, String jobId) {
        Instant deadline = Instant.now().plus(JOB_DEADLINE);
        while (Instant.now().isBefore(deadline)) {
            JsonObject job = queryJob(api, jobId);
            if (job.get("jobstatus").getAsInt() != 0) {
                return job;
            }
            sleep(POLL_INTERVAL);
        }
        fail("job " + jobId + " still pending after " + JOB_DEADLINE);
        return null;
    }

    static JsonObject queryJob(ApiTestClient api, String jobId) {
        return api.call("queryAsyncJobResult", "jobId", jobId).ok("queryasyncjobresultresponse");
    }

    static String snapshotPath(SimDefaults defaults, String volume, String snapshot) {
        return defaults.poolName() + "/" + defaults.accountName() + defaults.tsmName() + "/" + volume + "@" + snapshot;
    }

    static void sleep(Duration duration) {
        try {
            Thread.sleep(duration.toMillis());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AssertionError("interrupted", e);
        }
    }
}
