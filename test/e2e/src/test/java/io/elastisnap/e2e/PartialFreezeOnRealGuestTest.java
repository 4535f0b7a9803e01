// Licensed under the Apache License, Version 2.0. See LICENSE in the project root.
package io.elastisnap.e2e;

import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertFalse;
import static org.junit.Assert.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.UUID;

import org.apache.logging.log4j.LogManager;
import org.apache.logging.log4j.Logger;
import org.junit.After;
import org.junit.AfterClass;
import org.junit.BeforeClass;
import org.junit.Test;

import com.google.gson.JsonArray;
import com.google.gson.JsonObject;
import com.google.gson.JsonParser;

import io.elastisnap.engine.ConsistencyEngine;
import io.elastisnap.engine.ConsistencyLevel;
import io.elastisnap.engine.ConsistencyPolicy;
import io.elastisnap.engine.ConsistentSnapshotRequest;
import io.elastisnap.engine.ConsistentSnapshotResult;
import io.elastisnap.engine.FreezeLimits;
import io.elastisnap.engine.FreezeScope;
import io.elastisnap.simulator.Fault;
import io.elastisnap.simulator.SimVolume;

/**
 * Issue 14 on the real guest: four volumes, each its own ext4 (vda on /data stands in for the root disk: the guest's
 * busybox runs from its initramfs; vdb, vdc, vdd on /data1../data3), each disk with the serial CloudStack would give
 * its volume, and a heartbeat writer on every one. A snapshot of one data volume, identified by its serial as the
 * CloudStack agent identifies it, freezes only the file system on it: that heartbeat stalls for as long as the array
 * holds the freeze open, the others keep writing, and the snapshot's ext4 is clean.
 */
public class PartialFreezeOnRealGuestTest {

    private static final Logger LOG = LogManager.getLogger(PartialFreezeOnRealGuestTest.class);
    private static final int VOLUMES = 4;
    private static final int SNAPSHOTTED = 2;
    private static final String SNAPSHOTTED_MOUNT = "/data2";
    private static final List<String> RUNNING_MOUNTS = List.of("/data1", "/data3");
    private static final Duration HOLD = Duration.ofSeconds(2);
    private static final double GUEST_CLOCK_TOLERANCE = 0.15;

    private static Fixture fixture;
    private static GuestOnSimulatedVolumes setup;
    private static GuestVm guest;
    private static EngineWiring wiring;
    private static ConsistencyEngine engine;

    @BeforeClass
    public static void bootGuestWithFourVolumes() throws Exception {
        fixture = Fixture.require();
        setup = GuestOnSimulatedVolumes.boot(fixture, "partial", VOLUMES, false, true);
        guest = setup.guest;
        wiring = EngineWiring.create(fixture.libvirtUri(), setup.client, setup.directory().resolve("journal"));
        engine = wiring.engine();
    }

    @After
    public void guestMustEndThawed() throws Exception {
        if (guest == null) {
            return;
        }
        setup.simulator.faults().clear();
        assertTrue(engine.awaitIdle(Duration.ofSeconds(60)));
        boolean leftFrozen = guest.thawIfFrozen();
        setup.deleteAllSnapshots();
        assertFalse("the scenario left the guest frozen (the test cleanup thawed it)", leftFrozen);
    }

    @AfterClass
    public static void tearDown() throws Exception {
        if (wiring != null) {
            wiring.close();
        }
        if (setup != null) {
            setup.close();
        }
    }

    @Test
    public void aSnapshotOfOneDataVolumeFreezesOnlyItsFileSystem() throws Exception {
        // what the engine maps from, as the real guest and libvirt report it (recorded in the engine's AgentRepliesTest)
        LOG.info("guest-get-fsinfo: {}", guest.agent("guest-get-fsinfo", null, 10));
        setup.simulator.faults().inject("createStorageSnapshot", Fault.latency(HOLD));
        SimVolume volume = setup.volumes.get(SNAPSHOTTED);
        double before = guest.uptime();

        ConsistentSnapshotResult result = engine.snapshot(ConsistentSnapshotRequest.builder(guest.name())
                .policy(ConsistencyPolicy.REQUIRED).limits(FreezeLimits.defaults())
                .volumeWithSerial(volume.id(), "partial-" + UUID.randomUUID(), GuestOnSimulatedVolumes.serialOf(volume.id()))
                .build());

        double afterThaw = guest.uptime();
        assertEquals(ConsistencyLevel.FS_FROZEN, result.level());
        FreezeScope scope = result.freezeScope().get();
        LOG.info("scope: {}; timings: {}", scope.describe(), result.timings());
        assertEquals(scope.describe(), FreezeScope.Kind.PARTIAL, scope.kind());
        assertEquals(List.of(SNAPSHOTTED_MOUNT), scope.frozenMountPoints());
        assertEquals(List.of(GuestVm.diskTarget(SNAPSHOTTED)), scope.disks());
        assertEquals(VOLUMES - 1, scope.fileSystemsKeptRunning());
        assertEquals("thawed", guest.freezeStatus());

        List<Double> frozenBeats = guest.awaitHeartbeatAfter(SNAPSHOTTED_MOUNT, afterThaw);
        double frozenGap = GuestVm.largestGap(frozenBeats, before);
        double[] stall = GuestVm.largestGapBounds(frozenBeats, before);
        double minimumStall = HOLD.toMillis() / 1000.0 * (1 - GUEST_CLOCK_TOLERANCE);
        LOG.info("{} (frozen): heartbeat stalled {} s, from {} to {} (array held the freeze {} s, engine frozen window {} ms)",
                SNAPSHOTTED_MOUNT, frozenGap, stall[0], stall[1], HOLD.toMillis() / 1000.0,
                result.timings().frozenWindow().toMillis());
        assertTrue("the snapshotted file system kept writing: largest heartbeat gap " + frozenGap + " s < " + minimumStall,
                frozenGap >= minimumStall);
        // Counted inside that stall, on the guest's own clock: a TCG guest on a loaded host may calibrate its clock
        // wrongly at boot (its uptime then runs several times too fast), which counts and ratios do not mind.
        for (String mount : RUNNING_MOUNTS) {
            List<Double> beats = guest.awaitHeartbeatAfter(mount, afterThaw);
            double gap = GuestVm.largestGap(beats, before);
            long written = beats.stream().filter(t -> t > stall[0] && t < stall[1]).count();
            LOG.info("{} (not frozen): largest heartbeat gap {} s, {} heartbeats while {} was stalled", mount, gap, written,
                    SNAPSHOTTED_MOUNT);
            assertTrue(mount + " wrote only " + written + " heartbeats while " + SNAPSHOTTED_MOUNT + " was stalled", written >= 3);
            assertTrue(mount + " stalled too: largest heartbeat gap " + gap + " s, " + SNAPSHOTTED_MOUNT + "'s " + frozenGap
                    + " s", gap < frozenGap / 2);
        }
        LOG.info("/data (not frozen; its writer runs a global sync): largest heartbeat gap {} s",
                GuestVm.largestGap(guest.awaitHeartbeatAfter("/data", afterThaw), before));

        Path image = setup.simulator.snapshotImagePath(volume.id(), result.snapshots().get(0).snapshotName());
        assertTrue("snapshot image missing: " + image, Files.isRegularFile(image));
        HostCommand.Result check = Ext4Image.check(image);
        LOG.info("snapshot of {}: features {}, e2fsck -fn exit {}", SNAPSHOTTED_MOUNT, Ext4Image.features(image), check.exitCode);
        assertFalse("the snapshot needs a journal replay, so it was not taken frozen: " + image, Ext4Image.needsRecovery(image));
        assertEquals("e2fsck -fn on the snapshot:\n" + check.output, 0, check.exitCode);
    }

    @Test
    public void aSnapshotOfEveryVolumeFreezesTheWholeGuest() throws Exception {
        ConsistentSnapshotRequest.Builder request = ConsistentSnapshotRequest.builder(guest.name())
                .policy(ConsistencyPolicy.REQUIRED).limits(FreezeLimits.defaults());
        for (SimVolume volume : setup.volumes) {
            request.volumeWithSerial(volume.id(), "vm-" + UUID.randomUUID(), GuestOnSimulatedVolumes.serialOf(volume.id()));
        }

        ConsistentSnapshotResult result = engine.snapshot(request.build());

        FreezeScope scope = result.freezeScope().get();
        assertEquals(scope.describe(), FreezeScope.Kind.WHOLE_GUEST, scope.kind());
        assertEquals("every disk of the domain is snapshotted", scope.wholeGuestReason().get());
        assertEquals(VOLUMES, result.frozenFileSystems());
    }

    /** The operator's path: {@code elastisnap create DOMAIN --disk vdb=VOLUME}, one disk of four, by its target. */
    @Test
    public void theCliCreateOfOneDiskFreezesOnlyItsFileSystem() throws Exception {
        Path keyFile = setup.directory().resolve("api-key");
        Files.writeString(keyFile, setup.simulator.apiKey() + "\n");
        Files.setPosixFilePermissions(keyFile, PosixFilePermissions.fromString("rw-------"));
        Map<String, String> env = Map.of("ELASTICENTER_URL", setup.simulator.baseUrl().toString(),
                "ELASTICENTER_API_KEY_FILE", keyFile.toString(), "ELASTICENTER_PIN_SHA256", setup.simulator.certificateSha256(),
                "LIBVIRT_DEFAULT_URI", fixture.libvirtUri(), "ELASTISNAP_STATE_DIR", setup.directory().resolve("cli-state").toString());
        Path log = setup.directory().resolve("cli-create.log");

        Process cli = ChildJvm.cli(List.of("create", guest.name(), "--disk", "vdb=" + setup.volumes.get(1).id(), "--json"), env, log);

        assertTrue("the CLI did not finish within 2 min", cli.waitFor(2, TimeUnit.MINUTES));
        String output = Files.readString(log);
        assertEquals(output, 0, cli.exitValue());
        JsonObject result = JsonParser.parseString(output.substring(output.indexOf('{'))).getAsJsonObject().getAsJsonObject("result");
        JsonObject scope = result.getAsJsonObject("freezeScope");
        LOG.info("elastisnap create --disk vdb=...: {} {}", result.get("consistencyLevel"), scope);
        assertEquals("FS_FROZEN", result.get("consistencyLevel").getAsString());
        assertEquals("partial freeze", scope.get("kind").getAsString());
        assertEquals("[\"/data1\"]", scope.get("frozenMountPoints").toString());
        assertEquals(VOLUMES - 1, scope.get("fileSystemsKeptRunning").getAsInt());
    }

    @Test
    public void whatTheThawGuardRunsThawsAPartialFreeze() throws Exception {
        JsonArray mountPoints = new JsonArray();
        mountPoints.add(SNAPSHOTTED_MOUNT);
        JsonObject arguments = new JsonObject();
        arguments.add("mountpoints", mountPoints);
        assertEquals(1, guest.agent("guest-fsfreeze-freeze-list", arguments, 10).getAsInt());
        assertEquals("frozen", guest.freezeStatus());

        // the thaw guard's thaw (thaw-guard.sh) and the journal recovery's (guest-fsfreeze-thaw) thaw every file system
        HostCommand.runOk("virsh", "-c", fixture.libvirtUri(), "domfsthaw", guest.name());

        assertEquals("thawed", guest.freezeStatus());
        double thawedAt = guest.uptime();
        guest.awaitHeartbeatAfter(SNAPSHOTTED_MOUNT, thawedAt);
    }
}
