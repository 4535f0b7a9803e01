// Licensed under the Apache License, Version 2.0. See LICENSE in the project root.
package io.elastisnap.simulator;

import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import com.google.gson.JsonSyntaxException;
import org.junit.After;
import org.junit.Before;
import org.junit.Test;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpRequest;
import java.net.http.HttpTimeoutException;
import java.time.Duration;
import java.time.Instant;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertFalse;
import static org.junit.Assert.assertNotEquals;
import static org.junit.Assert.assertTrue;
import static org.junit.Assert.fail;

/** Every fault kind is observable by a plain HTTPS client, and clearing restores normal service. */
public class FaultInjectionTest {
    private static final Duration SHORT_TIMEOUT = Duration.ofMillis(500);
    private ElastiCenterSimulator simulator;
    private ApiTestClient api;

    @Before
    public void start() {
        simulator = ElastiCenterSimulator.builder().start();
        api = new ApiTestClient(simulator);
    }

    @After
    public void stop() {
        simulator.close();
    }

    @Test
    public void latencyDelaysTheAnswerPastAShortClientTimeout() throws IOException {
        simulator.faults().inject("listTsm", Fault.latency(Duration.ofSeconds(10)));
        assertThrows(HttpTimeoutException.class, () -> api.callRaw(SHORT_TIMEOUT, "listTsm"));
        simulator.faults().clear();
        assertEquals(200, api.callRaw(SHORT_TIMEOUT.multipliedBy(10), "listTsm").status);
    }

    @Test
    public void latencyStillAnswersNormally() {
        simulator.faults().inject("listTsm", Fault.latency(Duration.ofMillis(50)));
        api.call("listTsm").ok("listTsmResponse");
        assertEquals(1, simulator.faults().firedCount("listTsm"));
    }

    @Test
    public void errorAnswersInTheCommandsEnvelopeWithStatusAndHeader() {
        simulator.faults().inject("listTsm", Fault.error(530, "Injected failure"));
        assertEquals("Injected failure", api.call("listTsm").errorText("listTsmResponse", 530));
    }

    @Test
    public void timesLimitsHowOftenAFaultFires() {
        simulator.faults().inject("listAccount", Fault.error(530, "once").times(1));
        api.call("listAccount").error("listAccountResponse", 530);
        api.call("listAccount").ok("listAccountResponse");
        assertEquals(1, simulator.faults().firedCount("listAccount"));
    }

    @Test
    public void faultsQueueUpPerCommandAndAStarMatchesEveryCommand() {
        simulator.faults().inject("listTsm", Fault.error(530, "first").times(1));
        simulator.faults().inject("listTsm", Fault.error(431, "second").times(1));
        assertEquals("first", api.call("listTsm").errorText("listTsmResponse", 530));
        assertEquals("second", api.call("listTsm").errorText("listTsmResponse", 431));
        simulator.faults().inject(Faults.ANY_COMMAND, Fault.error(530, "everything"));
        api.call("listCapabilities").error("listcapabilitiesresponse", 530);
        simulator.faults().clear(Faults.ANY_COMMAND);
        api.call("listCapabilities").ok("listcapabilitiesresponse");
    }

    @Test
    public void hangNeverAnswersSoTheClientTimesOut() throws IOException {
        simulator.faults().inject("listAccount", Fault.hang().times(1));
        assertThrows(HttpTimeoutException.class, () -> api.callRaw(SHORT_TIMEOUT, "listAccount"));
        assertEquals("the next call is served", 200, api.callRaw(ApiTestClient.DEFAULT_TIMEOUT, "listAccount").status);
    }

    @Test
    public void clearingAHangReleasesTheHeldConnection() throws Exception {
        simulator.faults().inject("listAccount", Fault.hang());
        CompletableFuture<ApiTestClient.Response> hanging = CompletableFuture.supplyAsync(() -> {
            try {
                return api.callRaw(Duration.ofSeconds(30), "listAccount");
            } catch (IOException e) {
                throw new java.io.UncheckedIOException(e);
            }
        });
        awaitFired("listAccount");
        assertFalse(hanging.isDone());
        simulator.faults().clear();
        // The held connection is closed without an answer; the JDK client may then retry the GET, which is served.
        Object outcome = hanging.handle((response, failure) -> failure != null ? failure.getCause() : response.status)
                .get(10, TimeUnit.SECONDS);
        assertTrue("closed or served after the release, not timed out: " + outcome,
                Integer.valueOf(200).equals(outcome)
                        || (outcome instanceof IOException && !(outcome instanceof HttpTimeoutException)));
    }

    @Test
    public void connectionResetFailsTheCallWithoutSideEffects() {
        SimVolume volume = simulator.provisionVolume("resetvol", SizeUnits.GIB);
        // Unlimited, because the JDK client retries a GET once after a reset.
        simulator.faults().inject("createStorageSnapshot", Fault.connectionReset());
        try {
            api.send(snapshotRequest(volume.id(), "lost"));
            fail("expected the connection to be reset");
        } catch (IOException expected) {
            assertFalse(expected instanceof HttpTimeoutException);
        }
        assertTrue(simulator.snapshotPaths(volume.id()).isEmpty());
        assertTrue("the request itself was received", simulator.requestLog().count("createStorageSnapshot") >= 1);
    }

    @Test
    public void malformedJsonIs200WithABodyNoParserAccepts() {
        SimVolume volume = simulator.provisionVolume("malvol", SizeUnits.GIB);
        simulator.faults().inject("createStorageSnapshot", Fault.malformedJson());
        ApiTestClient.Response response = api.call("createStorageSnapshot", "id", volume.id(), "name", "s");
        assertEquals(200, response.status);
        assertThrows(JsonSyntaxException.class, () -> JsonParser.parseString(response.body));
        assertEquals("the command ran; only its answer is spoiled", 1, simulator.snapshotPaths(volume.id()).size());
    }

    @Test
    public void truncatedJsonIsAStrictPrefixOfTheRealAnswer() {
        simulator.faults().inject("listTsm", Fault.truncatedJson().times(1));
        ApiTestClient.Response cut = api.call("listTsm");
        assertEquals(200, cut.status);
        assertEquals(String.valueOf(cut.body.length()), cut.header("Content-Length"));
        assertThrows(JsonSyntaxException.class, () -> JsonParser.parseString(cut.body));
        String whole = api.call("listTsm").body;
        assertTrue(whole.startsWith(cut.body));
        assertNotEquals(whole, cut.body);
    }

    @Test
    public void jobStaysPendingOnTheAsyncCommandHoldsItsJobsUntilCleared() {
        SimDefaults defaults = simulator.defaults();
        simulator.faults().inject("createVolume", Fault.jobStaysPending());
        String jobId = ApiFlows.submitCreateVolume(api, defaults, "held", "1G");
        for (int poll = 0; poll < 3; poll++) {
            assertEquals(0, ApiFlows.queryJob(api, jobId).get("jobstatus").getAsInt());
        }
        simulator.faults().clear();
        assertEquals(1, ApiFlows.queryJob(api, jobId).get("jobstatus").getAsInt());
    }

    @Test
    public void jobStaysPendingOnQueryAsyncJobResultMakesPollsPending() {
        simulator.faults().inject("queryAsyncJobResult", Fault.jobStaysPending().times(2));
        String jobId = ApiFlows.submitCreateVolume(api, simulator.defaults(), "polled", "1G");
        assertEquals(0, ApiFlows.queryJob(api, jobId).get("jobstatus").getAsInt());
        assertEquals(0, ApiFlows.queryJob(api, jobId).get("jobstatus").getAsInt());
        assertEquals(1, ApiFlows.queryJob(api, jobId).get("jobstatus").getAsInt());
    }

    @Test
    public void adminEndpointInjectsListsAndClearsFaults() throws IOException {
        ApiTestClient.Response injected = admin("POST", "/admin/faults",
                "{\"command\":\"listTsm\",\"fault\":\"error\",\"code\":530,\"text\":\"via admin\",\"times\":1}");
        assertEquals(201, injected.status);
        assertTrue(injected.body.contains("via admin"));
        assertEquals("via admin", api.call("listTsm").errorText("listTsmResponse", 530));

        admin("POST", "/admin/faults", "{\"command\":\"listAccount\",\"fault\":\"connectionReset\"}");
        assertTrue(admin("GET", "/admin/faults", null).body.contains("CONNECTION_RESET"));
        assertEquals(200, admin("DELETE", "/admin/faults", null).status);
        assertTrue(simulator.faults().active().isEmpty());
        api.call("listAccount").ok("listAccountResponse");
    }

    @Test
    public void adminEndpointRefusesWrongKeysAndBadFaults() throws IOException {
        ApiTestClient.Response unauthorized = api.send(HttpRequest.newBuilder(
                URI.create(simulator.baseUrl() + "/admin/faults")).header("X-Api-Key", "wrong").GET().build());
        assertEquals(401, unauthorized.status);
        assertEquals(400, admin("POST", "/admin/faults", "{\"command\":\"listTsm\",\"fault\":\"explode\"}").status);
        assertEquals(400, admin("POST", "/admin/faults", "{\"fault\":\"hang\"}").status);
        assertEquals(404, admin("GET", "/admin/nothing", null).status);
    }

    @Test
    public void adminEndpointShowsRequestsDefaultsAndProvisionsVolumes() throws IOException {
        api.call("listTsm");
        JsonObject requests = JsonParser.parseString(admin("GET", "/admin/requests", null).body).getAsJsonObject();
        assertEquals("listTsm", requests.getAsJsonArray("requests").get(0).getAsJsonObject()
                .get("command").getAsString());
        JsonObject defaults = JsonParser.parseString(admin("GET", "/admin/defaults", null).body).getAsJsonObject();
        assertEquals(simulator.defaults().tsmId(), defaults.get("tsmId").getAsString());
        ApiTestClient.Response created = admin("POST", "/admin/volumes", "{\"name\":\"adminvol\",\"size\":\"2G\"}");
        assertEquals(201, created.status);
        String id = JsonParser.parseString(created.body).getAsJsonObject().get("id").getAsString();
        assertEquals(2 * SizeUnits.GIB, simulator.volume(id).orElseThrow().sizeBytes());
    }

    private ApiTestClient.Response admin(String method, String path, String body) throws IOException {
        HttpRequest.BodyPublisher publisher = body == null ? HttpRequest.BodyPublishers.noBody()
                : HttpRequest.BodyPublishers.ofString(body);
        return api.send(HttpRequest.newBuilder(URI.create(simulator.baseUrl() + path))
                .header("X-Api-Key", simulator.apiKey()).header("Content-Type", "application/json")
                .method(method, publisher).timeout(ApiTestClient.DEFAULT_TIMEOUT).build());
    }

    private HttpRequest snapshotRequest(String volumeId, String name) {
        return HttpRequest.newBuilder(URI.create(simulator.baseUrl() + "/client/api?command=createStorageSnapshot"
                + "&response=json&apiKey=" + ApiTestClient.encode(simulator.apiKey()) + "&id=" + volumeId
                + "&name=" + name)).timeout(ApiTestClient.DEFAULT_TIMEOUT).GET().build();
    }

    private void awaitFired(String command) {
        Instant deadline = Instant.now().plusSeconds(10);
        while (simulator.faults().firedCount(command) == 0) {
            if (Instant.now().isAfter(deadline)) {
                fail("fault for " + command + " never fired");
            }
            ApiFlows.sleep(Duration.ofMillis(10));
        }
    }

    interface Call {
        void run() throws Exception;
    }

    static void assertThrows(Class<? extends Throwable> expected, Call call) {
        try {
            call.run();
        } catch (Throwable actual) {
            assertTrue("expected " + expected.getSimpleName() + " but got " + actual, expected.isInstance(actual));
            return;
        }
        fail("expected " + expected.getSimpleName());
    }
}
