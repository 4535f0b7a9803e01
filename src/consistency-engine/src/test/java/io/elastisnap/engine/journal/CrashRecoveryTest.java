// Licensed under the Apache License, Version 2.0. See LICENSE in the project root.
package io.elastisnap.engine.journal;

import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertFalse;
import static org.junit.Assert.assertTrue;

import io.elastisnap.engine.ConsistencyEngine;
import io.elastisnap.engine.ConsistencyEngineListener;
import io.elastisnap.engine.ConsistentSnapshotRequest;
import io.elastisnap.engine.EngineRuntime;
import io.elastisnap.engine.EventLog;
import io.elastisnap.engine.FakeArray;
import io.elastisnap.engine.FakeGuest;
import io.elastisnap.engine.FreezeLimits;
import io.elastisnap.engine.GuestAgentException;
import io.elastisnap.engine.GuestAgentException.Kind;
import io.elastisnap.engine.RecoveryOutcome;
import io.elastisnap.engine.RecoveryOutcome.Action;
import io.elastisnap.engine.RecoveryOutcome.Thawer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.Collections;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import org.junit.After;
import org.junit.Before;
import org.junit.Rule;
import org.junit.Test;
import org.junit.rules.TemporaryFolder;

public class CrashRecoveryTest {
    private static final String DOMAIN = "i-7-42-VM";
    private static final FreezeLimits LIMITS = FreezeLimits.builder()
            .thawTimeout(Duration.ofMillis(200)).thawRetryFor(Duration.ofMillis(500))
            .thawRetryBackoff(Duration.ofMillis(1), Duration.ofMillis(20)).preflightTimeout(Duration.ofSeconds(1)).build();

    @Rule
    public final TemporaryFolder folder = new TemporaryFolder();

    private final EventLog log = new EventLog();
    private final FakeGuest guest = new FakeGuest(log);
    private final FakeArray array = new FakeArray(log);
    private EngineRuntime runtime;
    private Path directory;
    private FreezeJournal journal;

    @Before
    public void setUp() {
        runtime = EngineRuntime.create(16);
        directory = folder.getRoot().toPath().resolve("journal");
        journal = new FreezeJournal(directory);
    }

    @After
    public void tearDown() {
        runtime.close();
    }

    @Test
    public void aRestartedEngineThawsTheGuestAKilledPredecessorLeftFrozen() throws Exception {
        // The predecessor: another "process" (its own runtime and an owner identity that is dead), abandoned while
        // the guest is frozen, with a frozen window so long that its own watchdog is not what thaws the guest.
        JournalOwner deadOwner = JournalOwner.of(ProcessHandle.current().pid(), Instant.EPOCH);
        CountDownLatch frozen = new CountDownLatch(1);
        CountDownLatch abandoned = new CountDownLatch(1);
        ExecutorService predecessorThread = Executors.newSingleThreadExecutor();
        try (EngineRuntime predecessorRuntime = EngineRuntime.create(16)) {
            ConsistencyEngine predecessor = new ConsistencyEngine(guest, array, new FreezeJournal(directory, deadOwner),
                    predecessorRuntime, new ConsistencyEngineListener() {
                        @Override
                        public void onFrozen(String domainName) {
                            frozen.countDown();
                            awaitQuietly(abandoned);
                        }
                    });
            FreezeLimits longWindow = LIMITS.toBuilder().maxFrozenWindow(Duration.ofMinutes(10)).build();
            predecessorThread.submit(() -> predecessor.snapshot(ConsistentSnapshotRequest.builder(DOMAIN)
                    .volume("vol-1", "snap").limits(longWindow).build()));
            assertTrue(frozen.await(10, TimeUnit.SECONDS));
            assertTrue(guest.isFrozen());
            assertTrue(journal.read(DOMAIN).isPresent());

            ConsistencyEngine restarted = new ConsistencyEngine(guest, array, journal, runtime, ConsistencyEngineListener.NONE);
            List<RecoveryOutcome> outcomes = restarted.recoverFromJournal(LIMITS);

            assertEquals(1, outcomes.size());
            assertEquals(DOMAIN, outcomes.get(0).domainName());
            assertEquals(outcomes.toString(), Action.THAWED, outcomes.get(0).action());
            assertFalse(guest.isFrozen());
            assertTrue(journal.list().isEmpty());
        } finally {
            abandoned.countDown();
            predecessorThread.shutdownNow();
        }
    }

    @Test
    public void aFreezeInProgressInThisProcessIsLeftAlone() throws Exception {
        CountDownLatch frozen = new CountDownLatch(1);
        CountDownLatch release = new CountDownLatch(1);
        ConsistencyEngine engine = new ConsistencyEngine(guest, array, journal, runtime, new ConsistencyEngineListener() {
            @Override
            public void onFrozen(String domainName) {
                frozen.countDown();
                awaitQuietly(release);
            }
        });
        ExecutorService caller = Executors.newSingleThreadExecutor();
        try {
            caller.submit(() -> engine.snapshot(ConsistentSnapshotRequest.builder(DOMAIN).volume("vol-1", "snap")
                    .limits(LIMITS.toBuilder().maxFrozenWindow(Duration.ofMinutes(10)).build()).build()));
            assertTrue(frozen.await(10, TimeUnit.SECONDS));

            List<RecoveryOutcome> outcomes = engine.recoverFromJournal(LIMITS);

            assertEquals(Action.SKIPPED_OWNER_ALIVE, outcomes.get(0).action());
            assertTrue(guest.isFrozen());
            assertEquals(0, guest.thawCalls());
        } finally {
            release.countDown();
            caller.shutdownNow();
        }
        assertTrue(guest.awaitThawed(10));
    }

    @Test
    public void anEntryOfAnotherLiveProcessIsLeftAlone() throws Exception {
        ProcessHandle parent = ProcessHandle.current().parent().orElseThrow(AssertionError::new);
        guest.frozen(true);
        journal.record(entry(JournalOwner.of(parent.pid(), parent.info().startInstant().orElse(null))));

        List<RecoveryOutcome> outcomes = engine().recoverFromJournal(LIMITS);

        assertEquals(Action.SKIPPED_OWNER_ALIVE, outcomes.get(0).action());
        assertTrue(guest.isFrozen());
        assertTrue(journal.read(DOMAIN).isPresent());
    }

    @Test
    public void theOutcomeSaysWhenTheGuestWasFrozenByWhichProcessAndForHowLong() throws Exception {
        guest.frozen(true);
        JournalOwner dead = deadOwner();
        Instant frozenAt = Instant.now().minusSeconds(5);
        journal.record(new JournalEntry(DOMAIN, "crashed", dead, "kvm1", frozenAt, Duration.ofSeconds(8), Collections.emptyList()));

        RecoveryOutcome outcome = engine().recoverFromJournal(LIMITS).get(0);

        assertEquals(Action.THAWED, outcome.action());
        assertEquals(Optional.of(frozenAt), outcome.frozenAt());
        assertEquals(Optional.of(dead), outcome.owner());
        assertEquals(Optional.of(Thawer.RECOVERY), outcome.thawedBy());
        assertTrue(outcome.frozenFor().toString(), outcome.frozenFor().get().compareTo(Duration.ofSeconds(5)) >= 0);
        String message = outcome.message();
        assertTrue(message, message.contains("frozen at " + frozenAt + " by pid " + dead.pid()));
        assertTrue(message, message.contains("on kvm1, which is no longer running"));
        assertTrue(message, message.contains("thawed now, "));
        assertTrue(message, message.contains(" ms after the freeze started"));
    }

    @Test
    public void aGuestItsThawGuardHadThawedIsReportedWithTheGuardsTime() throws Exception {
        Instant frozenAt = Instant.now().minusSeconds(60).truncatedTo(java.time.temporal.ChronoUnit.MILLIS);
        Instant guardThawedAt = frozenAt.plusMillis(340);
        journal.record(new JournalEntry(DOMAIN, "crashed", deadOwner(), "kvm1", frozenAt, Duration.ofSeconds(8),
                Collections.emptyList()));
        Files.write(journal.guardLogOf(DOMAIN), (guardLine("older-session", "thawed", frozenAt.minusSeconds(600), "window-ended")
                + guardLine("crashed", "thawing", guardThawedAt.minusMillis(40), "orchestrator-gone")
                + guardLine("crashed", "thawed", guardThawedAt, "orchestrator-gone")).getBytes(StandardCharsets.UTF_8));

        RecoveryOutcome outcome = engine().recoverFromJournal(LIMITS).get(0);

        assertEquals(Action.NOT_FROZEN, outcome.action());
        assertEquals(Optional.of(Thawer.THAW_GUARD), outcome.thawedBy());
        assertEquals(Optional.of(guardThawedAt), outcome.thawedAt());
        assertEquals(Optional.of(Duration.ofMillis(340)), outcome.frozenFor());
        assertTrue(outcome.message(), outcome.message().contains("its thaw guard had thawed it at " + guardThawedAt
                + ", 340 ms after the freeze started (orchestrator-gone)"));
        assertEquals(0, guest.thawCalls());
    }

    @Test
    public void aGuestItsThawGuardIsStillThawingIsReportedAsTheGuardsWork() throws Exception {
        Instant frozenAt = Instant.now().minusSeconds(2).truncatedTo(java.time.temporal.ChronoUnit.MILLIS);
        journal.record(new JournalEntry(DOMAIN, "crashed", deadOwner(), "kvm1", frozenAt, Duration.ofSeconds(8),
                Collections.emptyList()));
        // the guard's thaw went through; its confirmation line is not written yet
        Files.write(journal.guardLogOf(DOMAIN), guardLine("crashed", "thawing", frozenAt.plusMillis(200), "orchestrator-gone")
                .getBytes(StandardCharsets.UTF_8));

        RecoveryOutcome outcome = engine().recoverFromJournal(LIMITS).get(0);

        assertEquals(Action.NOT_FROZEN, outcome.action());
        assertEquals(Optional.of(Thawer.THAW_GUARD), outcome.thawedBy());
        assertTrue(outcome.message(), outcome.message().contains("its thaw guard was thawing it since "
                + frozenAt.plusMillis(200) + ", 200 ms after the freeze started (orchestrator-gone)"));
    }

    @Test
    public void anEntryWhoseGuestIsAlreadyThawedIsRemoved() throws Exception {
        journal.record(entry(deadOwner()));
        Files.createFile(journal.guardLogOf(DOMAIN)); // a guard killed before it had anything to say

        List<RecoveryOutcome> outcomes = engine().recoverFromJournal(LIMITS);

        assertEquals(Action.NOT_FROZEN, outcomes.get(0).action());
        assertEquals(0, guest.thawCalls());
        assertTrue(journal.list().isEmpty());
        assertFalse("the empty guard log goes with the entry", Files.exists(journal.guardLogOf(DOMAIN)));
    }

    @Test
    public void aCorruptEntryStillThawsTheDomainItsFileNameNames() throws Exception {
        guest.frozen(true);
        Files.createDirectories(directory);
        Files.write(directory.resolve(DOMAIN + ".json"), "{\"format\":1,\"dom".getBytes(StandardCharsets.UTF_8));

        List<RecoveryOutcome> outcomes = engine().recoverFromJournal(LIMITS);

        assertEquals(Action.THAWED, outcomes.get(0).action());
        assertTrue(outcomes.get(0).message(), outcomes.get(0).message().contains("corrupt entry"));
        assertFalse(guest.isFrozen());
        assertTrue(journal.list().isEmpty());
    }

    @Test
    public void aFileThatNamesNoDomainIsMovedAside() throws Exception {
        Files.createDirectories(directory);
        Files.write(directory.resolve("%zz.json"), "garbage".getBytes(StandardCharsets.UTF_8));

        List<RecoveryOutcome> outcomes = engine().recoverFromJournal(LIMITS);

        assertEquals(Action.QUARANTINED, outcomes.get(0).action());
        assertTrue(journal.list().isEmpty());
        assertEquals(0, guest.agentCalls());
    }

    @Test
    public void anUnreachableAgentKeepsTheEntryForNextTime() throws Exception {
        guest.frozen(true).failStatus(new GuestAgentException(Kind.TIMEOUT, "Guest agent is not responding: Guest agent not available for now"));
        journal.record(entry(deadOwner()));

        List<RecoveryOutcome> outcomes = engine().recoverFromJournal(LIMITS);

        assertEquals(Action.FAILED, outcomes.get(0).action());
        assertTrue(outcomes.get(0).message(), outcomes.get(0).message().contains("not available for now"));
        assertTrue(journal.read(DOMAIN).isPresent());
    }

    @Test
    public void aDomainThatIsGoneNeedsNoThaw() throws Exception {
        guest.failStatus(new GuestAgentException(Kind.DOMAIN_NOT_FOUND, "Domain not found: no domain with matching name"));
        journal.record(entry(deadOwner()));

        List<RecoveryOutcome> outcomes = engine().recoverFromJournal(LIMITS);

        assertEquals(Action.DOMAIN_GONE, outcomes.get(0).action());
        assertTrue(journal.list().isEmpty());
    }

    @Test
    public void anEmptyOrMissingJournalRecoversNothing() throws Exception {
        assertTrue(engine().recoverFromJournal().isEmpty());
    }

    private ConsistencyEngine engine() {
        return new ConsistencyEngine(guest, array, journal, runtime, ConsistencyEngineListener.NONE);
    }

    private static JournalOwner deadOwner() {
        return JournalOwner.of(ProcessHandle.current().pid(), Instant.EPOCH);
    }

    private static JournalEntry entry(JournalOwner owner) {
        return new JournalEntry(DOMAIN, "crashed", owner, "host", Instant.now(), Duration.ofSeconds(8), Collections.emptyList());
    }

    private static String guardLine(String session, String event, Instant at, String why) {
        return at + " session=" + session + " event=" + event + " at-ms=" + at.toEpochMilli() + " pid=4711 why=" + why + "\n";
    }

    private static void awaitQuietly(CountDownLatch latch) {
        try {
            latch.await(30, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
