// Licensed under the Apache License, Version 2.0. See LICENSE in the project root.
package io.elastisnap.e2e;

import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertFalse;
import static org.junit.Assert.assertNotNull;
import static org.junit.Assert.assertTrue;
import static org.junit.Assert.fail;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Collectors;
import java.util.stream.Stream;

import org.apache.logging.log4j.LogManager;
import org.apache.logging.log4j.Logger;
import org.junit.After;
import org.junit.AfterClass;
import org.junit.BeforeClass;
import org.junit.Test;

import io.elastisnap.elasticenter.DatasetSnapshot;
import io.elastisnap.elasticenter.ElastiCenterClient;
import io.elastisnap.engine.ConsistencyEngine;
import io.elastisnap.engine.ConsistencyLevel;
import io.elastisnap.engine.ConsistencyPolicy;
import io.elastisnap.engine.ConsistentSnapshotException;
import io.elastisnap.engine.ConsistentSnapshotRequest;
import io.elastisnap.engine.ConsistentSnapshotResult;
import io.elastisnap.engine.FreezeLimits;
import io.elastisnap.engine.RecoveryOutcome;
import io.elastisnap.engine.VolumeOutcome;
import io.elastisnap.simulator.ElastiCenterSimulator;
import io.elastisnap.simulator.Fault;
import io.elastisnap.simulator.SimVolume;

/**
 * Issue 4's end-to-end proof: the consistency engine (libvirt guest quiescer + ElastiCenter client over real HTTPS)
 * against a real QEMU guest running qemu-guest-agent, whose two ext4 data disks are volume images of the ElastiCenter
 * simulator on the fixture's reflink store. All scenarios share one booted guest (a boot costs about 7 s under TCG);
 * after each one the guest must be thawed, and the class ends with a summary of the faults injected and the number of
 * guests left frozen, which must be zero.
 */
public class ConsistentSnapshotOnRealGuestTest {

    private static final Logger LOG = LogManager.getLogger(ConsistentSnapshotOnRealGuestTest.class);
    private static final String CREATE_SNAPSHOT = "createStorageSnapshot";
    private static final int VOLUMES = 2;
    private static final Duration AGENT_BACK = Duration.ofSeconds(60);
    private static final double GUEST_CLOCK_TOLERANCE = 0.15;

    private static Fixture fixture;
    private static GuestOnSimulatedVolumes setup;
    private static Path dataDirectory;
    private static ElastiCenterSimulator simulator;
    private static ElastiCenterClient client;
    private static List<SimVolume> volumes;
    private static GuestVm guest;
    private static EngineWiring wiring;
    private static ConsistencyEngine engine;
    private static ExecutorService background;

    private static final Map<String, Integer> faultsInjected = new LinkedHashMap<>();
    private static int guestsLeftFrozen;
    private static final AtomicInteger snapshotSequence = new AtomicInteger();

    @BeforeClass
    public static void bootGuestOnSimulatedVolumes() throws Exception {
        fixture = Fixture.require();
        setup = GuestOnSimulatedVolumes.boot(fixture, "scenarios", VOLUMES, true);
        dataDirectory = setup.directory();
        simulator = setup.simulator;
        client = setup.client;
        volumes = setup.volumes;
        guest = setup.guest;
        wiring = EngineWiring.create(fixture.libvirtUri(), client, dataDirectory.resolve("journal"));
        engine = wiring.engine();
        background = Executors.newCachedThreadPool();
    }

    @After
    public void guestMustEndThawed() throws Exception {
        if (guest == null) {
            return;
        }
        simulator.faults().clear(); // releases hung calls, so their late cleanup can finish
        // thaw retries, late-freeze watches and late snapshot cleanups of this scenario end before the next one
        boolean engineIdle = engine.awaitIdle(Duration.ofSeconds(90));
        guest.awaitAgent(AGENT_BACK);
        boolean leftFrozen = guest.thawIfFrozen(); // first: a frozen guest refuses guest-exec
        if (leftFrozen) {
            guestsLeftFrozen++;
        }
        guest.execOk("rm -f /data/.load");
        setup.deleteAllSnapshots();
        assertFalse("the scenario left the guest frozen (the test cleanup thawed it)", leftFrozen);
        assertTrue("engine background work still running 90 s after the scenario", engineIdle);
    }

    @AfterClass
    public static void summary() throws Exception {
        if (fixture == null) {
            return; // skipped or failed before anything ran
        }
        try {
            if (guest != null && guest.thawIfFrozen()) {
                guestsLeftFrozen++;
            }
        } finally {
            tearDownInfrastructure();
        }
        int total = faultsInjected.values().stream().mapToInt(Integer::intValue).sum();
        System.out.println("E2E SUMMARY: faults injected: " + total + " " + faultsInjected
                + ", guests left frozen: " + guestsLeftFrozen);
        assertEquals("guests left frozen", 0, guestsLeftFrozen);
    }

    private static void tearDownInfrastructure() throws IOException {
        if (background != null) {
            background.shutdownNow();
        }
        if (wiring != null) {
            wiring.close();
        }
        if (setup != null) {
            setup.close();
        }
    }

    // ------------------------------------------------------------------------------------------------ scenario 1

    /**
     * Guest times are guest uptimes. Under TCG on a loaded host the guest clock was measured lagging the host by up
     * to ~10 % over a 2 s freeze, so durations are compared with {@link #GUEST_CLOCK_TOLERANCE}; the count of
     * heartbeats started inside the guest's own freeze interval does not depend on clock rates at all.
     */
    @Test
    public void guestWritesStopWhileFrozenAndResumeAfterThaw() throws Exception {
        Duration hold = Duration.ofSeconds(2);
        injectArrayFault("array latency (holds the freeze open)", Fault.latency(hold));
        int hookLogBefore = guest.freezeHookLog().size();
        double before = guest.uptime();

        ConsistentSnapshotResult result = engine.snapshot(request("heartbeat", ConsistencyPolicy.REQUIRED,
                FreezeLimits.defaults()));

        double afterThaw = guest.uptime();
        assertEquals(ConsistencyLevel.FS_FROZEN, result.level());
        assertEquals(VOLUMES, result.snapshots().size());
        List<Double> beats = guest.awaitHeartbeatAfter("/data", afterThaw);
        double gap = GuestVm.largestGap(beats, before);
        double window = result.timings().frozenWindow().toMillis() / 1000.0;
        double minimumStall = hold.toMillis() / 1000.0 * (1 - GUEST_CLOCK_TOLERANCE);
        // the hook logs "freeze" before the agent's FIFREEZE and "thaw" after its FITHAW
        List<String> hookLog = guest.freezeHookLog();
        List<String> freezeEvents = hookLog.subList(hookLogBefore, hookLog.size());
        assertEquals("one freeze and one thaw in the guest: " + freezeEvents, 2, freezeEvents.size());
        double guestFrozenFrom = hookTime(freezeEvents.get(0), "freeze");
        double guestThawedAt = hookTime(freezeEvents.get(1), "thaw");
        long startedWhileFrozen = beats.stream().filter(t -> t > guestFrozenFrom && t < guestThawedAt).count();
        LOG.info("heartbeat stalled {} s (hold {} s, engine frozen window {} s); guest froze at {} and thawed at {}, "
                + "{} heartbeat(s) started in between; beats since the snapshot began: {}", gap,
                hold.toMillis() / 1000.0, window, guestFrozenFrom, guestThawedAt, startedWhileFrozen,
                beats.stream().filter(t -> t >= before).collect(Collectors.toList()));

        assertTrue("guest writes did not stall for the hold: largest heartbeat gap " + gap + " s < " + minimumStall,
                gap >= minimumStall);
        assertTrue("guest frozen for only " + (guestThawedAt - guestFrozenFrom) + " s",
                guestThawedAt - guestFrozenFrom >= minimumStall);
        // a few start between the hook and the agent's FIFREEZE (the last one blocks); unfrozen, ten would start in 2 s
        assertTrue(startedWhileFrozen + " heartbeats started while the guest was frozen", startedWhileFrozen <= 3);
        assertTrue("no heartbeat after the thaw", beats.get(beats.size() - 1) > guestThawedAt);
        // the stall is the freeze, not a slow emulator: it fits in the window the engine reports
        assertTrue("heartbeat gap " + gap + " s exceeds the frozen window " + window + " s by more than 1 s",
                gap <= window + 1.0);
    }

    private static double hookTime(String hookLine, String expectedEvent) {
        String[] fields = hookLine.split(" ");
        assertEquals("freeze hook event in '" + hookLine + "'", expectedEvent, fields[0]);
        return Double.parseDouble(fields[1]);
    }

    // ------------------------------------------------------------------------------------------------ scenario 2

    @Test
    public void requiredSnapshotIsFileSystemConsistentWhileUnfrozenControlUnderLoadIsNot() throws Exception {
        startWriteLoad();

        ConsistentSnapshotResult control = engine.snapshot(request("control-off", ConsistencyPolicy.OFF,
                FreezeLimits.defaults()));
        ConsistentSnapshotResult frozen = engine.snapshot(request("required", ConsistencyPolicy.REQUIRED,
                FreezeLimits.defaults()));

        assertEquals(ConsistencyLevel.CRASH_CONSISTENT, control.level());
        assertEquals(ConsistencyLevel.FS_FROZEN, frozen.level());
        for (int i = 0; i < VOLUMES; i++) {
            Path unfrozenImage = snapshotImage(control, i);
            Path frozenImage = snapshotImage(frozen, i);
            HostCommand.Result unfrozenCheck = Ext4Image.check(unfrozenImage);
            HostCommand.Result frozenCheck = Ext4Image.check(frozenImage);
            LOG.info("volume {}: policy OFF snapshot features {} (e2fsck -fn exit {}); REQUIRED snapshot features {} "
                    + "(e2fsck -fn exit {})", i, Ext4Image.features(unfrozenImage), unfrozenCheck.exitCode,
                    Ext4Image.features(frozenImage), frozenCheck.exitCode);

            assertTrue("control snapshot taken without freeze under write load should need journal recovery: "
                    + unfrozenImage, Ext4Image.needsRecovery(unfrozenImage));
            assertFalse("REQUIRED snapshot needs journal recovery, so it was not taken frozen: " + frozenImage,
                    Ext4Image.needsRecovery(frozenImage));
            assertEquals("e2fsck -fn on the REQUIRED snapshot:\n" + frozenCheck.output, 0, frozenCheck.exitCode);
            assertFalse("e2fsck -fn wanted a journal replay on the REQUIRED snapshot:\n" + frozenCheck.output,
                    frozenCheck.output.contains("journal"));
        }
    }

    // ------------------------------------------------------------------------------------------------ scenario 3

    @Test
    public void arrayHangingOnSnapshotThawsGuestWithinWindowAndLeavesNoSnapshot() throws Exception {
        Duration maxWindow = Duration.ofSeconds(2);
        // one of the two parallel calls hangs, the other succeeds: its snapshot must be rolled back
        injectArrayFault("array hang on " + CREATE_SNAPSHOT, Fault.hang().times(1));
        FreezeLimits limits = FreezeLimits.builder().maxFrozenWindow(maxWindow).freezeTimeout(Duration.ofSeconds(1))
                .build();

        Future<ConsistentSnapshotResult> call = background.submit(
                () -> engine.snapshot(request("hang", ConsistencyPolicy.REQUIRED, limits)));
        guest.awaitFreezeStatus("frozen", Duration.ofSeconds(10));
        Duration frozenSeen = guest.awaitFreezeStatus("thawed", maxWindow.plusSeconds(10));

        LOG.info("array hang: guest seen frozen for {} ms (max window {} ms)", frozenSeen.toMillis(), maxWindow.toMillis());
        assertTrue("guest stayed frozen " + frozenSeen.toMillis() + " ms, more than max window + 1 s",
                frozenSeen.compareTo(maxWindow.plusSeconds(1)) <= 0);
        ConsistentSnapshotException failure = expectFailure(call);
        assertEquals(failure.getMessage(), ConsistentSnapshotException.Reason.WINDOW_EXCEEDED, failure.reason());
        assertTrue("engine reports a frozen window of " + failure.timings().frozenWindow(),
                failure.timings().frozenWindow().compareTo(maxWindow.plusSeconds(1)) <= 0);
        assertTrue("no snapshot may be left on the array: " + failure.leftOnArray(), failure.leftOnArray().isEmpty());
        assertArrayHoldsNoSnapshot();

        // releasing the hung call lets it complete late; the engine must not leave that snapshot behind either
        simulator.faults().clear();
        List<VolumeOutcome> late = failure.lateCleanup().get(60, TimeUnit.SECONDS);
        LOG.info("array hang: {} -> late cleanup {}", failure.getMessage(), late);
        assertTrue("late cleanup left snapshots: " + late,
                late.stream().noneMatch(o -> o.state() == VolumeOutcome.State.DELETE_FAILED));
        assertArrayHoldsNoSnapshot();
    }

    @Test
    public void oneVolumeFailingOnTheArrayRollsBackTheOtherAndThaws() throws Exception {
        injectArrayFault("array error on " + CREATE_SNAPSHOT, Fault.error(530, "simulated pool failure").times(1));

        ConsistentSnapshotException failure = expectFailure(background.submit(
                () -> engine.snapshot(request("error", ConsistencyPolicy.REQUIRED, FreezeLimits.defaults()))));

        assertEquals(failure.getMessage(), ConsistentSnapshotException.Reason.SNAPSHOT_FAILED, failure.reason());
        assertEquals("thawed", guest.freezeStatus());
        // the other volume's call may still be running when the failure is reported; its snapshot goes when it returns
        List<VolumeOutcome> outcomes = failure.lateCleanup().get(60, TimeUnit.SECONDS);
        LOG.info("array error: {} -> final outcomes {}", failure.getMessage(), outcomes);
        assertEquals(List.of(VolumeOutcome.State.FAILED, VolumeOutcome.State.DELETED),
                outcomes.stream().map(VolumeOutcome::state).sorted().collect(Collectors.toList()));
        assertArrayHoldsNoSnapshot();
    }

    // ------------------------------------------------------------------------------------------------ scenario 4

    @Test
    public void orchestratorKilledWhileGuestFrozenIsThawedByItsGuardAndTheNextStartSaysSo() throws Exception {
        Path journal = dataDirectory.resolve("journal-killed-orchestrator");
        injectArrayFault("array hang on " + CREATE_SNAPSHOT, Fault.hang());
        Process orchestrator = startOrchestrator(journal);
        try {
            guest.awaitFreezeStatus("frozen", Duration.ofSeconds(60));
            assertTrue("the orchestrator exited before the kill, see its log", orchestrator.isAlive());
            orchestrator.destroyForcibly(); // SIGKILL: no shutdown hook, no finally block runs
            recordFault("orchestrator kill -9 while frozen");
            assertTrue(orchestrator.waitFor(10, TimeUnit.SECONDS));
            assertEquals("killed by SIGKILL", 128 + 9, orchestrator.exitValue());
        } finally {
            orchestrator.destroyForcibly();
        }
        // its frozen window is 10 min: only its thaw guard, which saw the pipe close, can thaw it this soon
        Duration thawed = guest.awaitFreezeStatus("thawed", Duration.ofSeconds(10));
        LOG.info("kill -9: the orchestrator's thaw guard thawed the guest ({} ms after the kill was seen)", thawed.toMillis());
        assertFalse("the killed orchestrator left its journal entry", isEmptyDirectory(journal));

        try (ElastiCenterClient restartedClient = EngineWiring.client(simulator.baseUrl(), simulator.apiKey(),
                simulator.certificateSha256());
             EngineWiring restarted = EngineWiring.create(fixture.libvirtUri(), restartedClient, journal)) {
            List<RecoveryOutcome> recovered = restarted.engine().recoverFromJournal();
            LOG.info("kill -9: recovery outcomes {}", recovered);
            assertTrue("recovery did not report the guard's thaw of " + guest.name() + ": " + recovered, recovered.stream()
                    .anyMatch(o -> o.domainName().equals(guest.name()) && o.action() == RecoveryOutcome.Action.NOT_FROZEN
                            && o.thawedBy().equals(java.util.Optional.of(RecoveryOutcome.Thawer.THAW_GUARD))));
        }
    }

    private Process startOrchestrator(Path journal) throws IOException {
        String classpath = System.getProperty("surefire.test.class.path", System.getProperty("java.class.path"));
        Path java = Paths.get(System.getProperty("java.home"), "bin", "java");
        Path log = fixture.logDir().resolve("orchestrator-" + System.currentTimeMillis() + ".log");
        ProcessBuilder builder = new ProcessBuilder(java.toString(), "-cp", classpath,
                FreezeThenHangOnArray.class.getName(), fixture.libvirtUri(), guest.name(),
                simulator.baseUrl().toString(), simulator.certificateSha256(), journal.toString(),
                volumes.get(0).id(), nextSnapshotName("killed"))
                .redirectErrorStream(true)
                .redirectOutput(log.toFile());
        builder.environment().put(FreezeThenHangOnArray.API_KEY_VARIABLE, simulator.apiKey());
        LOG.info("orchestrator child JVM started, log {}", log);
        return builder.start();
    }

    // ------------------------------------------------------------------------------------------------ scenario 5

    @Test
    public void agentHungBeforeTheSnapshotIsRefusedWithoutFreezing() throws Exception {
        String agentPid = guest.execOk("pidof qemu-ga").trim();
        // the pause lets the agent answer this guest-exec before it is stopped
        guest.execInBackground("sleep 0.5; kill -STOP " + agentPid + "; sleep 4; kill -CONT " + agentPid);
        recordFault("guest agent SIGSTOP before the snapshot");
        awaitAgentHung();

        FreezeLimits limits = FreezeLimits.builder().preflightTimeout(Duration.ofSeconds(1)).build();
        ConsistentSnapshotException failure = expectFailure(background.submit(
                () -> engine.snapshot(request("agent-hung", ConsistencyPolicy.REQUIRED, limits))));

        LOG.info("agent hung before the snapshot: {}", failure.getMessage());
        assertEquals(ConsistentSnapshotException.Reason.AGENT_NOT_RESPONDING, failure.reason());
        assertArrayHoldsNoSnapshot();
        guest.awaitAgent(AGENT_BACK);
        assertEquals("thawed", guest.freezeStatus());
    }

    @Test
    public void agentHungInsideTheFreezeFreezesLateAndEndsThawed() throws Exception {
        int agentStoppedSeconds = 6;
        int hookLogBefore = guest.freezeHookLog().size();
        guest.stopAgentInsideNextFreeze(agentStoppedSeconds);
        recordFault("guest agent SIGSTOP inside the freeze");
        // the engine watches for the late freeze for thawRetryFor, polling with the backoff below
        FreezeLimits limits = FreezeLimits.builder()
                .freezeTimeout(Duration.ofSeconds(2))
                .maxFrozenWindow(Duration.ofSeconds(4))
                .thawTimeout(Duration.ofSeconds(2))
                .thawRetryFor(Duration.ofSeconds(agentStoppedSeconds + 8))
                .thawRetryBackoff(Duration.ofMillis(250), Duration.ofSeconds(1))
                .build();

        ConsistentSnapshotException failure = expectFailure(background.submit(
                () -> engine.snapshot(request("agent-hung-in-freeze", ConsistencyPolicy.REQUIRED, limits))));
        assertEquals(failure.getMessage(), ConsistentSnapshotException.Reason.FREEZE_TIMEOUT, failure.reason());
        assertArrayHoldsNoSnapshot();

        guest.awaitAgent(AGENT_BACK);
        Duration untilThawed = guest.awaitFreezeStatus("thawed", Duration.ofSeconds(agentStoppedSeconds + 30));
        List<String> hookLog = guest.freezeHookLog();
        List<String> events = hookLog.subList(hookLogBefore, hookLog.size()).stream()
                .map(line -> line.split(" ")[0]).collect(Collectors.toList());
        LOG.info("agent hung inside the freeze: {}; guest events {}; thawed {} ms after the agent answered again",
                failure.getMessage(), hookLog.subList(hookLogBefore, hookLog.size()), untilThawed.toMillis());
        // the agent froze after the host had given up on the freeze call, and was thawed after that
        int continued = events.indexOf("agent-continued");
        assertTrue("the agent was not stopped inside the freeze: " + events,
                events.indexOf("agent-stopped") >= 0 && continued > events.indexOf("agent-stopped"));
        assertTrue("no thaw after the late freeze: " + events, events.subList(continued, events.size()).contains("thaw"));
        assertEquals("thaw", events.get(events.size() - 1));
    }

    // ------------------------------------------------------------------------------------------------ helpers

    private static ConsistentSnapshotRequest request(String label, ConsistencyPolicy policy, FreezeLimits limits) {
        ConsistentSnapshotRequest.Builder builder = ConsistentSnapshotRequest.builder(guest.name())
                .policy(policy).limits(limits);
        String name = nextSnapshotName(label);
        volumes.forEach(volume -> builder.volume(volume.id(), name));
        return builder.build();
    }

    private static String nextSnapshotName(String label) {
        return "e2e-" + label + "-" + snapshotSequence.incrementAndGet();
    }

    private static void injectArrayFault(String description, Fault fault) {
        simulator.faults().inject(CREATE_SNAPSHOT, fault);
        recordFault(description);
    }

    private static void recordFault(String description) {
        faultsInjected.merge(description, 1, Integer::sum);
    }

    private static ConsistentSnapshotException expectFailure(Future<ConsistentSnapshotResult> call) throws Exception {
        try {
            ConsistentSnapshotResult result = call.get(120, TimeUnit.SECONDS);
            throw new AssertionError("expected the snapshot to fail, it succeeded: " + result);
        } catch (ExecutionException e) {
            if (e.getCause() instanceof ConsistentSnapshotException) {
                ConsistentSnapshotException failure = (ConsistentSnapshotException) e.getCause();
                assertNotNull("failure without a message", failure.getMessage());
                assertFalse("failure without a message", failure.getMessage().isBlank());
                return failure;
            }
            throw e;
        } catch (TimeoutException e) {
            call.cancel(true);
            throw new AssertionError("the engine did not return within 120 s", e);
        }
    }

    private static void startWriteLoad() throws Exception {
        guest.execOk("touch /data/.load");
        // wait until the generator has written on every volume, so the journals are live
        guest.execOk("i=0; while [ $i -lt 100 ] && ! { [ -e /data/load-1 ] && [ -e /data1/load-1 ]; }; "
                + "do sleep 0.1; i=$((i+1)); done; [ -e /data1/load-1 ]");
    }

    /** Waits until guest-ping stops answering (the background script stopped the agent). */
    private static void awaitAgentHung() throws Exception {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        while (System.nanoTime() < deadline) {
            try {
                guest.agent("guest-ping", null, 1);
                Thread.sleep(100);
            } catch (org.libvirt.LibvirtException hung) {
                return;
            }
        }
        fail("the guest agent kept answering after kill -STOP");
    }

    private static Path snapshotImage(ConsistentSnapshotResult result, int volume) {
        Path image = simulator.snapshotImagePath(volumes.get(volume).id(), result.snapshots().get(volume).snapshotName());
        assertTrue("snapshot image missing: " + image, Files.isRegularFile(image));
        return image;
    }

    private static void assertArrayHoldsNoSnapshot() throws IOException {
        for (SimVolume volume : volumes) {
            assertEquals("snapshots on " + volume.id(), List.of(), snapshotPathsOnArray(volume.id()));
        }
        try (Stream<Path> files = Files.list(dataDirectory.resolve("snapshots"))) {
            List<Path> images = files.collect(Collectors.toList());
            assertTrue("snapshot image files left: " + images, images.isEmpty());
        }
    }

    private static List<String> snapshotPathsOnArray(String volumeId) {
        return setup.snapshotPaths(volumeId);
    }

    private static boolean isEmptyDirectory(Path directory) throws IOException {
        if (!Files.isDirectory(directory)) {
            return true;
        }
        try (Stream<Path> entries = Files.list(directory)) {
            return entries.findAny().isEmpty();
        }
    }
}
