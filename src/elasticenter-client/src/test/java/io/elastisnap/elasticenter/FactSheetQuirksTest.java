// Licensed under the Apache License, Version 2.0. See LICENSE in the project root.
package io.elastisnap.elasticenter;

import io.elastisnap.elasticenter.CannedServer.Canned;
import org.junit.After;
import org.junit.Before;
import org.junit.Rule;
import org.junit.Test;
import org.junit.rules.Timeout;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.LocalDateTime;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;

import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertFalse;
import static org.junit.Assert.assertThrows;
import static org.junit.Assert.assertTrue;

/**
 * The fact sheet's quirks that the simulator does not produce, tested against canned answers: the real answers
 * verbatim (test resources {@code factsheet/}) and variations of them.
 */
public class FactSheetQuirksTest {
    private static final String KEY = "2jLQePg1fSMx4QXwQedR5Xkrm_yphF1Hk_63kpOfwjvAeX7YQHoajevA";
    private static final long MIB = StorageSize.MIB;
    private static final long GIB = StorageSize.GIB;
    private static final String L1_VOLUME = "1d7703cd-bef9-311d-a13a-85caccce891a";

    @Rule
    public final Timeout timeout = Timeout.seconds(30);

    private CannedServer server;
    private ElastiCenterClient client;

    @Before
    public void start() throws IOException {
        server = CannedServer.start();
        client = new ElastiCenterClient(server.config(KEY).readRetries(1).build());
    }

    @After
    public void stop() {
        client.close();
        server.close();
    }

    static String sample(String name) {
        try (InputStream in = FactSheetQuirksTest.class.getResourceAsStream("/factsheet/" + name)) {
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    @Test
    public void sampleL1IsReadWithItsMixedTypesAndCapitalTsmid() {
        server.answer("listFileSystem", 200, sample("L1-listFileSystem.json"));

        FileSystem volume = client.findFileSystem(L1_VOLUME).orElseThrow();

        assertEquals("iscsivol1", volume.name());
        assertEquals("e6bb0480-1aab-36dd-a754-f55ec46ffbf3", volume.tsmId().orElseThrow());
        assertEquals("iqn.2016-11.Account1.vsm1:Account1iscsivol1", volume.iqn().orElseThrow());
        assertEquals("10.10.83.41", volume.ipAddress().orElseThrow());
        assertEquals("d679d0dd-e83b-36bd-b282-33711a5eb848", volume.qosGroupId().orElseThrow());
        assertEquals("ALL", volume.initiatorGroup().orElseThrow());
        assertEquals("quota \"10G\"", 10 * GIB, volume.quotaBytes().orElseThrow());
        assertEquals("currentTotalSpace in MiB", 10240 * MIB, volume.totalSpaceBytes().orElseThrow());
        assertEquals("\"iops\": \"10\"", 10, volume.iops().orElseThrow());
        assertEquals(Boolean.FALSE, volume.readOnly().orElseThrow());
        assertEquals(Boolean.TRUE, volume.iscsiEnabled().orElseThrow());
        assertEquals("string boolean", Boolean.TRUE, volume.record().bool("volumeaccessible").orElseThrow());
        assertEquals("string boolean", Boolean.FALSE, volume.record().bool("tsmcontrolgrace").orElseThrow());
        assertEquals(32 * 1024, volume.record().sizeBytes("recordsize").orElseThrow());
    }

    @Test
    public void numbersAndBooleansReadTheSameAsStringsOrAsJson() {
        String flipped = sample("L1-listFileSystem.json")
                .replace("\"iops\": \"10\"", "\"iops\": 10")
                .replace("\"readonly\": false", "\"readonly\": \"false\"")
                .replace("\"iscsienabled\": true", "\"iscsienabled\": \"TRUE\"")
                .replace("\"currentTotalSpace\": 10240", "\"currentTotalSpace\": \"10240\"")
                .replace("\"latency\": \"15\"", "\"latency\": 15.0")
                .replace("\"Tsmid\"", "\"tsmid\"");
        server.answer("listFileSystem", 200, flipped);

        FileSystem volume = client.findFileSystem(L1_VOLUME).orElseThrow();

        assertEquals(10, volume.iops().orElseThrow());
        assertEquals(Boolean.FALSE, volume.readOnly().orElseThrow());
        assertEquals(Boolean.TRUE, volume.iscsiEnabled().orElseThrow());
        assertEquals(10240 * MIB, volume.totalSpaceBytes().orElseThrow());
        assertEquals(15, volume.record().integer("latency").orElseThrow());
        assertEquals("tsmid in either casing", "e6bb0480-1aab-36dd-a754-f55ec46ffbf3", volume.tsmId().orElseThrow());
    }

    @Test
    public void sizeUnitsOfQuotaAndTheNumericQuotaFallback() {
        String body = "{ \"listFilesystemResponse\" : { \"count\": 4, \"filesystem\" : ["
                + "{\"id\": \"a\", \"name\": \"a\", \"quota\": \"1T\"},"
                + "{\"id\": \"b\", \"name\": \"b\", \"quota\": \"93697M\"},"
                + "{\"id\": \"c\", \"name\": \"c\", \"quota\": \"nullG\", \"numericquota\": 10240.0},"
                + "{\"id\": \"d\", \"name\": \"d\"} ] } }";
        server.answer("listFileSystem", 200, body);

        List<FileSystem> volumes = client.listFileSystems(null);

        assertEquals(1024 * GIB, volumes.get(0).quotaBytes().orElseThrow());
        assertEquals(93697 * MIB, volumes.get(1).quotaBytes().orElseThrow());
        assertEquals("unparsable quota falls back to numericquota MiB", 10 * GIB,
                volumes.get(2).quotaBytes().orElseThrow());
        assertTrue("never trust a field to be present", volumes.get(3).quotaBytes().isEmpty());
    }

    @Test
    public void emptyListWrappersHaveNeitherArrayNorCount() {
        server.answer("listFileSystem", 200, sample("L1-listFileSystem-empty.json"));
        server.answer("listTsm", 200, "{ \"listTsmResponse\" : {} }");
        server.answer("listStorageSnapshots", 200, "{ \"listDatasetSnapshotsResponse\" : {} }");
        server.answer("listAccount", 200, "{ \"listAccountResponse\" : { \"count\": 0, \"account\": [] } }");

        assertTrue(client.listFileSystems(null).isEmpty());
        assertTrue(client.findFileSystem("unknown").isEmpty());
        assertTrue(client.listTsms(null).isEmpty());
        assertTrue(client.findTsm("unknown").isEmpty());
        assertTrue(client.listStorageSnapshots("v").isEmpty());
        assertTrue(client.listAccounts().isEmpty());
    }

    @Test
    public void aSingleObjectWhereAListBelongsAndAMissingCountAreTolerated() {
        server.answer("listTsm", 200, "{ \"listTsmResponse\" : { \"listTsm\" : { \"id\": \"t1\", \"name\": \"vsm1\","
                + " \"datasetid\": \"d1\", \"numericquota\": 1048576.0, \"availablequota\": \"512.5\" } } }");

        Tsm tsm = client.findTsm("t1").orElseThrow();

        assertEquals("d1", tsm.datasetId().orElseThrow());
        assertEquals(1024 * GIB, tsm.quotaBytes().orElseThrow());
        assertEquals(512 * MIB + MIB / 2, tsm.availableQuotaBytes().orElseThrow());
    }

    @Test
    public void envelopeNamesAreMatchedIgnoringCase() {
        server.answer("listFileSystem", 200, sample("L1-listFileSystem.json")
                .replace("listFilesystemResponse", "listfilesystemresponse"));
        server.answer("createStorageSnapshot", 200, sample("S1-createStorageSnapshot.json")
                .replace("\"StorageSnapshot\"", "\"storagesnapshot\""));

        assertEquals(1, client.listFileSystems(null).size());
        assertEquals("12371e7c-392b-34b9-ac43-073b3c85f1d1",
                client.createStorageSnapshot("v", "snap_c60890b1f23646f29e6d51e6e592cee6").lunId().orElseThrow());
    }

    @Test
    public void sampleS1AndS2SnapshotsWithTheirOddKeys() {
        server.answer("createStorageSnapshot", 200, sample("S1-createStorageSnapshot.json"));
        server.answer("listStorageSnapshots", 200, sample("S2-listStorageSnapshots.json"));
        server.answer("deleteSnapshot", 200, sample("S2-deleteSnapshot.json"));
        String name = "snap_c60890b1f23646f29e6d51e6e592cee6";

        StorageSnapshot created = client.createStorageSnapshot("9792a8fe91a242d3959566e8ed08a361", name);
        DatasetSnapshot listed = client.findStorageSnapshot("9792a8fe91a242d3959566e8ed08a361", name).orElseThrow();
        client.deleteSnapshot("9792a8fe91a242d3959566e8ed08a361", listed.path());

        assertEquals("21d7a92a-f15e-3f5b-b981-cb30697b8028", created.id().orElseThrow());
        assertEquals("Pool1/OPENSTACK_ACCVSM1/9792a8fe91a242d3959566e8ed08a361@" + name, listed.path());
        assertEquals(LocalDateTime.of(2014, 6, 16, 14, 41), listed.created().orElseThrow());
        assertEquals(0, listed.clones().orElseThrow());
        assertEquals(listed.path(), server.lastParameters("deleteSnapshot").get("path"));
    }

    @Test
    public void snapshotsAreSortedOldestFirstByTheirTimestamp() {
        server.answer("listStorageSnapshots", 200, "{ \"listDatasetSnapshotsResponse\" : { \"count\": 3,"
                + " \"snapshot\": ["
                + "{\"name\": \"c\", \"path\": \"p/v@c\", \"timestamp\": \"Tue Jun 17 2014 09:00\"},"
                + "{\"name\": \"b\", \"path\": \"p/v@b\", \"timestamp\": \"Mon Jun 16 2014 14:42\"},"
                + "{\"name\": \"a\", \"path\": \"p/v@a\", \"timestamp\": \"Mon Jun 16 2014 14:41\"} ] } }");

        assertEquals(List.of("a", "b", "c"), client.listStorageSnapshots("v").stream().map(DatasetSnapshot::name)
                .collect(Collectors.toList()));
    }

    @Test
    public void deleteSnapshotWithAStatusOtherThanSuccessFails() {
        server.answer("deleteSnapshot", 200, sample("S2-deleteSnapshot.json").replace("success", "failed"));

        ElastiCenterServerException e = assertThrows(ElastiCenterServerException.class,
                () -> client.deleteSnapshot("v", "p/v@s"));

        assertTrue(e.getMessage().contains("'failed'"));
        assertTrue(e.outcomeUnknown());
    }

    @Test
    public void sampleQ1CreateVolumeJobAfterAPendingPoll() {
        server.answer("createVolume", 200, sample("Q1-createVolume.json"));
        server.answer("queryAsyncJobResult", Canned.json(200, "{\"queryasyncjobresultresponse\": {\"jobstatus\": 0}}"),
                Canned.json(200, sample("Q1-queryAsyncJobResult.json")));

        CreatedVolume volume = client.createVolume(CreateVolumeRequest.builder("iscsiGrace", 5 * GIB)
                .tsm("b135d775-5c58-3cf1-8880-941b0513828b", "ds").qosGroupId("q").build());

        assertEquals("14c26b56-d5c0-3e9a-bc55-8f08c313af54", volume.id());
        assertEquals("iPoolgrace/AccountiTsmGrace/iscsiGrace", volume.zfsPath());
        assertEquals("b135d775-5c58-3cf1-8880-941b0513828b", volume.tsmId().orElseThrow());
        assertEquals(5 * GIB, volume.quotaBytes().orElseThrow());
        assertEquals("b4c372f9-a853-4ac2-ac54-461e5180992e", server.lastParameters("queryAsyncJobResult").get("jobId"));
        assertEquals(2, server.count("queryAsyncJobResult"));
        Map<String, String> sent = server.lastParameters("createVolume");
        assertEquals("5G", sent.get("quotasize"));
        assertEquals("ISCSI", sent.get("protocoltype"));
        assertEquals("ds", sent.get("datasetid"));
    }

    @Test
    public void aJobIdTheServerMangledIsAProtocolErrorNotACallerError() {
        String mangled = sample("Q2-deleteFileSystem.json")
                .replace("213156a2-4d65-4e9d-9a4e-2bd29c53bb68", "213156a2\\u0007" + "x".repeat(300));
        server.answer("deleteFileSystem", 200, mangled);

        ElastiCenterProtocolException e = assertThrows(ElastiCenterProtocolException.class,
                () -> client.deleteFileSystem("v", true));

        assertTrue(e.getMessage(), e.getMessage().contains("jobid"));
        assertTrue("the mutation may have happened", e.outcomeUnknown());
        assertEquals(0, server.count("queryAsyncJobResult"));
    }

    @Test
    public void sampleQ2DeleteFileSystemJob() {
        server.answer("deleteFileSystem", 200, sample("Q2-deleteFileSystem.json"));
        server.answer("queryAsyncJobResult", 200, sample("Q2-queryAsyncJobResult.json"));

        client.deleteFileSystem("v", true);

        assertEquals("true", server.lastParameters("deleteFileSystem").get("forcedelete"));
        AsyncJob job = client.queryAsyncJobResult("213156a2-4d65-4e9d-9a4e-2bd29c53bb68");
        assertEquals(AsyncJob.Status.SUCCEEDED, job.status());
        assertEquals("Deleted Successfully", job.message().orElseThrow());
        assertEquals(0, job.resultCode().orElseThrow());
    }

    @Test
    public void sampleQ3FailedJobIsAServerErrorWithTheJobsErrorText() {
        server.answer("createVolume", 200, sample("Q1-createVolume.json"));
        server.answer("queryAsyncJobResult", 200, sample("Q3-queryAsyncJobResult-failed.json"));

        ElastiCenterServerException e = assertThrows(ElastiCenterServerException.class, () -> client.createVolume(
                CreateVolumeRequest.builder("v", GIB).tsm("t", "d").qosGroupId("q").build()));

        assertEquals(530, e.errorCode());
        assertEquals(200, e.httpStatus());
        assertTrue(e.errorText().startsWith("[subnet] :The subnet mask is not valid."));
        assertEquals("26a86d16-003e-4c73-9beb-abcf9f9c360d", e.jobId().orElseThrow());
        assertEquals("createVolume", e.command());
    }

    @Test
    public void jobStatusAsAStringAndAnUnknownStatus() {
        server.answer("queryAsyncJobResult", Canned.json(200, "{\"queryasyncjobresultresponse\": {\"jobstatus\": \"1\","
                + " \"jobresult\": {}}}"), Canned.json(200, "{\"queryasyncjobresultresponse\": {\"jobstatus\": 7}}"));

        assertEquals(AsyncJob.Status.SUCCEEDED, client.queryAsyncJobResult("j").status());
        ElastiCenterProtocolException e = assertThrows(ElastiCenterProtocolException.class,
                () -> client.queryAsyncJobResult("j"));
        assertTrue(e.getMessage().contains("jobstatus 7"));
    }

    @Test
    public void succeededJobWithoutItsResultObjectIsAProtocolError() {
        server.answer("createVolume", 200, sample("Q1-createVolume.json"));
        server.answer("queryAsyncJobResult", 200, sample("Q2-queryAsyncJobResult.json"));

        ElastiCenterProtocolException e = assertThrows(ElastiCenterProtocolException.class, () -> client.createVolume(
                CreateVolumeRequest.builder("lost", GIB).tsm("t", "d").qosGroupId("q").build()));

        assertTrue(e.getMessage(), e.getMessage().contains("jobresult.storage"));
        assertTrue(e.getMessage().contains("'lost'"));
        assertTrue(e.outcomeUnknown());
    }

    @Test
    public void sampleE1AuthErrorInsideTheCommandsEnvelope() {
        server.answer("listTsm", 401, sample("E1-401-listTsm.json"));

        ElastiCenterAuthException e = assertThrows(ElastiCenterAuthException.class, () -> client.listTsms(null));

        assertEquals(401, e.httpStatus());
        assertEquals(401, e.errorCode());
        assertEquals("listTsm", e.command());
        assertEquals("unable to verify user credentials and/or request signature", e.errorText());
        assertEquals("not retried", 1, server.count("listTsm"));
    }

    @Test
    public void sampleE2UnknownCommandInTheErrorResponseEnvelope() {
        server.answer("listCapabilities", 432, sample("E2-432-unknown-command.json"));

        ElastiCenterProtocolException e = assertThrows(ElastiCenterProtocolException.class,
                () -> client.listCapabilities());

        assertEquals(432, e.errorCode());
        assertEquals("The given command does not exist", e.errorText());
    }

    @Test
    public void sampleE3ServerErrorInsideTheCommandsEnvelope() {
        server.answer("addQosGroup", 530, sample("E3-530-addQosGroup.json"));

        ElastiCenterServerException e = assertThrows(ElastiCenterServerException.class,
                () -> client.addQosGroup(AddQosGroupRequest.builder("QoS_x", "t", 100000).build()));

        assertEquals(530, e.httpStatus());
        assertTrue(e.errorText().startsWith("Failed to provision Qos group due to : [IOPS]"));
        assertFalse(e.outcomeUnknown());
    }

    @Test
    public void sampleE4MissingSnapshotIsNotFound() {
        server.answer("deleteSnapshot", 431, sample("E4-431-deleteSnapshot.json"));

        ElastiCenterNotFoundException e = assertThrows(ElastiCenterNotFoundException.class,
                () -> client.deleteSnapshot("v", "p/v@gone"));

        assertEquals(431, e.errorCode());
    }

    @Test
    public void errorTextFromTheXDescriptionHeaderWhenTheBodyHasNone() {
        server.answer("deleteSnapshot", Canned.json(431, "{ \"deleteSnapshotResponse\" : { \"errorcode\": 431 } }")
                .header("X-Description", "could not find any snapshots to destroy; check snapshot names."));
        server.answer("listAccount", Canned.bytes(502, "<html>Bad Gateway</html>".getBytes(StandardCharsets.UTF_8))
                .header("X-Description", "upstream ElastiCenter unavailable"));

        ElastiCenterNotFoundException notFound = assertThrows(ElastiCenterNotFoundException.class,
                () -> client.deleteSnapshot("v", "p/v@gone"));
        assertEquals("could not find any snapshots to destroy; check snapshot names.", notFound.errorText());
        ElastiCenterServerException gateway = assertThrows(ElastiCenterServerException.class,
                () -> client.listAccounts());
        assertEquals(502, gateway.httpStatus());
        assertEquals("upstream ElastiCenter unavailable", gateway.errorText());
        assertEquals("a gateway error on a read is retried", 2, server.count("listAccount"));
    }

    @Test
    public void errorFieldsInAnHttp200AnswerAreStillAnError() {
        server.answer("updateFileSystem", 200, "{ \"updatefilesystemresponse\" : { \"errorcode\": 530,"
                + " \"errortext\": \"Failed to update volume due to : quota below used space\" } }");

        ElastiCenterServerException e = assertThrows(ElastiCenterServerException.class,
                () -> client.updateFileSystem("v", UpdateFileSystemRequest.builder().sizeBytes(GIB).build()));

        assertEquals(200, e.httpStatus());
        assertEquals(530, e.errorCode());
    }

    @Test
    public void missingRequiredFieldsNameCommandAndField() {
        server.answer("listFileSystem", 200, "{ \"listFilesystemResponse\" : { \"count\": 1, \"filesystem\" : ["
                + " { \"name\": \"no-id\" } ] } }");
        server.answer("listCapabilities", 200, "{ \"listcapabilitiesresponse\" : { \"capability\" : {} } }");
        server.answer("listStorageSnapshots", 200, "{ \"listDatasetSnapshotsResponse\" : { \"snapshot\" : ["
                + " { \"name\": \"s\" } ] } }");

        ElastiCenterProtocolException volume = assertThrows(ElastiCenterProtocolException.class,
                () -> client.listFileSystems(null));
        assertEquals("listFileSystem: unexpected answer: required field"
                + " 'listFilesystemResponse.filesystem[0].id' is missing", volume.getMessage());
        ElastiCenterProtocolException capabilities = assertThrows(ElastiCenterProtocolException.class,
                () -> client.listCapabilities());
        assertTrue(capabilities.getMessage().contains("cloudByteVersion"));
        ElastiCenterProtocolException snapshot = assertThrows(ElastiCenterProtocolException.class,
                () -> client.listStorageSnapshots("v"));
        assertTrue(snapshot.getMessage().contains("snapshot[0].path"));
    }

    @Test
    public void anUnexpectedButSingleEnvelopeIsAcceptedAndNoEnvelopeIsAnError() {
        server.answer("listAccount", 200, "{ \"listaccountsresponse\" : { \"account\" : [ {\"id\": \"a\","
                + " \"name\": \"n\"} ] } }");
        server.answer("listTsm", 200, "{ \"one\" : {}, \"two\" : {} }");

        assertEquals("a", client.listAccounts().get(0).id());
        ElastiCenterProtocolException e = assertThrows(ElastiCenterProtocolException.class,
                () -> client.listTsms(null));
        assertTrue(e.getMessage(), e.getMessage().contains("no 'listTsmResponse' object"));
    }

    @Test
    public void rollbackWithoutAReportComparesTheListings() {
        String three = "{ \"listDatasetSnapshotsResponse\" : { \"snapshot\": [ {\"name\": \"r1\","
                + " \"path\": \"p/v@r1\"}, {\"name\": \"r2\", \"path\": \"p/v@r2\"},"
                + " {\"name\": \"r3\", \"path\": \"p/v@r3\"} ] } }";
        String one = "{ \"listDatasetSnapshotsResponse\" : { \"snapshot\": [ {\"name\": \"r1\","
                + " \"path\": \"p/v@r1\"} ] } }";
        server.answer("listStorageSnapshots", Canned.json(200, three), Canned.json(200, one));
        server.answer("rollbackToSnapshot", 200, "{ \"rollbackToSnapshotResponse\" : { \"success\" : \"true\" } }");

        RollbackResult result = client.rollbackToSnapshot("v", "p/v@r1");

        assertEquals(List.of("p/v@r2", "p/v@r3"), result.destroyedSnapshots().stream().map(DatasetSnapshot::path)
                .collect(Collectors.toList()));
    }

    @Test
    public void rollbackStandsWhenTheListingAfterwardsFails() {
        String two = "{ \"listDatasetSnapshotsResponse\" : { \"snapshot\": [ {\"name\": \"r1\", \"path\": \"p/v@r1\"},"
                + " {\"name\": \"r2\", \"path\": \"p/v@r2\"} ] } }";
        server.answer("listStorageSnapshots", Canned.json(200, two), Canned.json(530,
                "{ \"listDatasetSnapshotsResponse\" : { \"errorcode\": 530, \"errortext\": \"busy\" } }"));
        server.answer("rollbackToSnapshot", 200, "{ \"rollbackToSnapshotResponse\" : { \"success\" : true } }");

        RollbackResult result = client.rollbackToSnapshot("v", "p/v@r1");

        assertEquals("ZFS semantics assumed", List.of("r2"), result.destroyedSnapshots().stream()
                .map(DatasetSnapshot::name).collect(Collectors.toList()));
    }

    @Test
    public void rollbackAnsweredWithAJobIsAwaited() {
        server.answer("listStorageSnapshots", 200, "{ \"listDatasetSnapshotsResponse\" : { \"snapshot\": ["
                + " {\"name\": \"r1\", \"path\": \"p/v@r1\"} ] } }");
        server.answer("rollbackToSnapshot", 200, "{ \"rollbackToSnapshotResponse\" : { \"jobid\" : \"j1\" } }");
        server.answer("queryAsyncJobResult", 200, "{ \"queryasyncjobresultresponse\" : { \"jobstatus\": 2,"
                + " \"jobresult\": { \"errorcode\": 530, \"errortext\": \"rollback failed\" } } }");

        ElastiCenterServerException e = assertThrows(ElastiCenterServerException.class,
                () -> client.rollbackToSnapshot("v", "p/v@r1"));

        assertEquals("j1", e.jobId().orElseThrow());
        assertEquals("rollbackToSnapshot", e.command());
    }

    @Test
    public void queryStringIsEncodedWithKeyAndFormatLast() {
        server.answer("createStorageSnapshot", 200, sample("S1-createStorageSnapshot.json"));

        client.createStorageSnapshot("vol 1/ü", "a&b=c/d@e%f g+h");

        String query = server.queries().get(0);
        assertEquals("command=createStorageSnapshot&id=vol%201%2F%C3%BC&name=a%26b%3Dc%2Fd%40e%25f%20g%2Bh"
                + "&apiKey=" + KEY + "&response=json", query);
    }

    @Test
    public void controlCharactersAreRefusedBeforeAnythingIsSent() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> client.createStorageSnapshot("v", "bad\nname"));

        assertTrue(e.getMessage(), e.getMessage().contains("U+000A"));
        assertTrue(e.getMessage().contains("'name'"));
        assertThrows(IllegalArgumentException.class, () -> client.findFileSystem("\u0000"));
        assertThrows(IllegalArgumentException.class, () -> client.deleteSnapshot("v", "p\u007f"));
        assertThrows(IllegalArgumentException.class, () -> client.createStorageSnapshot("v", "broken\uD800"));
        assertThrows(IllegalArgumentException.class, () -> client.createStorageSnapshot(" ", "s"));
        assertTrue(server.queries().isEmpty());
    }

    @Test
    public void bodiesThatAreNotJsonObjectsAreProtocolErrors() {
        byte[] invalidUtf8 = {'{', '"', 'a', '"', ':', '"', (byte) 0xC3, (byte) 0x28, '"', '}'};
        StringBuilder deep = new StringBuilder("{ \"listTsmResponse\" : ");
        for (int i = 0; i < 100_000; i++) {
            deep.append("{\"x\":");
        }
        server.answer("listTsm", Canned.bytes(200, invalidUtf8), Canned.json(200, deep.toString()),
                Canned.json(200, "[]"), Canned.json(200, ""), Canned.json(200, "{} {}"),
                Canned.json(200, "{ 'listTsmResponse': {} }"));

        assertProtocolError("not valid UTF-8");
        assertProtocolError("nested deeper than");
        assertProtocolError("not a JSON object");
        assertProtocolError("empty");
        assertProtocolError("data follows");
        assertProtocolError("invalid JSON");
    }

    private void assertProtocolError(String expected) {
        ElastiCenterProtocolException e = assertThrows(ElastiCenterProtocolException.class,
                () -> client.listTsms(null));
        assertTrue(e.getMessage(), e.getMessage().contains(expected));
    }

    @Test
    public void aByteOrderMarkIsTolerated() {
        server.answer("listTsm", 200, "\uFEFF{ \"listTsmResponse\" : {} }");

        assertTrue(client.listTsms(null).isEmpty());
    }

    @Test
    public void oversizedBodiesAreCutOffWithOrWithoutContentLength() {
        byte[] big = new byte[64 * 1024];
        java.util.Arrays.fill(big, (byte) ' ');
        server.answer("listTsm", Canned.bytes(200, big), Canned.bytes(200, big).chunked());
        try (ElastiCenterClient small = new ElastiCenterClient(server.config(KEY).maxResponseBytes(16 * 1024)
                .build())) {
            for (int i = 0; i < 2; i++) {
                ElastiCenterProtocolException e = assertThrows(ElastiCenterProtocolException.class,
                        () -> small.listTsms(null));
                assertTrue(e.getMessage(), e.getMessage().contains("exceeds the limit of 16384 bytes"));
            }
        }
    }

    @Test
    public void aTricklingAnswerIsCutOffByTheExchangeDeadline() {
        server.answer("listTsm", Canned.json(200, "{ \"listTsmResponse\" : {} }").drip(100));
        try (ElastiCenterClient impatient = new ElastiCenterClient(server.config(KEY)
                .connectTimeout(Duration.ofMillis(300)).connectionRequestTimeout(Duration.ofMillis(300))
                .readTimeout(Duration.ofMillis(400)).readRetries(0).build())) {

            ElastiCenterTimeoutException e = assertThrows(ElastiCenterTimeoutException.class,
                    () -> impatient.listTsms(null));

            assertTrue(e.getMessage(), e.getMessage().contains("no complete answer"));
        }
    }

    @Test
    public void redirectsAreNotFollowed() {
        server.answer("listTsm", Canned.json(302, "").header("Location", "http://elsewhere/client/api"));

        ElastiCenterProtocolException e = assertThrows(ElastiCenterProtocolException.class,
                () -> client.listTsms(null));

        assertTrue(e.getMessage().contains("redirect"));
        assertEquals(1, server.count("listTsm"));
    }
}
