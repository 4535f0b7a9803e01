// Licensed under the Apache License, Version 2.0. See LICENSE in the project root.
package io.elastisnap.e2e;

import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertFalse;
import static org.junit.Assert.assertTrue;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import org.junit.After;
import org.junit.AfterClass;
import org.junit.Before;
import org.junit.BeforeClass;
import org.junit.Rule;
import org.junit.Test;
import org.junit.rules.TestName;

/**
 * Issue 15's freeze lease on the real guest, through the plugin's real lease wrapper in a JVM that stands in for the
 * CloudStack KVM agent ({@link AgentStandIn} {@code lease}): the guest stays frozen until the release, is thawed by the
 * host at the lease's end without any release (as when the management server dies mid-lease), and is thawed by the
 * thaw guard when the agent is killed with kill -9 mid-lease. A process of its own reads the guest's freeze status every
 * 100 ms ({@link FreezeStatusPoller}), so the times are the guest's.
 */
public class FreezeLeaseOnRealGuestTest {
    private static Fixture fixture;
    private static GuestOnSimulatedVolumes setup;
    private static GuestVm guest;
    private static final List<String> figures = new ArrayList<>();
    private static int guestsLeftFrozen;

    @Rule
    public final TestName testName = new TestName();

    private Path work;
    private FreezeStatusPoller poller;
    private Process agent;

    @BeforeClass
    public static void bootGuest() throws Exception {
        fixture = Fixture.require();
        setup = GuestOnSimulatedVolumes.boot(fixture, "freeze-lease", 1, false);
        guest = setup.guest;
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
        if (agent != null) {
            agent.destroyForcibly();
        }
        Path kept = Files.createDirectories(fixture.logDir().resolve("freeze-lease").resolve(testName.getMethodName()));
        try (java.util.stream.Stream<Path> files = Files.list(work)) {
            for (Path file : (Iterable<Path>) files::iterator) {
                Files.copy(file, kept.resolve(file.getFileName()), java.nio.file.StandardCopyOption.REPLACE_EXISTING);
            }
        }
        guest.awaitAgent(Duration.ofSeconds(60));
        boolean leftFrozen = guest.thawIfFrozen();
        if (leftFrozen) {
            guestsLeftFrozen++;
        }
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
        System.out.println("FREEZE LEASE FIGURES (guest freeze status read every 100 ms by a process of its own):");
        figures.forEach(f -> System.out.println("  " + f));
        System.out.println("FREEZE LEASE SUMMARY: guests left frozen: " + guestsLeftFrozen);
        assertEquals("guests left frozen", 0, guestsLeftFrozen);
    }

    @Test
    public void theGuestStaysFrozenUntilTheReleaseAndThawsThen() throws Exception {
        agent = lease(Duration.ofSeconds(6), Duration.ofMillis(1500));
        Instant frozenAt = poller.await("frozen", Instant.EPOCH, Duration.ofSeconds(60));
        Instant thawedAt = poller.await("thawed", frozenAt, Duration.ofSeconds(10));
        String output = finish(agent);
        assertTrue(output, output.contains("acquire true FROZEN") && output.contains("release true THAWED ended by RELEASE"));
        Duration frozen = Duration.between(frozenAt, thawedAt);
        record("released after 1.5 s (lease 6 s)", frozenAt, thawedAt);
        assertTrue("frozen " + frozen.toMillis() + " ms", frozen.toMillis() >= 1_200 && frozen.toMillis() < 4_000);
    }

    @Test
    public void anUnreleasedLeaseIsThawedByTheHostAtItsEnd() throws Exception {
        agent = lease(Duration.ofSeconds(3), Duration.ofMillis(-1));
        Instant frozenAt = poller.await("frozen", Instant.EPOCH, Duration.ofSeconds(60));
        Instant thawedAt = poller.await("thawed", frozenAt, Duration.ofSeconds(10));
        record("never released (lease 3 s): thawed by the host", frozenAt, thawedAt);
        Duration frozen = Duration.between(frozenAt, thawedAt);
        assertTrue("frozen " + frozen.toMillis() + " ms, the lease is 3 s", frozen.toMillis() <= 3_000 + 1_000);
        String output = finish(agent);
        assertTrue(output, output.contains("release true THAWED ended by EXPIRY"));
    }

    @Test
    public void anAgentKilledMidLeaseLeavesTheThawToItsGuard() throws Exception {
        agent = lease(Duration.ofSeconds(8), Duration.ofSeconds(60));
        Instant frozenAt = poller.await("frozen", Instant.EPOCH, Duration.ofSeconds(60));
        assertTrue("the stand-in exited before the kill, see " + work, agent.isAlive());
        Instant killedAt = Instant.now();
        agent.destroyForcibly(); // SIGKILL
        assertTrue(agent.waitFor(10, TimeUnit.SECONDS));
        Instant thawedAt = poller.await("thawed", frozenAt, Duration.ofSeconds(10));
        record("agent killed with kill -9 " + Duration.between(frozenAt, killedAt).toMillis() + " ms into an 8 s lease, thawed "
                + Duration.between(killedAt, thawedAt).toMillis() + " ms after the kill", frozenAt, thawedAt);
        assertTrue("thawed by the guard within 1 s of the kill, long before the lease's end",
                Duration.between(killedAt, thawedAt).toMillis() <= 1_000);
    }

    private Process lease(Duration duration, Duration releaseAfter) throws Exception {
        return ChildJvm.start(AgentStandIn.class, List.of("-Delastisnap.journal.dir=" + work.resolve("journal")),
                Arrays.asList("lease", fixture.libvirtUri(), guest.name(), Long.toString(duration.toMillis()),
                        Long.toString(releaseAfter.toMillis())), Map.of(), work.resolve("agent.log"));
    }

    private String finish(Process process) throws Exception {
        assertTrue("the stand-in did not finish within 2 min", process.waitFor(2, TimeUnit.MINUTES));
        return new String(Files.readAllBytes(work.resolve("agent.log")), StandardCharsets.UTF_8);
    }

    private void record(String what, Instant frozenAt, Instant thawedAt) {
        figures.add(what + ": frozen at " + frozenAt + ", thawed at " + thawedAt + ", frozen "
                + Duration.between(frozenAt, thawedAt).toMillis() + " ms");
    }
}
