// Licensed under the Apache License, Version 2.0. See LICENSE in the project root.
package io.elastisnap.elasticenter;

import io.elastisnap.simulator.Fault;
import io.elastisnap.simulator.SimVolume;
import org.junit.Test;

import java.net.ServerSocket;
import java.net.URI;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicReference;

import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertFalse;
import static org.junit.Assert.assertThrows;
import static org.junit.Assert.assertTrue;

/**
 * Every fault the simulator can inject ends in the right typed error, within bounds set by short client timeouts
 * (the JUnit timeout of the base class is the generous outer bound). Reads are retried, mutations never.
 */
public class FaultInjectionTest extends SimulatorTestBase {

    /** 500 ms timeouts, one read retry. */
    private static ElastiCenterClient impatientClient() {
        return new ElastiCenterClient(config().connectTimeout(Duration.ofMillis(500))
                .readTimeout(Duration.ofMillis(500)).connectionRequestTimeout(Duration.ofMillis(500))
                .readRetries(1).build());
    }

    @Test
    public void latencyBeyondTheReadTimeoutIsATimeoutAndReadsAreRetried() {
        sim.faults().inject("listTsm", Fault.latency(Duration.ofSeconds(3)));
        int before = sim.requestLog().count("listTsm");
        try (ElastiCenterClient impatient = impatientClient()) {

            ElastiCenterTimeoutException e = assertThrows(ElastiCenterTimeoutException.class,
                    () -> impatient.listTsms(null));

            assertEquals("listTsm", e.command());
            assertEquals(0, e.httpStatus());
            assertFalse("a read changes nothing", e.outcomeUnknown());
            assertEquals("first attempt and one retry", 2, sim.requestLog().count("listTsm") - before);
        }
    }

    @Test
    public void latencyOnAMutationIsATimeoutWithUnknownOutcomeAndNoRetry() {
        SimVolume volume = newVolume();
        sim.faults().inject("createStorageSnapshot", Fault.latency(Duration.ofSeconds(2)));
        try (ElastiCenterClient impatient = impatientClient()) {

            ElastiCenterTimeoutException e = assertThrows(ElastiCenterTimeoutException.class,
                    () -> impatient.createStorageSnapshot(volume.id(), "slow"));

            assertTrue(e.outcomeUnknown());
            assertTrue(e.getMessage().contains("may have carried it out"));
            assertEquals(1, sim.requestLog().of("createStorageSnapshot").stream()
                    .filter(r -> volume.id().equals(r.parameter("id"))).count());
        }
    }

    @Test
    public void hangIsATimeoutForReadsAndMutations() {
        SimVolume volume = newVolume();
        sim.faults().inject("listFileSystem", Fault.hang());
        sim.faults().inject("deleteSnapshot", Fault.hang());
        try (ElastiCenterClient impatient = impatientClient()) {
            assertThrows(ElastiCenterTimeoutException.class, () -> impatient.findFileSystem(volume.id()));
            ElastiCenterTimeoutException mutation = assertThrows(ElastiCenterTimeoutException.class,
                    () -> impatient.deleteSnapshot(volume.id(), volume.zfsPath() + "@x"));
            assertTrue(mutation.outcomeUnknown());
        }
    }

    @Test
    public void injectedErrorCodesAndTextsMapToTypes() {
        SimVolume volume = newVolume();
        sim.faults().inject("listAccount", Fault.error(530, "Internal failure on the controller"));
        sim.faults().inject("listTsm", Fault.error(401, "unable to verify user credentials and/or request signature"));
        sim.faults().inject("addQosGroup", Fault.error(431,
                "Unable to execute API command addqosgroup due to missing parameter tsmid."));
        sim.faults().inject("listStorageSnapshots", Fault.error(431, "could not find any snapshots"));
        sim.faults().inject("createStorageSnapshot", Fault.error(431, "Unable to execute API command"
                + " createstoragesnapshot due to invalid value."));

        ElastiCenterServerException server = assertThrows(ElastiCenterServerException.class,
                () -> client.listAccounts());
        assertEquals(530, server.httpStatus());
        assertEquals(530, server.errorCode());
        assertEquals("Internal failure on the controller", server.errorText());
        assertEquals("listAccount", server.command());
        assertThrows(ElastiCenterAuthException.class, () -> client.listTsms(null));
        ElastiCenterMissingParameterException missing = assertThrows(ElastiCenterMissingParameterException.class,
                () -> client.addQosGroup(AddQosGroupRequest.builder("q", "t", 1).build()));
        assertEquals(431, missing.errorCode());
        assertThrows(ElastiCenterNotFoundException.class, () -> client.listStorageSnapshots(volume.id()));
        assertThrows(ElastiCenterBadRequestException.class, () -> client.createStorageSnapshot(volume.id(), "s"));
    }

    @Test
    public void gatewayErrorsAreRetriedForReadsOnly() {
        SimVolume volume = newVolume();
        sim.faults().inject("listFileSystem", Fault.error(503, "busy").times(1));
        sim.faults().inject("createStorageSnapshot", Fault.error(503, "busy").times(1));

        assertTrue("the retry succeeds", client.findFileSystem(volume.id()).isPresent());
        ElastiCenterServerException e = assertThrows(ElastiCenterServerException.class,
                () -> client.createStorageSnapshot(volume.id(), "once"));
        assertEquals(503, e.httpStatus());
        assertTrue("never retried", sim.snapshotPaths(volume.id()).isEmpty());
    }

    @Test
    public void connectionResetIsRetriedForReads() {
        SimVolume volume = newVolume();
        sim.faults().inject("listFileSystem", Fault.connectionReset().times(1));

        assertEquals(volume.id(), client.findFileSystem(volume.id()).orElseThrow().id());
        assertEquals(1, sim.faults().firedCount("listFileSystem"));
    }

    @Test
    public void persistentConnectionResetIsAConnectionError() {
        sim.faults().inject("listAccount", Fault.connectionReset());

        ElastiCenterConnectionException e = assertThrows(ElastiCenterConnectionException.class,
                () -> client.listAccounts());

        assertEquals("listAccount", e.command());
        assertEquals("two retries after the first attempt", 3, sim.faults().firedCount("listAccount"));
    }

    @Test
    public void connectionResetOnAMutationIsNotRetried() {
        SimVolume volume = newVolume();
        sim.faults().inject("createStorageSnapshot", Fault.connectionReset());

        ElastiCenterConnectionException e = assertThrows(ElastiCenterConnectionException.class,
                () -> client.createStorageSnapshot(volume.id(), "reset"));

        assertTrue(e.outcomeUnknown());
        assertEquals(1, sim.faults().firedCount("createStorageSnapshot"));
    }

    @Test
    public void malformedJsonIsAProtocolErrorAndNotRetried() {
        sim.faults().inject("listTsm", Fault.malformedJson());

        ElastiCenterProtocolException e = assertThrows(ElastiCenterProtocolException.class,
                () -> client.listTsms(null));

        assertEquals(200, e.httpStatus());
        assertTrue(e.getMessage(), e.getMessage().contains("invalid JSON"));
        assertEquals(1, sim.faults().firedCount("listTsm"));
    }

    @Test
    public void truncatedJsonOfAMutationIsAProtocolErrorWithUnknownOutcome() {
        SimVolume volume = newVolume();
        sim.faults().inject("createStorageSnapshot", Fault.truncatedJson());

        ElastiCenterProtocolException e = assertThrows(ElastiCenterProtocolException.class,
                () -> client.createStorageSnapshot(volume.id(), "half"));

        assertTrue(e.outcomeUnknown());
        assertEquals("the simulator did create it", 1, sim.snapshotPaths(volume.id()).size());
    }

    @Test
    public void createVolumeJobPendingPastTheDeadlineIsATimeoutNamingJobAndCommand() {
        sim.faults().inject("createVolume", Fault.jobStaysPending());
        QosGroup qos = client.addQosGroup(AddQosGroupRequest.builder(uniqueName("QoS_"), sim.defaults().tsmId(), 10)
                .build());
        try (ElastiCenterClient impatient = new ElastiCenterClient(config().jobPolling(Duration.ofMillis(10),
                Duration.ofMillis(40), Duration.ofMillis(300)).build())) {

            ElastiCenterTimeoutException e = assertThrows(ElastiCenterTimeoutException.class,
                    () -> impatient.createVolume(CreateVolumeRequest.builder(uniqueName("vol"), GIB)
                            .tsm(sim.defaults().tsmId(), sim.defaults().tsmDatasetId()).qosGroupId(qos.id())
                            .build()));

            assertEquals("createVolume", e.command());
            assertTrue(e.getMessage(), e.getMessage().contains("job " + e.jobId().orElseThrow()));
            assertTrue(e.outcomeUnknown());
        }
    }

    @Test
    public void wrongApiKeyIsAnAuthErrorAndNotRetried() {
        int before = sim.requestLog().count("listCapabilities");
        try (ElastiCenterClient wrongKey = new ElastiCenterClient(ElastiCenterConfig.builder(sim.baseUrl(),
                Secret.of("not-the-key")).trust(TlsTrust.pinnedSha256(sim.certificateSha256())).build())) {

            ElastiCenterAuthException e = assertThrows(ElastiCenterAuthException.class,
                    wrongKey::listCapabilities);

            assertEquals(401, e.httpStatus());
            assertEquals("unable to verify user credentials and/or request signature", e.errorText());
            assertEquals(1, sim.requestLog().count("listCapabilities") - before);
        }
    }

    @Test
    public void refusedConnectionIsAConnectionError() throws Exception {
        int closedPort;
        try (ServerSocket socket = new ServerSocket(0)) {
            closedPort = socket.getLocalPort();
        }
        try (ElastiCenterClient nowhere = new ElastiCenterClient(ElastiCenterConfig.builder(
                URI.create("https://127.0.0.1:" + closedPort), Secret.of("k")).readRetries(0).build())) {

            ElastiCenterConnectionException e = assertThrows(ElastiCenterConnectionException.class,
                    nowhere::listCapabilities);

            assertTrue(e.getMessage(), e.getMessage().contains("refused"));
            assertFalse(e.outcomeUnknown());
        }
    }

    @Test
    public void losingTheJobWhilePollingKeepsTheErrorTypeAndNamesTheJob() {
        sim.faults().inject("queryAsyncJobResult", Fault.connectionReset());
        QosGroup qos = client.addQosGroup(AddQosGroupRequest.builder(uniqueName("QoS_"), sim.defaults().tsmId(), 10)
                .build());

        ElastiCenterConnectionException e = assertThrows(ElastiCenterConnectionException.class,
                () -> client.createVolume(CreateVolumeRequest.builder(uniqueName("vol"), GIB)
                        .tsm(sim.defaults().tsmId(), sim.defaults().tsmDatasetId()).qosGroupId(qos.id()).build()));

        assertEquals("createVolume", e.command());
        assertTrue(e.jobId().isPresent());
        assertTrue(e.getMessage(), e.getMessage().contains("lost track of job " + e.jobId().get()));
        assertTrue(e.outcomeUnknown());
    }

    @Test
    public void interruptingAJobWaitEndsItAndKeepsTheInterruptFlag() throws Exception {
        SimVolume volume = newVolume();
        sim.faults().inject("deleteFileSystem", Fault.jobStaysPending());
        AtomicReference<RuntimeException> failure = new AtomicReference<>();
        AtomicBoolean stillInterrupted = new AtomicBoolean();
        int pollsBefore = sim.requestLog().count("queryAsyncJobResult");
        Thread waiter = new Thread(() -> {
            try {
                client.deleteFileSystem(volume.id(), false);
            } catch (RuntimeException e) {
                failure.set(e);
                stillInterrupted.set(Thread.currentThread().isInterrupted());
            }
        });
        waiter.start();
        // Interrupt once the waiter is inside the polling loop (it has polled at least once).
        long giveUp = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        while (sim.requestLog().count("queryAsyncJobResult") == pollsBefore && System.nanoTime() < giveUp) {
            Thread.sleep(5);
        }
        waiter.interrupt();
        waiter.join(10_000);

        ElastiCenterException e = (ElastiCenterException) failure.get();
        assertTrue(e.getMessage(), e.getMessage().contains("interrupted"));
        assertTrue(e.jobId().isPresent());
        assertTrue(e.outcomeUnknown());
        assertTrue(stillInterrupted.get());
    }
}
