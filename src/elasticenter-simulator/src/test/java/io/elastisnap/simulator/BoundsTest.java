// Licensed under the Apache License, Version 2.0. See LICENSE in the project root.
package io.elastisnap.simulator;

import org.junit.After;
import org.junit.Test;

import java.time.Duration;
import java.util.Map;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;

import static org.junit.Assert.assertEquals;
import static org.junit.Assert.fail;

/** A long-running simulator forgets old history instead of growing without bound. */
public class BoundsTest {
    private final ScheduledExecutorService timer = Executors.newSingleThreadScheduledExecutor();

    @After
    public void stop() {
        timer.shutdownNow();
    }

    @Test
    public void onlyTheNewestFinishedJobsStayQueryable() throws Exception {
        SimulatedArray array = SimulatedArray.open(null, Duration.ZERO, new Faults(() -> { }), timer);
        synchronized (array) {
            String account = array.defaults().accountId();
            Params params = Params.of("deleteFileSystem", Map.of("id", "gone"));
            String first = array.submitJob(SimulatedArray.DELETE_FILE_SYSTEM, "cmd", params, account).id;
            String last = first;
            for (int i = 0; i < SimulatedArray.FINISHED_JOBS_KEPT; i++) {
                last = array.submitJob(SimulatedArray.DELETE_FILE_SYSTEM, "cmd", params, account).id;
            }
            assertEquals(2, array.requireJob(Params.of("queryAsyncJobResult", Map.of("jobid", last)), "jobid").status);
            try {
                array.requireJob(Params.of("queryAsyncJobResult", Map.of("jobid", first)), "jobid");
                fail("the oldest job should be forgotten");
            } catch (ApiException expected) {
                assertEquals(431, expected.code());
            }
        }
    }

    @Test
    public void theRequestLogKeepsTheNewestEntries() {
        RequestLog log = new RequestLog();
        for (int i = 0; i <= RequestLog.CAPACITY; i++) {
            log.add(new RecordedRequest("c" + i, Map.of()));
        }
        assertEquals(RequestLog.CAPACITY, log.entries().size());
        assertEquals("c1", log.commands().get(0));
        assertEquals(1, log.count("c" + RequestLog.CAPACITY));
    }
}
