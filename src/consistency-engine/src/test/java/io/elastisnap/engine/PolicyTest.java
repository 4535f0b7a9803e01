// Licensed under the Apache License, Version 2.0. See LICENSE in the project root.
package io.elastisnap.engine;

import static io.elastisnap.engine.ConsistencyEngineTest.expectFailure;
import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertFalse;
import static org.junit.Assert.assertTrue;

import io.elastisnap.engine.ConsistentSnapshotException.Reason;
import io.elastisnap.engine.GuestAgentException.Kind;
import io.elastisnap.engine.journal.FreezeJournal;
import io.elastisnap.engine.journal.JournalEntry;
import io.elastisnap.engine.journal.JournalOwner;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.Arrays;
import java.util.Collections;
import java.util.concurrent.CountDownLatch;
import org.junit.Rule;
import org.junit.Test;

public class PolicyTest {
    private static final GuestAgentException AGENT_ERROR =
            new GuestAgentException(Kind.COMMAND_FAILED, "guest-fsfreeze-freeze failed in the guest agent: GenericError: failed to freeze /data: Device or resource busy");

    @Rule
    public final EngineFixture f = new EngineFixture();

    @Test
    public void requiredFailsOnAFreezeErrorAfterThawingAndTakesNoSnapshot() throws Exception {
        f.guest.failFreeze(AGENT_ERROR);

        ConsistentSnapshotException e = expectFailure(f.engine(), f.request(2).build());

        assertEquals(Reason.FREEZE_FAILED, e.reason());
        assertTrue(e.getMessage(), e.getMessage().contains("Device or resource busy"));
        assertEquals("thaw after any freeze attempt", 1, f.guest.thawCalls());
        assertEquals(0, f.log.count("create:"));
        assertTrue(f.journal().list().isEmpty());
    }

    @Test
    public void requiredFailsOnAFreezeTimeoutAfterThawing() throws Exception {
        CountDownLatch hungAgent = new CountDownLatch(1);
        f.guest.blockFreezeUntil(hungAgent, false);
        FreezeLimits limits = EngineFixture.fastLimits().freezeTimeout(Duration.ofMillis(100)).thawTimeout(Duration.ofMillis(100))
                .thawRetryFor(Duration.ofMillis(200)).build();
        try {
            ConsistentSnapshotException e = expectFailure(f.engine(), f.request(1, limits).build());

            assertEquals(Reason.FREEZE_TIMEOUT, e.reason());
            assertTrue(e.getMessage(), e.getMessage().contains("may still freeze later"));
            assertTrue(f.guest.thawCalls() >= 1);
            assertEquals(0, f.log.count("create:"));
        } finally {
            hungAgent.countDown();
        }
    }

    @Test
    public void bestEffortContinuesCrashConsistentAfterAFreezeError() throws Exception {
        f.guest.failFreeze(AGENT_ERROR);

        ConsistentSnapshotResult result = f.engine().snapshot(f.request(2).policy(ConsistencyPolicy.BEST_EFFORT).build());

        assertEquals(ConsistencyLevel.QUIESCE_FAILED, result.level());
        assertEquals(Reason.FREEZE_FAILED, result.quiesceFailure().get().reason());
        assertTrue(result.quiesceFailure().get().message().contains("Device or resource busy"));
        assertEquals(2, result.snapshots().size());
        assertEquals(1, f.guest.thawCalls());
        assertEquals(0, result.frozenFileSystems());
    }

    @Test
    public void bestEffortReportsAQuiesceTimeout() throws Exception {
        CountDownLatch hungAgent = new CountDownLatch(1);
        f.guest.blockFreezeUntil(hungAgent, false);
        FreezeLimits limits = EngineFixture.fastLimits().freezeTimeout(Duration.ofMillis(100)).thawTimeout(Duration.ofMillis(100))
                .thawRetryFor(Duration.ofMillis(200)).build();
        try {
            ConsistentSnapshotResult result = f.engine().snapshot(f.request(2, limits).policy(ConsistencyPolicy.BEST_EFFORT).build());

            assertEquals(ConsistencyLevel.QUIESCE_TIMEOUT, result.level());
            assertEquals(Reason.FREEZE_TIMEOUT, result.quiesceFailure().get().reason());
            assertEquals(2, result.snapshots().size());
            assertTrue(f.guest.thawCalls() >= 1);
        } finally {
            hungAgent.countDown();
        }
    }

    @Test
    public void offMakesNoGuestCallAtAll() throws Exception {
        f.guest.failRunState(new GuestAgentException(Kind.FAILED, "must not be called"));

        ConsistentSnapshotResult result = f.engine().snapshot(f.request(3).policy(ConsistencyPolicy.OFF)
                .mountPoints(Collections.singletonList("/data")).build());

        assertEquals(ConsistencyLevel.CRASH_CONSISTENT, result.level());
        assertEquals(3, result.snapshots().size());
        assertEquals(0, f.log.count("state"));
        assertEquals(0, f.guest.agentCalls());
        assertFalse(f.journal().directory().toFile().exists());
    }

    @Test
    public void agentNotConfiguredFailsRequiredAndDegradesBestEffort() throws Exception {
        f.guest.failPing(new GuestAgentException(Kind.AGENT_NOT_CONFIGURED, "argument unsupported: QEMU guest agent is not configured"));

        ConsistentSnapshotException e = expectFailure(f.engine(), f.request(1).build());
        assertEquals(Reason.AGENT_NOT_CONFIGURED, e.reason());
        assertEquals(0, f.guest.freezeCalls());
        assertEquals(0, f.log.count("create:"));

        ConsistentSnapshotResult result = f.engine().snapshot(f.request(1).policy(ConsistencyPolicy.BEST_EFFORT).build());
        assertEquals(ConsistencyLevel.QUIESCE_FAILED, result.level());
        assertEquals(Reason.AGENT_NOT_CONFIGURED, result.quiesceFailure().get().reason());
        assertEquals("no freeze means no thaw either", 0, f.guest.thawCalls());
    }

    @Test
    public void anAgentThatDoesNotAnswerThePingInTimeIsAQuiesceTimeout() throws Exception {
        f.guest.failPing(new GuestAgentException(Kind.TIMEOUT, "Guest agent is not responding: Guest agent not available for now"));

        ConsistentSnapshotResult result = f.engine().snapshot(f.request(1).policy(ConsistencyPolicy.BEST_EFFORT).build());

        assertEquals(ConsistencyLevel.QUIESCE_TIMEOUT, result.level());
        assertEquals(Reason.AGENT_NOT_RESPONDING, result.quiesceFailure().get().reason());
        assertEquals(0, f.guest.freezeCalls());
    }

    @Test
    public void anAgentThatIsNotConnectedIsNotResponding() throws Exception {
        f.guest.failPing(new GuestAgentException(Kind.AGENT_NOT_RESPONDING, "Guest agent is not responding: QEMU guest agent is not connected"));

        ConsistentSnapshotException e = expectFailure(f.engine(), f.request(1).build());

        assertEquals(Reason.AGENT_NOT_RESPONDING, e.reason());
        assertTrue(e.getMessage(), e.getMessage().contains("not connected"));
    }

    @Test
    public void aPausedDomainIsCrashConsistentWithoutAnyAgentCall() throws Exception {
        f.guest.runStates(DomainRunState.PAUSED);

        ConsistentSnapshotResult result = f.engine().snapshot(f.request(2).build());

        assertEquals(ConsistencyLevel.CRASH_CONSISTENT, result.level());
        assertFalse(result.quiesceFailure().isPresent());
        assertEquals(2, result.snapshots().size());
        assertEquals(0, f.guest.agentCalls());
    }

    @Test
    public void aDomainPausedJustBeforeTheFreezeIsNotFrozen() throws Exception {
        f.guest.runStates(DomainRunState.RUNNING, DomainRunState.PAUSED);

        ConsistentSnapshotResult result = f.engine().snapshot(f.request(1).build());

        assertEquals(ConsistencyLevel.CRASH_CONSISTENT, result.level());
        assertEquals(0, f.guest.freezeCalls());
        assertEquals(2, f.log.count("state"));
    }

    @Test
    public void aStoppedOrUnknownDomainFailsWhateverThePolicy() throws Exception {
        f.guest.runStates(DomainRunState.SHUT_OFF);
        ConsistentSnapshotException stopped = expectFailure(f.engine(), f.request(1).policy(ConsistencyPolicy.BEST_EFFORT).build());
        assertEquals(Reason.DOMAIN_NOT_RUNNING, stopped.reason());
        assertTrue(stopped.getMessage(), stopped.getMessage().contains("shut off"));

        f.guest.failRunState(new GuestAgentException(Kind.DOMAIN_NOT_FOUND, "Domain not found: no domain with matching name"));
        ConsistentSnapshotException missing = expectFailure(f.engine(), f.request(1).policy(ConsistencyPolicy.BEST_EFFORT).build());
        assertEquals(Reason.DOMAIN_NOT_FOUND, missing.reason());
        assertEquals(0, f.log.count("create:"));
    }

    @Test
    public void anAlreadyFrozenGuestIsLeftAlone() throws Exception {
        f.guest.frozen(true);

        ConsistentSnapshotException e = expectFailure(f.engine(), f.request(1).policy(ConsistencyPolicy.BEST_EFFORT).build());

        assertEquals(Reason.ALREADY_FROZEN, e.reason());
        assertTrue(e.getMessage(), e.getMessage().contains("already frozen"));
        assertTrue(f.guest.isFrozen());
        assertEquals(0, f.guest.thawCalls());
        assertEquals(0, f.guest.freezeCalls());
    }

    @Test
    public void aFreezeRefusedBecauseSomeoneElseFrozeTheGuestMeanwhileIsNotThawedByUs() throws Exception {
        f.guest.failFreeze(new GuestAgentException(Kind.AGENT_FROZEN,
                "Command guest-fsfreeze-freeze has been disabled: the agent is in frozen state"));

        ConsistentSnapshotException e = expectFailure(f.engine(), f.request(1).build());

        assertEquals(Reason.ALREADY_FROZEN, e.reason());
        assertEquals(0, f.guest.thawCalls());
        assertTrue(f.journal().list().isEmpty());
    }

    @Test
    public void aGuestLeftFrozenByADeadPredecessorIsThawedFirst() throws Exception {
        f.guest.frozen(true);
        f.journal().record(new JournalEntry(f.domain, "crashed-session", deadProcess(), "host", Instant.now(),
                Duration.ofSeconds(8), Collections.emptyList()));

        ConsistentSnapshotResult result = f.engine().snapshot(f.request(1).build());

        assertEquals(ConsistencyLevel.FS_FROZEN, result.level());
        assertEquals(1, result.warnings().size());
        assertTrue(result.warnings().get(0).contains("left frozen"));
        assertFalse(f.guest.isFrozen());
        assertTrue(f.journal().list().isEmpty());
    }

    @Test
    public void aFreezeOfNoFileSystemIsAFreezeFailure() throws Exception {
        f.guest.freezeHasNoEffect();

        ConsistentSnapshotException e = expectFailure(f.engine(), f.request(1).mountPoints(Arrays.asList("/nonexistent")).build());

        assertEquals(Reason.FREEZE_FAILED, e.reason());
        assertTrue(e.getMessage(), e.getMessage().contains("froze no file system"));
        assertTrue(e.getMessage(), e.getMessage().contains("/nonexistent"));
        assertEquals(1, f.guest.thawCalls());
    }

    @Test
    public void anUnwritableJournalMeansNoFreeze() throws Exception {
        Path notADirectory = Files.createFile(f.directory().resolve("occupied"));
        ConsistencyEngine engine = new ConsistencyEngine(f.guest, f.array, new FreezeJournal(notADirectory.resolve("journal")),
                f.runtime(), ConsistencyEngineListener.NONE);

        ConsistentSnapshotException e = expectFailure(engine, f.request(1).build());
        assertEquals(Reason.JOURNAL_FAILED, e.reason());

        ConsistentSnapshotResult result = engine.snapshot(f.request(1).policy(ConsistencyPolicy.BEST_EFFORT).build());
        assertEquals(ConsistencyLevel.QUIESCE_FAILED, result.level());
        assertEquals(Reason.JOURNAL_FAILED, result.quiesceFailure().get().reason());
        assertEquals(0, f.guest.freezeCalls());
    }

    @Test
    public void libvirtTroubleIsAQuiesceFailure() throws Exception {
        f.guest.failRunState(new GuestAgentException(Kind.FAILED, "Cannot recv data: Connection reset by peer"));

        ConsistentSnapshotException e = expectFailure(f.engine(), f.request(1).build());
        assertEquals(Reason.LIBVIRT_FAILED, e.reason());

        ConsistentSnapshotResult result = f.engine().snapshot(f.request(1).policy(ConsistencyPolicy.BEST_EFFORT).build());
        assertEquals(ConsistencyLevel.QUIESCE_FAILED, result.level());
    }

    /** A process that has exited: its pid with a start time it never had. */
    static JournalOwner deadProcess() {
        return JournalOwner.of(ProcessHandle.current().pid(), Instant.EPOCH);
    }
}
