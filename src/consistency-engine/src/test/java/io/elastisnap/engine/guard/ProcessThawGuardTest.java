// Licensed under the Apache License, Version 2.0. See LICENSE in the project root.
package io.elastisnap.engine.guard;

import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertFalse;
import static org.junit.Assert.assertTrue;
import static org.junit.Assert.fail;
import static org.junit.Assume.assumeFalse;
import static org.junit.Assume.assumeTrue;

import io.elastisnap.engine.FreezeLimits;
import io.elastisnap.engine.ThawGuard;
import io.elastisnap.engine.ThawGuardException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import org.junit.After;
import org.junit.Before;
import org.junit.Rule;
import org.junit.Test;
import org.junit.rules.TemporaryFolder;

/** The JVM side of the guard: arming (ARMED awaited, bounded), the launch, FREEZE / DISARM / end of input. */
public class ProcessThawGuardTest {
    private static final String DOMAIN = "i-2-10-VM";
    private static final Duration WINDOW = Duration.ofSeconds(60);
    private static final FreezeLimits LIMITS = FreezeLimits.builder().thawTimeout(Duration.ofSeconds(2))
            .thawRetryFor(Duration.ofSeconds(5)).thawRetryBackoff(Duration.ofMillis(10), Duration.ofMillis(40))
            .preflightTimeout(Duration.ofSeconds(10)).build();

    @Rule
    public final TemporaryFolder folder = new TemporaryFolder();

    private FakeVirsh virsh;
    private Path log;

    @Before
    public void setUp() throws Exception {
        virsh = new FakeVirsh(folder.newFolder("virsh").toPath());
        log = folder.getRoot().toPath().resolve("journal").resolve(DOMAIN + ".thaw-guard.log");
    }

    @After
    public void noGuardOutlivesItsTest() throws Exception {
        guards().forEach(ProcessHandle::destroyForcibly);
    }

    @Test
    public void aGuardLetGoAfterTheFreezeThawsAtOnce() throws Exception {
        ThawGuard.Armed guard = setsidGuard().arm(DOMAIN, "s-1", LIMITS, log);
        guard.freezeStarting(WINDOW);

        guard.release(); // as the end of this process would

        awaitGuardsEnded();
        assertEquals(1, virsh.count("domfsthaw"));
        assertTrue(logText(), logText().contains("session=s-1 event=thawed"));
        assertTrue(logText(), logText().contains("why=orchestrator-gone"));
    }

    @Test
    public void aDisarmedGuardTouchesNothingAndLeavesNoLog() throws Exception {
        ThawGuard.Armed guard = setsidGuard().arm(DOMAIN, "s-1", LIMITS, log);
        guard.freezeStarting(WINDOW);

        guard.disarm();
        guard.release();

        awaitGuardsEnded();
        assertEquals(List.of(), virsh.calls());
        assertFalse("an empty log is not kept", Files.exists(log));
    }

    @Test
    public void aGuardNeverToldOfTheFreezeTouchesNothing() throws Exception {
        ThawGuard.Armed guard = setsidGuard().arm(DOMAIN, "s-1", LIMITS, log);

        guard.release();

        awaitGuardsEnded();
        assertEquals(List.of(), virsh.calls());
    }

    @Test
    public void theGuardRunsInASessionOfItsOwn() throws Exception {
        setsidGuard().arm(DOMAIN, "s-1", LIMITS, log);

        ProcessHandle guard = guards().get(0);
        String sessionId = Files.readString(Path.of("/proc", Long.toString(guard.pid()), "stat")).split(" ")[5];
        assertEquals("a session leader: Ctrl-C and hang-ups to our process group do not reach it",
                Long.toString(guard.pid()), sessionId);
    }

    @Test
    public void aHelperThatDiesBeforeArmedIsAnArmingFailureWithItsWords() throws Exception {
        ThawGuard guard = new ProcessThawGuard(() -> "test:///fake", virsh.program().toString(),
                GuardLauncher.choose(false, false, true), "echo 'bash: virsh: command not found' >&2; exit 3");

        ThawGuardException e = expectArmingFailure(guard);

        assertTrue(e.getMessage(), e.getMessage().contains("ended before it said ARMED"));
        assertTrue(e.getMessage(), e.getMessage().contains("exit code 3"));
        assertTrue(e.getMessage(), e.getMessage().contains("virsh: command not found"));
        assertTrue(e.getMessage(), e.getMessage().contains("fix: make sure bash, virsh and setsid are installed"));
    }

    @Test
    public void aHelperThatNeverSaysArmedIsGivenUpAfterThePreflightTimeout() throws Exception {
        ThawGuard guard = new ProcessThawGuard(() -> "test:///fake", virsh.program().toString(),
                GuardLauncher.choose(false, false, true), "sleep 60");

        ThawGuardException e = expectArmingFailure(guard, LIMITS.toBuilder().preflightTimeout(Duration.ofMillis(300)).build());

        assertTrue(e.getMessage(), e.getMessage().contains("did not say ARMED within 300 ms"));
        awaitGuardsEnded();
    }

    @Test
    public void withNoWayToStartAGuardArmingFails() throws Exception {
        ThawGuard guard = new ProcessThawGuard(() -> "test:///fake", "virsh", GuardLauncher.choose(false, false, false),
                ProcessThawGuard.SCRIPT);

        ThawGuardException e = expectArmingFailure(guard);

        assertTrue(e.getMessage(), e.getMessage().contains("nor setsid is available"));
    }

    @Test
    public void readinessSaysHowTheGuardStartsHere() throws Exception {
        assertEquals("a process in its own session per freeze (setsid; systemd is not PID 1 here)", setsidGuard().readiness());
        ProcessThawGuard systemd = new ProcessThawGuard(() -> "test:///fake", virsh.program().toString(),
                GuardLauncher.choose(true, true, true), ProcessThawGuard.SCRIPT);
        assertEquals("a transient systemd unit per freeze (systemctl list-units 'elastisnap-thaw-guard-*')", systemd.readiness());
    }

    @Test
    public void readinessNamesEveryMissingProgramAndItsPackage() {
        ProcessThawGuard guard = new ProcessThawGuard(() -> "test:///fake", "/nonexistent/virsh", GuardLauncher.choose(false, false, false),
                ProcessThawGuard.SCRIPT);
        try {
            guard.readiness();
            fail("no virsh and no way to start a guard");
        } catch (ThawGuardException e) {
            assertTrue(e.getMessage(), e.getMessage().contains("not found on the PATH: /nonexistent/virsh (package libvirt-clients),"
                    + " setsid (package util-linux), or systemd-run where systemd is PID 1; install them"));
        }
    }

    @Test
    public void aGuardKilledBeforeTheFreezeIsReportedSoTheEngineDoesNotFreeze() throws Exception {
        ThawGuard.Armed guard = setsidGuard().arm(DOMAIN, "s-1", LIMITS, log);
        ProcessHandle process = guards().get(0);
        process.destroyForcibly();
        process.onExit().get(10, TimeUnit.SECONDS);

        try {
            guard.freezeStarting(WINDOW);
            fail("FREEZE was accepted by a dead guard");
        } catch (ThawGuardException e) {
            assertTrue(e.getMessage(), e.getMessage().contains("the guard process is not watching"));
        }
    }

    @Test
    public void whereSystemdIsNotPid1AFailingSystemdRunFallsBackToSetsid() throws Exception {
        assumeFalse("systemd is PID 1 here: systemd-run would start a real unit", Files.isDirectory(GuardLauncher.SYSTEMD_RUNTIME));
        assumeTrue("systemd-run is not installed", Files.isExecutable(Path.of("/usr/bin/systemd-run")));
        ThawGuard guard = new ProcessThawGuard(() -> "test:///fake", virsh.program().toString(),
                GuardLauncher.choose(true, true, true), ProcessThawGuard.SCRIPT);

        ThawGuard.Armed armed = guard.arm(DOMAIN, "s-1", LIMITS, log);
        armed.freezeStarting(WINDOW);
        armed.release();

        awaitGuardsEnded();
        assertEquals("the setsid guard did its work", 1, virsh.count("domfsthaw"));
        assertTrue("systemd-run's refusal is in the log: " + logText(), logText().contains("systemd"));
    }

    private ProcessThawGuard setsidGuard() {
        return new ProcessThawGuard(() -> "test:///fake", virsh.program().toString(), GuardLauncher.choose(false, false, true),
                ProcessThawGuard.SCRIPT);
    }

    private ThawGuardException expectArmingFailure(ThawGuard guard) {
        return expectArmingFailure(guard, LIMITS);
    }

    private ThawGuardException expectArmingFailure(ThawGuard guard, FreezeLimits limits) {
        try {
            guard.arm(DOMAIN, "s-1", limits, log);
        } catch (ThawGuardException e) {
            return e;
        }
        throw new AssertionError("the guard was armed");
    }

    /** Our guard processes: bash started with the guard's name as $0 (under setsid, still our children). */
    private static List<ProcessHandle> guards() {
        return ProcessHandle.current().children()
                .filter(p -> p.info().arguments().map(a -> Arrays.asList(a).contains(GuardLauncher.GUARD_NAME)).orElse(false))
                .collect(Collectors.toList());
    }

    private static void awaitGuardsEnded() throws Exception {
        for (ProcessHandle guard : guards()) {
            guard.onExit().get(30, TimeUnit.SECONDS);
        }
    }

    private String logText() throws Exception {
        return Files.exists(log) ? new String(Files.readAllBytes(log), StandardCharsets.UTF_8) : "";
    }
}
