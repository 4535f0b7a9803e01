// Licensed under the Apache License, Version 2.0. See LICENSE in the project root.
package io.elastisnap.e2e;

import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertFalse;
import static org.junit.Assert.assertTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;

import org.apache.logging.log4j.LogManager;
import org.apache.logging.log4j.Logger;
import org.junit.After;
import org.junit.AfterClass;
import org.junit.Before;
import org.junit.BeforeClass;
import org.junit.Rule;
import org.junit.Test;
import org.junit.rules.TestName;

import com.google.gson.JsonObject;
import com.google.gson.JsonParser;

import io.elastisnap.simulator.ElastiCenterSimulator;
import io.elastisnap.simulator.Fault;
import io.elastisnap.simulator.SimVolume;

/**
 * Issue 16's proof on the real guest: the orchestrating process (the elastisnap CLI, or a JVM standing in for the
 * CloudStack KVM agent) is killed with kill -9 while the guest is frozen. Its thaw guard, a process of its own, must
 * thaw the guest within the frozen window + 1 s without any restart; with the guard killed too, the next start must
 * thaw it from the freeze journal. A process of its own reads the guest's freeze status every 100 ms throughout
 * ({@link FreezeStatusPoller}), so frozen-at and thawed-at are the guest's, not the orchestrator's, view. Also: the
 * CLI's answer against a hung array, and a domain paused while frozen.
 */
public class DeadOrchestratorOnRealGuestTest {

    private static final Logger LOG = LogManager.getLogger(DeadOrchestratorOnRealGuestTest.class);
    private static final String CREATE_SNAPSHOT = "createStorageSnapshot";
    private static final String GUARD_NAME = "elastisnap-thaw-guard";
    /** The CLI's and the agent's default window. */
    private static final Duration WINDOW = Duration.ofSeconds(8);
    private static final Duration BOUND = WINDOW.plusSeconds(1);
    private static final Duration STILL_FROZEN_FOR = Duration.ofSeconds(2);

    private static Fixture fixture;
    private static GuestOnSimulatedVolumes setup;
    private static ElastiCenterSimulator simulator;
    private static List<SimVolume> volumes;
    private static GuestVm guest;
    private static Path keyFile;
    private static final List<String> figures = new ArrayList<>();
    private static int guestsLeftFrozen;

    @Rule
    public final TestName testName = new TestName();

    private Path work;
    private FreezeStatusPoller poller;
    private final List<Process> processes = new ArrayList<>();
    private final Map<Process, Path> logs = new HashMap<>();

    @BeforeClass
    public static void bootGuest() throws Exception {
        fixture = Fixture.require();
        setup = GuestOnSimulatedVolumes.boot(fixture, "dead-orchestrator", 2, false);
        simulator = setup.simulator;
        volumes = setup.volumes;
        guest = setup.guest;
        keyFile = setup.directory().resolve("api-key");
        Files.writeString(keyFile, simulator.apiKey() + "\n");
        Files.setPosixFilePermissions(keyFile, PosixFilePermissions.fromString("rw-------"));
    }

    @Before
    public void startPoller() throws Exception {
        work = Files.createDirectories(setup.directory().resolve(testName.getMethodName()));
        poller = FreezeStatusPoller.start(fixture.libvirtUri(), guest.name(), work.resolve("freeze-status.log"));
        poller.await("thawed", Instant.EPOCH, Duration.ofSeconds(30));
    }

    @After
    public void guestMustEndThawed() throws Exception {
        poller.close();
        keepLogs();
        processes.forEach(Process::destroyForcibly);
        guardsOfOurGuest().forEach(ProcessHandle::destroyForcibly);
        simulator.faults().clear();
        guest.resumeIfPaused(); // a failed pause scenario must not leave it paused
        guest.awaitAgent(Duration.ofSeconds(60));
        boolean leftFrozen = guest.thawIfFrozen();
        if (leftFrozen) {
            guestsLeftFrozen++;
        }
        setup.deleteAllSnapshots();
        assertFalse("the scenario left the guest frozen (the test cleanup thawed it)", leftFrozen);
    }

    @AfterClass
    public static void summary() throws Exception {
        if (fixture == null) {
            return;
        }
        try {
            if (guest != null && guest.thawIfFrozen()) {
                guestsLeftFrozen++;
            }
        } finally {
            if (setup != null) {
                setup.close();
            }
        }
        System.out.println("DEAD ORCHESTRATOR FIGURES (guest freeze status read every 100 ms by a process of its own):");
        figures.forEach(f -> System.out.println("  " + f));
        System.out.println("DEAD ORCHESTRATOR SUMMARY: guests left frozen: " + guestsLeftFrozen);
        assertEquals("guests left frozen", 0, guestsLeftFrozen);
    }

    // ------------------------------------------------------------------------------------------------ the CLI

    @Test
    public void cliKilledWhileFrozenIsThawedByItsGuardWithoutARestartAndTheNextRunSaysSo() throws Exception {
        simulator.faults().inject(CREATE_SNAPSHOT, Fault.hang());
        Path state = work.resolve("state");
        Process cli = cli(state, "cli.log", create());

        Kill kill = killWhileFrozen(cli, false);
        Instant thawedAt = poller.await("thawed", kill.frozenAt, remaining(kill.frozenAt, BOUND));

        record("kill -9 of the CLI", kill, null, thawedAt);
        assertWithin(kill.frozenAt, thawedAt, BOUND);
        String guardLog = Files.readString(state.resolve("journal").resolve(guest.name() + ".thaw-guard.log"));
        assertTrue("the guard thawed because its orchestrator died: " + guardLog, guardLog.contains("why=orchestrator-gone"));

        simulator.faults().clear();
        Run listed = run(cli(state, "list.log", List.of("list")));
        assertEquals(listed.output, 0, listed.exitCode);
        assertTrue(listed.output, listed.output.contains("freeze journal: " + guest.name() + ": frozen at "));
        assertTrue(listed.output, listed.output.contains("by pid " + cli.pid() + " "));
        assertTrue(listed.output, listed.output.contains("its thaw guard had thawed it at "));
        assertTrue("list alone finishes the dead create: " + listed.output,
                listed.output.contains("finished an interrupted create of " + guest.name()));
        assertTrue(listed.output, listed.output.contains("records and array agree"));
        assertArrayHoldsNoSnapshot();
    }

    @Test
    public void cliAndItsGuardKilledWhileFrozenAreThawedByTheNextStart() throws Exception {
        simulator.faults().inject(CREATE_SNAPSHOT, Fault.hang());
        Path state = work.resolve("state");
        Process cli = cli(state, "cli.log", create());

        Kill kill = killWhileFrozen(cli, true);
        Thread.sleep(STILL_FROZEN_FOR.toMillis());
        assertTrue("nothing may thaw the guest while no process of ours runs: readings in " + work,
                poller.onlyBetween("frozen", kill.killedAt.plusMillis(200), kill.killedAt.plus(STILL_FROZEN_FOR)));

        simulator.faults().clear();
        Instant restartAt = Instant.now();
        Process restarted = cli(state, "list.log", List.of("list", "--debug"));
        Instant thawedAt = poller.await("thawed", restartAt, Duration.ofSeconds(60));
        Run listed = run(restarted);

        record("kill -9 of the CLI and its guard, then the next CLI start", kill, restartAt, thawedAt);
        assertEquals(listed.output, 0, listed.exitCode);
        assertTrue(listed.output, listed.output.contains("by pid " + cli.pid() + " "));
        assertTrue(listed.output, listed.output.contains("thawed now, "));
        assertArrayHoldsNoSnapshot();
    }

    @Test
    public void cliAnswersAHungArrayRightAfterTheThawAndLeavesNothingBehind() throws Exception {
        simulator.faults().inject(CREATE_SNAPSHOT, Fault.hang());
        Path state = work.resolve("state");
        List<String> args = new ArrayList<>(create());
        args.addAll(List.of("--max-frozen-window", "3s", "--freeze-timeout", "2s"));
        Instant startedAt = Instant.now();
        Process cli = cli(state, "cli.log", args);

        Run answer = run(cli);
        Instant answeredAt = Instant.now();
        Instant frozenAt = poller.first("frozen", startedAt).orElseThrow(() -> new AssertionError("never frozen"));
        Instant thawedAt = poller.first("thawed", frozenAt).orElseThrow(() -> new AssertionError("never thawed"));
        String figure = "CLI against a hung array (window 3 s): final answer " + Duration.between(startedAt, answeredAt).toMillis()
                + " ms after start; guest frozen at +" + Duration.between(startedAt, frozenAt).toMillis() + " ms, thawed at +"
                + Duration.between(startedAt, thawedAt).toMillis() + " ms; answer " + Duration.between(thawedAt, answeredAt).toMillis()
                + " ms after the thaw" + (System.getProperty(ChildJvm.CLI_JAR_PROPERTY, "").isBlank() ? ""
                : " (CLI " + System.getProperty(ChildJvm.CLI_JAR_PROPERTY) + ")");
        figures.add(figure);
        LOG.info("{}; output:\n{}", figure, answer.output);

        assertEquals(answer.output, 1, answer.exitCode);
        assertTrue(answer.output, answer.output.contains("still outstanding on the array: esnap-"));
        assertTrue("answered " + Duration.between(thawedAt, answeredAt).toMillis() + " ms after the thaw",
                Duration.between(thawedAt, answeredAt).compareTo(Duration.ofSeconds(5)) <= 0);

        simulator.faults().clear();
        Run reconciled = run(cli(state, "reconcile.log", List.of("reconcile")));
        assertEquals(reconciled.output, 0, reconciled.exitCode);
        assertTrue(reconciled.output, reconciled.output.contains("records and array agree"));
        assertArrayHoldsNoSnapshot();
    }

    @Test
    public void cliSaysWhenTheDomainWasPausedWhileFrozen() throws Exception {
        simulator.faults().inject(CREATE_SNAPSHOT, Fault.latency(Duration.ofSeconds(3)));
        Path state = work.resolve("state");
        List<String> args = new ArrayList<>(create());
        args.add("--json");
        Instant startedAt = Instant.now();
        Process cli = cli(state, "cli.log", args);

        Instant frozenAt = poller.await("frozen", startedAt, Duration.ofSeconds(60));
        guest.suspend();
        Instant pausedAt = Instant.now();
        Thread.sleep(4_000); // the snapshots return at 3 s, and the thaw is refused while paused
        guest.resumeIfPaused();
        Instant resumedAt = Instant.now();
        Run answer = run(cli);
        Instant thawedAt = poller.await("thawed", resumedAt, Duration.ofSeconds(30));

        figures.add("domain paused while frozen: frozen at " + frozenAt + ", paused at " + pausedAt + ", resumed at " + resumedAt
                + ", thawed at " + thawedAt + " (" + Duration.between(frozenAt, thawedAt).toMillis() + " ms frozen)");
        assertEquals(answer.output, 0, answer.exitCode);
        JsonObject document = JsonParser.parseString(answer.output.substring(answer.output.indexOf('{'))).getAsJsonObject();
        assertTrue(answer.output, document.getAsJsonObject("result").get("pausedWhileFrozen").getAsBoolean());
        assertTrue(answer.output, document.getAsJsonArray("warnings").toString()
                .contains("was paused while its file systems were frozen: the guest stayed frozen for the whole pause"));
    }

    // ------------------------------------------------------------------------------------------------ the agent

    @Test
    public void agentKilledWhileFrozenIsThawedByItsGuardWithoutARestart() throws Exception {
        simulator.faults().inject(CREATE_SNAPSHOT, Fault.hang());
        Path journal = work.resolve("agent-journal");
        Process agent = agent(journal, "agent.log", "agent-killed");

        Kill kill = killWhileFrozen(agent, false);
        Instant thawedAt = poller.await("thawed", kill.frozenAt, remaining(kill.frozenAt, BOUND));

        record("kill -9 of the agent stand-in", kill, null, thawedAt);
        assertWithin(kill.frozenAt, thawedAt, BOUND);
        String guardLog = Files.readString(journal.resolve(guest.name() + ".thaw-guard.log"));
        assertTrue(guardLog, guardLog.contains("why=orchestrator-gone"));
    }

    @Test
    public void agentAndItsGuardKilledWhileFrozenAreThawedByTheNextStart() throws Exception {
        simulator.faults().inject(CREATE_SNAPSHOT, Fault.hang());
        Path journal = work.resolve("agent-journal");
        Process agent = agent(journal, "agent.log", "agent-killed");

        Kill kill = killWhileFrozen(agent, true);
        Thread.sleep(STILL_FROZEN_FOR.toMillis());
        assertTrue("nothing may thaw the guest while no process of ours runs",
                poller.onlyBetween("frozen", kill.killedAt.plusMillis(200), kill.killedAt.plus(STILL_FROZEN_FOR)));

        Instant restartAt = Instant.now();
        // the agent recovers its journal when it loads our wrapper, not at the next snapshot: no command is sent
        Process restarted = agent(journal, "agent-restarted.log", null);
        Instant thawedAt = poller.await("thawed", restartAt, Duration.ofSeconds(60));
        Run started = run(restarted);

        record("kill -9 of the agent stand-in and its guard, then the next agent start", kill, restartAt, thawedAt);
        assertEquals(started.output, 0, started.exitCode);
        assertTrue(started.output, started.output.contains("agent stand-in: recovered " + guest.name() + ": THAWED (frozen at "));
        assertTrue(started.output, started.output.contains("by pid " + agent.pid() + " "));
    }

    // ------------------------------------------------------------------------------------------------ helpers

    /** When the guest was seen frozen and when the orchestrator (and maybe its guard) was killed. */
    private static final class Kill {
        final Instant frozenAt;
        final Instant killedAt;

        Kill(Instant frozenAt, Instant killedAt) {
            this.frozenAt = frozenAt;
            this.killedAt = killedAt;
        }
    }

    /** Waits until the guest reads frozen, then kill -9 of the orchestrator (and first of its guard, if asked). */
    private Kill killWhileFrozen(Process orchestrator, boolean guardToo) throws Exception {
        Instant frozenAt = poller.await("frozen", Instant.EPOCH, Duration.ofSeconds(60));
        assertTrue("the orchestrator exited before the kill, see its log in " + work, orchestrator.isAlive());
        List<ProcessHandle> guards = orchestrator.descendants().filter(DeadOrchestratorOnRealGuestTest::isGuard)
                .collect(Collectors.toList());
        assertEquals("one thaw guard runs for the freeze", 1, guards.size());
        if (guardToo) {
            guards.get(0).destroyForcibly();
            guards.get(0).onExit().get(10, TimeUnit.SECONDS);
        }
        Instant killedAt = Instant.now();
        orchestrator.destroyForcibly(); // SIGKILL: no shutdown hook, no finally block runs
        assertTrue(orchestrator.waitFor(10, TimeUnit.SECONDS));
        assertEquals("killed by SIGKILL", 128 + 9, orchestrator.exitValue());
        return new Kill(frozenAt, killedAt);
    }

    private void record(String what, Kill kill, Instant restartAt, Instant thawedAt) throws IOException {
        String figure = what + ": frozen at " + kill.frozenAt + ", killed at " + kill.killedAt
                + (restartAt == null ? "" : ", restarted at " + restartAt) + ", thawed at " + thawedAt + "; frozen "
                + Duration.between(kill.frozenAt, thawedAt).toMillis() + " ms (window " + WINDOW.toMillis() + " ms), thawed "
                + Duration.between(restartAt == null ? kill.killedAt : restartAt, thawedAt).toMillis() + " ms after the "
                + (restartAt == null ? "kill" : "restart") + "; readings every " + poller.meanInterval().toMillis() + " ms";
        figures.add(figure);
        LOG.info("{}", figure);
    }

    private static void assertWithin(Instant frozenAt, Instant thawedAt, Duration bound) {
        Duration frozen = Duration.between(frozenAt, thawedAt);
        assertTrue("the guest stayed frozen " + frozen.toMillis() + " ms, more than " + bound.toMillis() + " ms",
                frozen.compareTo(bound) <= 0);
    }

    private static Duration remaining(Instant from, Duration bound) {
        Duration left = Duration.between(Instant.now(), from.plus(bound));
        return left.isNegative() ? Duration.ZERO : left;
    }

    private List<String> create() {
        return List.of("create", guest.name(), "--disk", "vda=" + volumes.get(0).id(), "--disk", "vdb=" + volumes.get(1).id());
    }

    private Process cli(Path state, String log, List<String> args) throws IOException {
        Map<String, String> env = Map.of("ELASTICENTER_URL", simulator.baseUrl().toString(),
                "ELASTICENTER_API_KEY_FILE", keyFile.toString(), "ELASTICENTER_PIN_SHA256", simulator.certificateSha256(),
                "LIBVIRT_DEFAULT_URI", fixture.libvirtUri(), "ELASTISNAP_STATE_DIR", state.toString());
        Process process = ChildJvm.cli(args, env, work.resolve(log));
        processes.add(process);
        logs.put(process, work.resolve(log));
        return process;
    }

    /** The agent stand-in taking a snapshot ({@code snapshot}), or only starting ({@code null}: its start-up recovery). */
    private Process agent(Path journal, String log, String snapshot) throws IOException {
        List<String> args = snapshot == null ? List.of("start", fixture.libvirtUri())
                : List.of("snapshot", fixture.libvirtUri(), guest.name(), simulator.baseUrl().toString(),
                        simulator.certificateSha256(), volumes.get(0).id(), snapshot + "-" + System.nanoTime(),
                        Long.toString(WINDOW.toMillis()));
        Process process = ChildJvm.start(AgentStandIn.class, List.of("-Delastisnap.journal.dir=" + journal), args,
                Map.of(FreezeThenHangOnArray.API_KEY_VARIABLE, simulator.apiKey()), work.resolve(log));
        processes.add(process);
        logs.put(process, work.resolve(log));
        return process;
    }

    /** Exit code and output of a finished child. */
    private static final class Run {
        final int exitCode;
        final String output;

        Run(int exitCode, String output) {
            this.exitCode = exitCode;
            this.output = output;
        }
    }

    private Run run(Process process) throws Exception {
        assertTrue("the process did not finish within 5 min", process.waitFor(5, TimeUnit.MINUTES));
        return new Run(process.exitValue(), new String(Files.readAllBytes(logs.get(process)), StandardCharsets.UTF_8));
    }

    /** The scenario's directory goes with the store: its logs (children, guard, poller) are kept in the fixture's log dir. */
    private void keepLogs() throws IOException {
        Path kept = Files.createDirectories(fixture.logDir().resolve("dead-orchestrator").resolve(testName.getMethodName()));
        try (java.util.stream.Stream<Path> files = Files.walk(work)) {
            for (Path file : files.filter(f -> f.getFileName().toString().contains(".log")).collect(Collectors.toList())) {
                Files.copy(file, kept.resolve(work.relativize(file).toString().replace('/', '_')),
                        java.nio.file.StandardCopyOption.REPLACE_EXISTING);
            }
        }
    }

    private static boolean isGuard(ProcessHandle process) {
        return process.info().arguments().map(a -> Arrays.asList(a).contains(GUARD_NAME)).orElse(false);
    }

    /** Guards left by a failed scenario: only those of our guest (other builds may run guards of their own). */
    private static List<ProcessHandle> guardsOfOurGuest() {
        return ProcessHandle.allProcesses().filter(p -> isGuard(p) && p.info().arguments()
                .map(a -> Arrays.asList(a).contains(guest.name())).orElse(false)).collect(Collectors.toList());
    }

    private static void assertArrayHoldsNoSnapshot() {
        for (SimVolume volume : volumes) {
            assertEquals("snapshots left on " + volume.id(), List.of(), setup.snapshotPaths(volume.id()));
        }
    }
}
