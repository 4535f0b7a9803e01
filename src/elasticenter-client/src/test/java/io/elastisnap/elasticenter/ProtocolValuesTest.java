// Licensed under the Apache License, Version 2.0. See LICENSE in the project root.
package io.elastisnap.elasticenter;

import org.junit.Test;

import java.io.IOException;
import java.net.SocketException;
import java.util.List;
import java.util.Map;

import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertFalse;
import static org.junit.Assert.assertSame;
import static org.junit.Assert.assertThrows;
import static org.junit.Assert.assertTrue;

/** The tolerant value readers, size notation, request parameters, error classification and redaction. */
public class ProtocolValuesTest {
    private static final long MIB = StorageSize.MIB;
    private static final long GIB = StorageSize.GIB;

    @Test
    public void sizeStringsInEveryNotationTheServerUses() {
        assertEquals(10 * GIB, StorageSize.parseBytes("10G").getAsLong());
        assertEquals(StorageSize.TIB, StorageSize.parseBytes("1T").getAsLong());
        assertEquals(93697 * MIB, StorageSize.parseBytes("93697M").getAsLong());
        assertEquals(26 * 1024, StorageSize.parseBytes("26K").getAsLong());
        assertEquals(512, StorageSize.parseBytes("512B").getAsLong());
        assertEquals(32 * 1024, StorageSize.parseBytes("32k").getAsLong());
        assertEquals(3 * StorageSize.TIB / 2, StorageSize.parseBytes("1.5T").getAsLong());
        assertEquals(10 * GIB, StorageSize.parseBytes("10 GiB").getAsLong());
        for (String garbage : new String[]{"-", "nullG", "", "G", "10X", "99999999999999999999T"}) {
            assertTrue(garbage, StorageSize.parseBytes(garbage).isEmpty());
        }
    }

    @Test
    public void quotaSizesAreWholeGibibytesOrTebibytes() {
        assertEquals("10G", StorageSize.toQuotaSize(10 * GIB));
        assertEquals("2T", StorageSize.toQuotaSize(2 * StorageSize.TIB));
        assertEquals("rounded up, never down", "2G", StorageSize.toQuotaSize(GIB + 1));
        assertEquals("1G", StorageSize.toQuotaSize(1));
        assertThrows(IllegalArgumentException.class, () -> StorageSize.toQuotaSize(0));
    }

    @Test
    public void recordsReadStringsNumbersAndBooleansAlike() {
        ApiRecord r = ApiRecord.of("test", Map.of("a", "10", "b", "10.0", "c", "1e3", "d", "10.5", "e", "TRUE",
                "f", "no", "g", "maybe", "h", " ", "Tsmid", "t1"));

        assertEquals(10, r.integer("a").getAsLong());
        assertEquals(10, r.integer("b").getAsLong());
        assertEquals(1000, r.integer("c").getAsLong());
        assertTrue("a fraction is no integer", r.integer("d").isEmpty());
        assertEquals(10.5, r.decimal("d").getAsDouble(), 0);
        assertEquals(Boolean.TRUE, r.bool("e").orElseThrow());
        assertEquals(Boolean.FALSE, r.bool("f").orElseThrow());
        assertTrue(r.bool("g").isEmpty());
        assertTrue("blank counts as absent", r.string("h").isEmpty());
        assertEquals("t1", r.string("tsmid").orElseThrow());
        assertTrue(r.string("missing").isEmpty());
        assertTrue(r.records("missing").isEmpty());
        ElastiCenterProtocolException e = assertThrows(ElastiCenterProtocolException.class,
                () -> r.requireString("id"));
        assertEquals("test: unexpected answer: required field 'test.id' is missing", e.getMessage());
    }

    @Test
    public void modelsCanBeBuiltFromRecordsForTests() {
        FileSystem volume = FileSystem.from(ApiRecord.of("listFileSystem", Map.of("id", "v1", "name", "vol",
                "quota", "5G")));

        assertEquals(5 * GIB, volume.quotaBytes().getAsLong());
        assertTrue(volume.iqn().isEmpty());
        assertThrows(ElastiCenterProtocolException.class, () -> FileSystem.from(ApiRecord.of("listFileSystem",
                Map.of("name", "vol"))));
    }

    @Test
    public void requestParametersAreTheWireNamesInOrder() {
        AddQosGroupRequest qos = AddQosGroupRequest.builder("QoS_v", "t1", 500).datasetId("d1").build();
        assertEquals("[name, tsmid, datasetid, iops, latency, throughput, graceallowed, iopscontrol, tpcontrol,"
                + " memlimit, networkspeed]", qos.parameters().keySet().toString());
        assertEquals("500", qos.parameters().get("iops"));

        CreateVolumeRequest nfs = CreateVolumeRequest.builder("v", 3 * GIB).tsm("t", "d").qosGroupId("q")
                .protocol(VolumeProtocol.NFS).mountpoint("v").build();
        assertEquals("NFS", nfs.parameters().get("protocoltype"));
        assertFalse("block length is an iSCSI setting", nfs.parameters().containsKey("blocklength"));
        assertEquals("3G", nfs.quotaSize());

        assertEquals(Map.of("quotasize", "1T", "compression", "lz4", "deduplication", "on", "sync", "standard",
                "readonly", "true", "noofcopies", "2"), UpdateFileSystemRequest.builder().sizeBytes(StorageSize.TIB)
                .compression("lz4").deduplication("on").sync("standard").readOnly(true).copies(2).build()
                .parameters());
        Map<String, String> tuned = AddQosGroupRequest.builder("q", "t", 10).latency(5).throughput(100)
                .graceAllowed(true).iopsControl(false).throughputControl(true).blockSize("4k").build().parameters();
        assertEquals(List.of("5", "100", "true", "false", "true", "4k"), List.of(tuned.get("latency"),
                tuned.get("throughput"), tuned.get("graceallowed"), tuned.get("iopscontrol"), tuned.get("tpcontrol"),
                tuned.get("blocksize")));
        Map<String, String> iscsi = CreateVolumeRequest.builder("v", GIB).tsm("t", "d").qosGroupId("q")
                .blockLength("4K").recordSize("64k").compression("lz4").deduplication("on").sync("standard").build()
                .parameters();
        assertEquals(List.of("4K", "64k", "lz4", "on", "standard"), List.of(iscsi.get("blocklength"),
                iscsi.get("recordsize"), iscsi.get("compression"), iscsi.get("deduplication"), iscsi.get("sync")));

        IllegalArgumentException noQos = assertThrows(IllegalArgumentException.class,
                () -> CreateVolumeRequest.builder("v", GIB).tsm("t", "d").build());
        assertTrue(noQos.getMessage().contains("QoS group"));
        assertThrows(IllegalArgumentException.class, () -> UpdateFileSystemRequest.builder().build());
        assertThrows(IllegalArgumentException.class, () -> UpdateQosGroupRequest.builder().build());
        assertThrows(IllegalArgumentException.class, () -> AddQosGroupRequest.builder("q", "t", 0));
    }

    @Test
    public void reservedOrMalformedParameterNamesAreRefused() {
        ApiRequest.Builder request = ApiRequest.to(ApiCommand.LIST_TSM);

        assertThrows(IllegalArgumentException.class, () -> request.param("apikey", "x"));
        assertThrows(IllegalArgumentException.class, () -> request.param("response", "xml"));
        assertThrows(IllegalArgumentException.class, () -> request.param("a&b", "x"));
        IllegalArgumentException tooLong = assertThrows(IllegalArgumentException.class,
                () -> request.param("id", "x".repeat(8000)).build().uri(java.net.URI.create("https://h/client/api"),
                        Secret.of("k")));
        assertTrue(tooLong.getMessage().contains("exceeds"));
    }

    @Test
    public void errorsAreClassifiedByCodeAndText() {
        assertEquals(ElastiCenterAuthException.class, classify(401, 401, "unable to verify user credentials"));
        assertEquals(ElastiCenterProtocolException.class, classify(432, 432, "The given command does not exist"));
        assertEquals(ElastiCenterConflictException.class, classify(530, 530, "snapshot 'p@s' has a clone: c"));
        assertEquals(ElastiCenterConflictException.class, classify(530, 530, "dataset already exists"));
        assertEquals(ElastiCenterMissingParameterException.class, classify(431, 431,
                "Unable to execute API command addqosgroup due to missing parameter tsmid."));
        assertEquals(ElastiCenterNotFoundException.class, classify(431, 431,
                "could not find any snapshots to destroy; check snapshot names."));
        assertEquals(ElastiCenterBadRequestException.class, classify(431, 431, "invalid value"));
        assertEquals(ElastiCenterServerException.class, classify(530, 530, "Failed to create clone due to timeout."));
        assertEquals("a failed job (HTTP 200) by its errorcode", ElastiCenterServerException.class,
                classify(200, 530, "subnet mask"));
    }

    private static Class<?> classify(int status, int code, String text) {
        return ErrorClassifier.fromServer("cmd", status, code, text, null).getClass();
    }

    @Test
    public void redactionCopiesOnlyCauseChainsThatHoldTheKey() {
        Redactor redactor = new Redactor(Secret.of("k3y+/="));
        IOException clean = new IOException("Connection reset", new SocketException("reset"));
        IOException leaky = new IOException("GET /client/api?apiKey=k3y%2B%2F%3D failed",
                new IllegalStateException("raw k3y+/= here"));

        assertSame(clean, redactor.sanitize(clean));
        Throwable copy = redactor.sanitize(leaky);
        assertEquals("java.io.IOException: GET /client/api?apiKey=**** failed", copy.getMessage());
        assertEquals("java.lang.IllegalStateException: raw **** here", copy.getCause().getMessage());
        assertEquals(leaky.getStackTrace()[0], copy.getStackTrace()[0]);
    }
}
