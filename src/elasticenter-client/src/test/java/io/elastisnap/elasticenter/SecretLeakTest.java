// Licensed under the Apache License, Version 2.0. See LICENSE in the project root.
package io.elastisnap.elasticenter;

import com.google.gson.Gson;
import io.elastisnap.simulator.ElastiCenterSimulator;
import io.elastisnap.simulator.Fault;
import io.elastisnap.simulator.SimVolume;
import org.apache.logging.log4j.Level;
import org.junit.Rule;
import org.junit.Test;
import org.junit.rules.Timeout;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.ObjectOutputStream;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.function.Supplier;

import static org.junit.Assert.assertFalse;
import static org.junit.Assert.assertTrue;

/**
 * A full run with every log line of the JVM captured at TRACE (ours, HttpClient's via commons-logging, the
 * simulator's), successes and every kind of failure: neither the API key nor a CHAP secret (sent by
 * addiSCSIAuthGroup, answered in clear by listiSCSIAuthUser) appears in a log line, an exception message, a stack
 * trace or serialized exception, or a toString.
 */
public class SecretLeakTest {
    private static final long GIB = StorageSize.GIB;

    @Rule
    public final Timeout timeout = Timeout.seconds(90);

    private final String key = "LeakCanary_" + UUID.randomUUID().toString().replace("-", "");
    private final String wrongKey = "WrongCanary_" + UUID.randomUUID().toString().replace("-", "");
    private final String chapSecret = "ChapCanary_" + UUID.randomUUID().toString().replace("-", "").substring(0, 20);
    private final List<Object> witnesses = new ArrayList<>();

    @Test
    public void theKeyNeverAppearsInLogsExceptionsOrToString() throws Exception {
        List<String> lines;
        try (LogCapture logs = LogCapture.at(Level.TRACE);
             ElastiCenterSimulator sim = ElastiCenterSimulator.builder().apiKey(key).start()) {
            ElastiCenterConfig config = ElastiCenterConfig.builder(sim.baseUrl(), Secret.of(key))
                    .trust(TlsTrust.pinnedSha256(sim.certificateSha256()))
                    .connectTimeout(Duration.ofMillis(500)).readTimeout(Duration.ofMillis(700))
                    .connectionRequestTimeout(Duration.ofMillis(500)).readRetries(1)
                    .jobPolling(Duration.ofMillis(5), Duration.ofMillis(20), Duration.ofMillis(300)).build();
            witnesses.add(config);
            witnesses.add(config.apiKey());
            try (ElastiCenterClient client = new ElastiCenterClient(config)) {
                witnesses.add(client);
                exerciseEverything(sim, client);
                provokeEveryFailure(sim, client);
            }
            failWithOtherTrustAndKeys(sim);
            failOnAnswersThatEchoTheKey();
            lines = logs.lines();
        }

        assertTrue("the capture saw our DEBUG lines with the masked URL",
                lines.stream().anyMatch(l -> l.contains("&apiKey=****&response=json")));
        assertTrue("the capture saw the auth user's answer body, masked",
                lines.stream().anyMatch(l -> l.contains("answer body of listiSCSIAuthUser")
                        && l.matches("(?s).*\"chappassword\"\\s*:\\s*\"\\*\\*\\*\\*\".*")));
        assertTrue("the capture saw HttpClient's own logging",
                lines.stream().anyMatch(l -> l.contains(" org.apache.http.")));
        assertTrue("the capture saw failures", lines.stream().anyMatch(l -> l.startsWith("WARN ")));
        for (String line : lines) {
            assertNoKey("log line", line);
        }
        for (Object witness : witnesses) {
            assertNoKey("toString of " + witness.getClass().getSimpleName(), String.valueOf(witness));
            if (witness instanceof Throwable) {
                assertExceptionClean((Throwable) witness);
            }
        }
        assertNoKey("Gson of a Secret", new Gson().toJson(Secret.of(key)));
    }

    private void exerciseEverything(ElastiCenterSimulator sim, ElastiCenterClient client) {
        client.listCapabilities();
        client.listAccounts();
        client.listTsms(sim.defaults().accountId());
        QosGroup qos = client.addQosGroup(AddQosGroupRequest.builder("QoS_leak", sim.defaults().tsmId(), 100).build());
        client.updateQosGroup(qos.id(), 200);
        CreateVolumeRequest create = CreateVolumeRequest.builder("leakvol", GIB)
                .tsm(sim.defaults().tsmId(), sim.defaults().tsmDatasetId()).qosGroupId(qos.id()).build();
        witnesses.add(create);
        CreatedVolume volume = client.createVolume(create);
        client.listFileSystems(null);
        client.updateFileSystem(volume.id(), UpdateFileSystemRequest.builder().sizeBytes(2 * GIB).build());
        IscsiService service = client.listVolumeIscsiServices(volume.id()).get(0);
        client.updateVolumeIscsiService(service.id(), client.listIscsiInitiators(sim.defaults().accountId()).get(0)
                .id());
        IscsiAuthGroup chapGroup = client.addIscsiAuthGroup(sim.defaults().accountId(), "leakgroup", "leakuser",
                Secret.of(chapSecret));
        witnesses.add(chapGroup);
        client.listIscsiAuthGroups(sim.defaults().accountId());
        IscsiAuthUser user = client.listIscsiAuthUsers(sim.defaults().accountId(), chapGroup.id()).get(0);
        assertTrue("the listing did answer the secret", user.chapSecret().reveal().equals(chapSecret));
        witnesses.add(user);
        witnesses.add(client.updateVolumeIscsiService(service.id(), client.listIscsiInitiators(
                sim.defaults().accountId()).get(0).id(), chapGroup.id()));
        expectFailure(() -> client.addIscsiAuthGroup(sim.defaults().accountId(), "leakgroup", "leakuser",
                Secret.of(chapSecret)));
        client.createStorageSnapshot(volume.id(), "s1");
        client.createStorageSnapshot(volume.id(), "s2");
        String s1 = volume.snapshotPath("s1");
        FileSystem clone = client.cloneDatasetSnapshot(volume.id(), s1, "leakclone");
        client.deleteFileSystem(clone.id(), false);
        client.rollbackToSnapshot(volume.id(), s1);
        client.deleteSnapshot(volume.id(), s1);
        client.deleteFileSystem(volume.id(), true);
        witnesses.add(ApiRequest.to(ApiCommand.LIST_TSM).param("accountid", "a").build());
    }

    private void provokeEveryFailure(ElastiCenterSimulator sim, ElastiCenterClient client) {
        SimVolume volume = sim.provisionVolume("leakfaults", GIB);
        sim.faults().inject("listTsm", Fault.error(530, "server says no"));
        expectFailure(() -> client.listTsms(null));
        sim.faults().inject("listAccount", Fault.connectionReset());
        expectFailure(client::listAccounts);
        sim.faults().inject("listFileSystem", Fault.hang());
        expectFailure(() -> client.listFileSystems(null));
        sim.faults().inject("listCapabilities", Fault.latency(Duration.ofSeconds(2)));
        expectFailure(client::listCapabilities);
        sim.faults().inject("listStorageSnapshots", Fault.malformedJson());
        expectFailure(() -> client.listStorageSnapshots(volume.id()));
        sim.faults().inject("createStorageSnapshot", Fault.truncatedJson());
        expectFailure(() -> client.createStorageSnapshot(volume.id(), "t"));
        sim.faults().inject("deleteFileSystem", Fault.jobStaysPending());
        expectFailure(() -> client.deleteFileSystem(volume.id(), false));
        expectFailure(() -> client.deleteSnapshot(volume.id(), volume.zfsPath() + "@missing"));
        expectFailure(() -> client.createStorageSnapshot(volume.id(), "bad\u0001name"));
        sim.faults().clear();
    }

    private void failWithOtherTrustAndKeys(ElastiCenterSimulator sim) {
        try (ElastiCenterClient wrong = new ElastiCenterClient(ElastiCenterConfig.builder(sim.baseUrl(),
                Secret.of(wrongKey)).trust(TlsTrust.pinnedSha256(sim.certificateSha256())).build())) {
            expectFailure(wrong::listAccounts);
        }
        try (ElastiCenterClient untrusting = new ElastiCenterClient(ElastiCenterConfig.builder(sim.baseUrl(),
                Secret.of(key)).build())) {
            expectFailure(untrusting::listAccounts);
        }
        try (ElastiCenterClient insecure = new ElastiCenterClient(ElastiCenterConfig.builder(sim.baseUrl(),
                Secret.of(key)).trust(TlsTrust.insecure()).build())) {
            insecure.listAccounts();
        }
        expectFailure(() -> ElastiCenterConfig.builder(java.net.URI.create(sim.baseUrl() + "/client/api?apiKey="
                + key), Secret.of(key)));
    }

    /** A server that echoes the request URL in its error texts and headers must not make us repeat the key. */
    private void failOnAnswersThatEchoTheKey() throws IOException {
        try (CannedServer server = CannedServer.start();
             ElastiCenterClient client = new ElastiCenterClient(server.config(key).build())) {
            String echo = "bad request /client/api?command=listTsm&apiKey=" + key + "&response=json";
            server.answer("listTsm", 530, "{ \"listTsmResponse\" : { \"errorcode\": 530, \"errortext\": \""
                    + echo + "\" } }");
            server.answer("listAccount", CannedServer.Canned.json(431, "not json").header("X-Description", echo));
            server.answer("createVolume", 200, "{ \"createvolumeresponse\" : { \"jobid\": \"j\" } }");
            server.answer("queryAsyncJobResult", 200, "{ \"queryasyncjobresultresponse\" : { \"jobstatus\": 2,"
                    + " \"jobresult\": { \"errorcode\": 530, \"errortext\": \"" + echo + "\" } } }");
            // an appliance echoing a bad CHAP secret in its error text
            server.answer("addiSCSIAuthGroup", 431, "{ \"tsmiSCSIAuthGroupResponse\" : { \"errorcode\": 431, \"errortext\":"
                    + " \"Invalid parameter chappassword value=" + chapSecret + "\" } }");
            expectFailure(() -> client.addIscsiAuthGroup("acc", "g", "u", Secret.of(chapSecret)));
            expectFailure(() -> client.listTsms(null));
            expectFailure(client::listAccounts);
            expectFailure(() -> client.createVolume(CreateVolumeRequest.builder("v", GIB).tsm("t", "d")
                    .qosGroupId("q").build()));
        }
    }

    private void expectFailure(Runnable call) {
        try {
            call.run();
        } catch (RuntimeException e) {
            witnesses.add(e);
            return;
        }
        throw new AssertionError("the call was expected to fail");
    }

    private void assertExceptionClean(Throwable e) throws IOException {
        StringWriter trace = new StringWriter();
        e.printStackTrace(new PrintWriter(trace));
        assertNoKey("stack trace", trace.toString());
        if (e instanceof ElastiCenterException) {
            assertNoKey("errorText", ((ElastiCenterException) e).errorText());
        }
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        try (ObjectOutputStream out = new ObjectOutputStream(bytes)) {
            out.writeObject(e);
        }
        assertNoKey("serialized " + e.getClass().getSimpleName(), new String(bytes.toByteArray(),
                StandardCharsets.ISO_8859_1));
    }

    private void assertNoKey(String where, String text) {
        Supplier<String> excerpt = () -> where + ": " + text.substring(0, Math.min(text.length(), 2000));
        assertFalse(excerpt.get(), text.contains(key));
        assertFalse(excerpt.get(), text.contains(wrongKey));
        assertFalse(excerpt.get(), text.contains(chapSecret));
    }
}
