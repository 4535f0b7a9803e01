// Licensed under the Apache License, Version 2.0. See LICENSE in the project root.
package io.elastisnap.simulator;

import com.google.gson.JsonObject;
import org.junit.After;
import org.junit.Before;
import org.junit.Rule;
import org.junit.Test;
import org.junit.rules.TemporaryFolder;

import java.io.IOException;
import java.io.RandomAccessFile;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;

import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertFalse;
import static org.junit.Assert.assertTrue;

/**
 * The simulator's real iSCSI target: a private tgtd, read with qemu-img's built-in libiscsi initiator, exactly as a
 * host without a kernel initiator reads an appliance's LUN. Needs root and the packages tgt and qemu-block-extra
 * (resources/scripts/common.sh installs them); the test fails, it is not skipped, when they are missing.
 */
public class IscsiTargetTest {
    private static final long SIZE = 4 * SizeUnits.MIB;
    private static final String SECRET = "s1mulated-CHAP-secret";
    /** libiscsi's words for a target that does not exist (or is not offered to this initiator). */
    private static final String NOT_EXPORTED = "Failed to connect to LUN";

    @Rule
    public TemporaryFolder temp = new TemporaryFolder();

    private ElastiCenterSimulator simulator;
    private ApiTestClient api;
    private SimVolume volume;

    @Before
    public void start() throws IOException {
        simulator = ElastiCenterSimulator.builder().dataDirectory(temp.newFolder("data").toPath()).iscsiTarget(0)
                .start();
        api = new ApiTestClient(simulator);
        volume = simulator.provisionVolume("disk", SIZE);
        write(volume.imagePath(), "volume-data");
    }

    @After
    public void stop() {
        if (simulator != null) {
            simulator.close();
        }
    }

    @Test
    public void aVolumeIsExportedOnlyOnceItsInitiatorGroupIsAll() throws Exception {
        assertTrue(simulator.iscsiUrl(volume.id()).isEmpty());
        setInitiatorGroup("ALL", null);
        URI url = simulator.iscsiUrl(volume.id()).orElseThrow();
        assertEquals("iscsi://" + simulator.iscsiPortal().orElseThrow() + "/" + volume.iqn() + "/1", url.toString());
        assertEquals("volume-data", readLun(volume.iqn(), null, null));
        // the API shows the real portal's address, so clients build the right portal from ipaddress
        JsonObject fs = api.call("listFileSystem", "id", volume.id()).ok("listFilesystemResponse")
                .getAsJsonArray("filesystem").get(0).getAsJsonObject();
        assertEquals("127.0.0.1", fs.get("ipaddress").getAsString());

        setInitiatorGroup("None", null);
        assertTrue(simulator.iscsiUrl(volume.id()).isEmpty());
        assertLoginRefused(volume.iqn(), null, null, NOT_EXPORTED);
    }

    @Test
    public void chapAcceptsTheRightSecretAndRefusesAWrongOrMissingOne() throws Exception {
        String groupId = addAuthGroup("esnap-chap", "esnapuser", SECRET);
        setInitiatorGroup("ALL", groupId);
        JsonObject service = api.call("listVolumeiSCSIService", "storageid", volume.id())
                .ok("listVolumeiSCSIServiceResponse").getAsJsonArray("iSCSIService").get(0).getAsJsonObject();
        assertEquals("CHAP", service.get("authmethod").getAsString());
        assertEquals(groupId, service.get("ag_id").getAsString());

        assertEquals("volume-data", readLun(volume.iqn(), "esnapuser", SECRET));
        assertLoginRefused(volume.iqn(), null, null, "Authentication failure");
        assertLoginRefused(volume.iqn(), "esnapuser", "wrong-secret-wrong", "Authentication failure");
        assertLoginRefused(volume.iqn(), "someoneelse", SECRET, "Authentication failure");

        // the secret is in no log line, request-log entry or tgtd log; only the auth user's listing answers it
        String secretInAnswer = api.call("listiSCSIAuthUser", "accountid", simulator.defaults().accountId(),
                "authgroupid", groupId).ok("listiSCSIAuthUsersResponse").getAsJsonArray("authuser").get(0)
                .getAsJsonObject().get("chappassword").getAsString();
        assertEquals(SECRET, secretInAnswer);
        assertFalse(simulator.requestLog().entries().toString().contains(SECRET));
        assertTrue(simulator.requestLog().entries().toString().contains("esnapuser"));
        assertFalse(Files.readString(Path.of("target", "simulator-test.log"), StandardCharsets.UTF_8)
                .contains(SECRET));
        assertFalse(Files.readString(simulator.dataDirectory().orElseThrow().resolve("iscsi/tgtd.log"),
                StandardCharsets.UTF_8).contains(SECRET));
    }

    @Test
    public void aCloneIsExportedLikeAVolumeAndADeletedVolumeIsNoLongerServed() throws Exception {
        api.call("createStorageSnapshot", "id", volume.id(), "name", "s1").ok("createStorageSnapshotResponse");
        write(volume.imagePath(), "newer-data!");
        JsonObject clone = api.call("cloneDatasetSnapshot", "id", volume.id(), "path", volume.zfsPath() + "@s1",
                "clonename", "tmpclone").ok("cloneDatasetSnapshot").getAsJsonObject("filesystem");
        String cloneId = clone.get("id").getAsString();
        String cloneIqn = clone.get("iqnname").getAsString();
        String groupId = addAuthGroup("esnap-chap", "esnapuser", SECRET);
        api.call("updateVolumeiSCSIService", "id", serviceId(cloneId), "igid", initiatorGroupId("ALL"),
                "authmethod", "CHAP", "authgroupid", groupId).ok("updatingvolumeiscsidetails");
        assertEquals("volume-data", readLun(cloneIqn, "esnapuser", SECRET));

        String job = api.call("deleteFileSystem", "id", cloneId).ok("deleteFileSystemResponse").get("jobid")
                .getAsString();
        api.call("queryAsyncJobResult", "jobid", job).ok("queryasyncjobresultresponse");
        assertTrue(simulator.iscsiUrl(cloneId).isEmpty());
        assertLoginRefused(cloneIqn, "esnapuser", SECRET, NOT_EXPORTED);
    }

    @Test
    public void afterARollbackTheLunServesTheRolledBackData() throws Exception {
        setInitiatorGroup("ALL", null);
        api.call("createStorageSnapshot", "id", volume.id(), "name", "s1").ok("createStorageSnapshotResponse");
        write(volume.imagePath(), "newer-data!");
        assertEquals("newer-data!", readLun(volume.iqn(), null, null));
        api.call("rollbackToSnapshot", "id", volume.id(), "path", volume.zfsPath() + "@s1")
                .ok("rollbackToSnapshotResponse");
        assertEquals("volume-data", readLun(volume.iqn(), null, null));
    }

    @Test
    public void chapWithoutAnAuthGroupOfTheAccountIsRefusedAndNothingIsExported() throws Exception {
        api.call("updateVolumeiSCSIService", "id", serviceId(volume.id()), "igid", initiatorGroupId("ALL"),
                "authmethod", "CHAP", "authgroupid", "no-such-group").error("updatingvolumeiscsidetails", 431);
        assertTrue(simulator.iscsiUrl(volume.id()).isEmpty());
    }

    @Test
    public void aTakenPortIsNamedWithTheFix() throws IOException {
        int taken = Integer.parseInt(simulator.iscsiPortal().orElseThrow().split(":")[1]);
        try (ElastiCenterSimulator second = ElastiCenterSimulator.builder()
                .dataDirectory(temp.newFolder("data2").toPath()).iscsiTarget(taken).start()) {
            throw new AssertionError("a second target on a taken port started: " + second);
        } catch (RuntimeException e) {
            assertTrue(e.getMessage(), e.getMessage().contains("port " + taken + " on 127.0.0.1 is taken"));
        }
    }

    // ------------------------------------------------------------------ helpers

    private String addAuthGroup(String name, String user, String secret) {
        return api.call("addiSCSIAuthGroup", "accountid", simulator.defaults().accountId(), "name", name,
                "comment", "test", "chapusername", user, "chappassword", secret)
                .ok("tsmiSCSIAuthGroupResponse").getAsJsonObject("authgroup").get("id").getAsString();
    }

    private void setInitiatorGroup(String group, String chapGroupId) {
        if (chapGroupId == null) {
            api.call("updateVolumeiSCSIService", "id", serviceId(volume.id()), "igid", initiatorGroupId(group),
                    "authmethod", "None").ok("updatingvolumeiscsidetails");
        } else {
            api.call("updateVolumeiSCSIService", "id", serviceId(volume.id()), "igid", initiatorGroupId(group),
                    "authmethod", "CHAP", "authgroupid", chapGroupId).ok("updatingvolumeiscsidetails");
        }
    }

    private String serviceId(String volumeId) {
        return api.call("listVolumeiSCSIService", "storageid", volumeId).ok("listVolumeiSCSIServiceResponse")
                .getAsJsonArray("iSCSIService").get(0).getAsJsonObject().get("id").getAsString();
    }

    private String initiatorGroupId(String group) {
        for (var element : api.call("listiSCSIInitiator", "accountid", simulator.defaults().accountId())
                .ok("listInitiatorsResponse").getAsJsonArray("initiator")) {
            if (element.getAsJsonObject().get("initiatorgroup").getAsString().equals(group)) {
                return element.getAsJsonObject().get("id").getAsString();
            }
        }
        throw new AssertionError("no initiator group " + group);
    }

    /** The first bytes of the LUN, read by qemu-img; the secret goes through a file, never the command line. */
    private String readLun(String iqn, String user, String secret) throws Exception {
        Path out = temp.getRoot().toPath().resolve("lun-" + System.nanoTime() + ".raw");
        IscsiLogin.Outcome login = IscsiLogin.copyLun(simulator.iscsiPortal().orElseThrow(), iqn,
                ElastiCenterSimulator.ISCSI_LUN, user, secret, out);
        assertTrue(login.toString(), login.loggedIn());
        byte[] head = new byte[11];
        try (RandomAccessFile file = new RandomAccessFile(out.toFile(), "r")) {
            file.readFully(head);
        }
        assertEquals(SIZE, Files.size(out));
        Files.delete(out);
        return new String(head, StandardCharsets.US_ASCII).trim();
    }

    private void assertLoginRefused(String iqn, String user, String secret, String reason) throws Exception {
        Path out = temp.getRoot().toPath().resolve("refused-" + System.nanoTime() + ".raw");
        IscsiLogin.Outcome login = IscsiLogin.copyLun(simulator.iscsiPortal().orElseThrow(), iqn,
                ElastiCenterSimulator.ISCSI_LUN, user, secret, out);
        assertEquals(login.toString(), 1, login.exitCode());
        assertTrue(login.toString(), login.output().contains(reason));
        assertFalse(Files.exists(out));
    }

    private static void write(Path image, String text) throws IOException {
        try (RandomAccessFile file = new RandomAccessFile(image.toFile(), "rw")) {
            file.write(text.getBytes(StandardCharsets.US_ASCII));
        }
    }
}
