// Licensed under the Apache License, Version 2.0. See LICENSE in the project root.
package io.elastisnap.engine;

import static io.elastisnap.engine.ConsistencyEngineTest.expectFailure;
import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertFalse;
import static org.junit.Assert.assertTrue;

import io.elastisnap.engine.ConsistentSnapshotException.Reason;
import io.elastisnap.engine.GuestAgentException.Kind;
import io.elastisnap.engine.VolumeOutcome.State;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.junit.Rule;
import org.junit.Test;

public class FailureHandlingTest {
    @Rule
    public final EngineFixture f = new EngineFixture();

    @Test
    public void aFailedVolumeAtAnyIndexDeletesEveryOtherSnapshotAndThawsTheGuest() throws Exception {
        int volumes = 4;
        for (int failing = 0; failing < volumes; failing++) {
            EventLog log = new EventLog();
            FakeGuest guest = new FakeGuest(log);
            FakeArray array = new FakeArray(log).failCreate("vol-" + failing, new IllegalStateException("array says no"));
            ConsistencyEngine engine = new ConsistencyEngine(guest, array, f.journal(), f.runtime(), ConsistencyEngineListener.NONE);

            ConsistentSnapshotException e = expectFailure(engine, f.request(volumes).build());

            assertEquals(Reason.SNAPSHOT_FAILED, e.reason());
            assertTrue("nothing left on the array when volume " + failing + " fails", array.existing().isEmpty());
            assertFalse(guest.isFrozen());
            assertTrue(e.leftOnArray().isEmpty());
            for (int i = 0; i < volumes; i++) {
                VolumeOutcome outcome = e.volumeOutcomes().get(i);
                assertEquals("vol-" + i, outcome.volumeId());
                if (i == failing) {
                    assertEquals(State.FAILED, outcome.state());
                    assertEquals("array says no", outcome.error().orElse(""));
                } else {
                    assertTrue(outcome.state() + " of volume " + i, outcome.state() == State.DELETED || outcome.state() == State.PENDING);
                }
            }
            List<VolumeOutcome> settled = e.lateCleanup().get(10, TimeUnit.SECONDS);
            for (int i = 0; i < volumes; i++) {
                assertEquals(i == failing ? State.FAILED : State.DELETED, settled.get(i).state());
            }
            assertTrue(e.getMessage(), e.getMessage().contains("vol-" + failing + ": FAILED: array says no"));
            assertTrue(array.existing().isEmpty());
            assertTrue(engine.awaitIdle(Duration.ofSeconds(5)));
            assertTrue(f.journal().list().isEmpty());
        }
    }

    @Test
    public void thawComesBeforeTheCompensatingDeletes() throws Exception {
        f.array.failCreate("vol-1", new IllegalStateException("boom"));

        expectFailure(f.engine(), f.request(2).build());

        assertTrue(f.log.events().toString(), f.log.indexOf("thawed") < f.log.firstIndexOfPrefix("delete:"));
    }

    @Test
    public void passedDeadlineDeletesTakenSnapshotsAndTheOneThatCompletesLate() throws Exception {
        CountDownLatch gate = new CountDownLatch(1);
        f.array.blockCreate("vol-2", gate);
        FreezeLimits limits = EngineFixture.fastLimits().maxFrozenWindow(Duration.ofMillis(300)).freezeTimeout(Duration.ofMillis(200)).build();
        ConsistencyEngine engine = f.engine();

        ConsistentSnapshotException e;
        try {
            e = expectFailure(engine, f.request(3, limits).build());
            assertEquals(Reason.WINDOW_EXCEEDED, e.reason());
            assertFalse("guest thawed when the failure is reported", f.guest.isFrozen());
            assertEquals(State.DELETED, e.volumeOutcomes().get(0).state());
            assertEquals(State.DELETED, e.volumeOutcomes().get(1).state());
            assertEquals(State.PENDING, e.volumeOutcomes().get(2).state());
            assertFalse(e.lateCleanup().isDone());
        } finally {
            gate.countDown();
        }

        List<VolumeOutcome> settled = e.lateCleanup().get(10, TimeUnit.SECONDS);
        assertEquals(State.DELETED, settled.get(2).state());
        assertEquals("pool/vol-2@snap-1", settled.get(2).path().orElse(""));
        assertTrue("the late snapshot was deleted, not leaked", f.array.existing().isEmpty());
        assertTrue(engine.awaitIdle(Duration.ofSeconds(5)));
    }

    @Test
    public void watchdogThawsWhileTheOrchestratingThreadIsStuck() throws Exception {
        CountDownLatch stuck = new CountDownLatch(1);
        CountDownLatch frozenSeen = new CountDownLatch(1);
        ConsistencyEngine engine = f.engine(new ConsistencyEngineListener() {
            @Override
            public void onFrozen(String domainName) {
                frozenSeen.countDown();
                FakeGuest.awaitIgnoringInterrupts(stuck);
            }
        });
        FreezeLimits limits = EngineFixture.fastLimits().maxFrozenWindow(Duration.ofMillis(300)).freezeTimeout(Duration.ofMillis(200)).build();
        ExecutorService caller = Executors.newSingleThreadExecutor();
        try {
            Future<ConsistentSnapshotResult> attempt = caller.submit(() -> engine.snapshot(f.request(2, limits).build()));
            assertTrue(frozenSeen.await(10, TimeUnit.SECONDS));

            assertTrue("watchdog thawed the guest", f.guest.awaitThawed(10));
            assertFalse("the orchestrating thread is still stuck", attempt.isDone());

            stuck.countDown();
            ConsistentSnapshotException e = unwrap(attempt);
            assertEquals(Reason.WINDOW_EXCEEDED, e.reason());
            assertTrue(e.getMessage(), e.getMessage().contains("watchdog"));
            for (VolumeOutcome outcome : e.volumeOutcomes()) {
                assertEquals(State.NOT_STARTED, outcome.state());
            }
            assertEquals("no snapshot is taken after the window", 0, f.log.count("create:"));
        } finally {
            stuck.countDown();
            caller.shutdownNow();
        }
        assertTrue(engine.awaitIdle(Duration.ofSeconds(5)));
        assertTrue(f.journal().list().isEmpty());
    }

    @Test
    public void thawIsRetriedUntilConfirmed() throws Exception {
        f.guest.failThawTimes(3);

        ConsistentSnapshotResult result = f.engine().snapshot(f.request(1).build());

        assertEquals(ConsistencyLevel.FS_FROZEN, result.level());
        assertEquals(4, f.guest.thawCalls());
        assertFalse(f.guest.isFrozen());
        assertTrue(f.journal().list().isEmpty());
    }

    @Test
    public void aThawThatNeverSucceedsFailsTheSnapshotAndKeepsTheJournalEntry() throws Exception {
        f.guest.failThawAlways(new GuestAgentException(Kind.TIMEOUT, "Guest agent is not responding: Guest agent not available for now"));
        FreezeLimits limits = EngineFixture.fastLimits().thawTimeout(Duration.ofMillis(100)).thawRetryFor(Duration.ofMillis(300)).build();

        ConsistentSnapshotException e = expectFailure(f.engine(), f.request(2, limits).build());

        assertEquals(Reason.THAW_FAILED, e.reason());
        assertTrue(e.getMessage(), e.getMessage().contains("thaw NOT confirmed"));
        assertTrue(f.guest.thawCalls() > 1);
        assertTrue("all-or-nothing also when the thaw fails", f.array.existing().isEmpty());
        assertTrue("entry kept so a restart thaws the guest", f.journal().read(f.domain).isPresent());
    }

    @Test
    public void aGuestPausedWhileFrozenIsThawedWhenItRunsAgainEvenPastTheRetryPeriod() throws Exception {
        f.guest.onFreeze(domain -> f.guest.pause());
        FreezeLimits limits = EngineFixture.fastLimits().thawTimeout(Duration.ofMillis(100)).thawRetryFor(Duration.ofMillis(300)).build();
        ConsistencyEngine engine = f.engine();
        ScheduledExecutorService operator = Executors.newSingleThreadScheduledExecutor();
        try {
            operator.schedule(f.guest::resume, 1, TimeUnit.SECONDS);   // resumed well after thawRetryFor has passed

            expectFailure(engine, f.request(1, limits).build());

            assertTrue("thawed once the domain runs again", f.guest.awaitThawed(10));
            assertTrue(engine.awaitIdle(Duration.ofSeconds(10)));
        } finally {
            operator.shutdownNow();
        }
        assertFalse(f.guest.isFrozen());
        assertTrue(f.log.events().toString(), f.log.indexOf("resumed") < f.log.indexOf("thawed"));
        assertTrue(f.journal().list().isEmpty());
        assertTrue(f.array.existing().isEmpty());
    }

    @Test
    public void aFreezeThatTimesOutIsThawedAnywayAndALateFreezeIsThawedAgain() throws Exception {
        CountDownLatch agentResumes = new CountDownLatch(1);
        f.guest.blockFreezeUntil(agentResumes, true);
        FreezeLimits limits = EngineFixture.fastLimits().freezeTimeout(Duration.ofMillis(100)).thawRetryFor(Duration.ofSeconds(1)).build();
        ConsistencyEngine engine = f.engine();

        ConsistentSnapshotException e;
        try {
            e = expectFailure(engine, f.request(1, limits).build());
        } finally {
            agentResumes.countDown();
        }

        assertEquals(Reason.FREEZE_TIMEOUT, e.reason());
        assertTrue("thaw sent after the timed-out freeze", f.guest.thawCalls() >= 1);
        assertTrue("the queued freeze takes effect late and is thawed again", f.guest.awaitThawed(10));
        assertTrue(engine.awaitIdle(Duration.ofSeconds(10)));
        assertFalse(f.guest.isFrozen());
        assertTrue(f.log.events().toString(), f.log.indexOf("frozen") < f.log.indexOf("thawed"));
        assertTrue(f.journal().list().isEmpty());
        assertTrue(f.array.existing().isEmpty());
    }

    @Test
    public void theDomainStaysBusyWhileALateFreezeIsWatchedFor() throws Exception {
        CountDownLatch agentResumes = new CountDownLatch(1);
        f.guest.blockFreezeUntil(agentResumes, false);
        FreezeLimits limits = EngineFixture.fastLimits().freezeTimeout(Duration.ofMillis(100)).thawRetryFor(Duration.ofSeconds(1)).build();
        ConsistencyEngine engine = f.engine();
        try {
            assertEquals(Reason.FREEZE_TIMEOUT, expectFailure(engine, f.request(1, limits).build()).reason());

            assertEquals(Reason.DOMAIN_BUSY, expectFailure(engine, f.request(1, limits).build()).reason());
            assertTrue(f.journal().read(f.domain).isPresent());
        } finally {
            agentResumes.countDown();
        }
        assertTrue(engine.awaitIdle(Duration.ofSeconds(10)));
        assertFalse(f.journal().read(f.domain).isPresent());
    }

    @Test
    public void compensationFailuresAreReportedWithWhatIsLeftOnTheArray() throws Exception {
        CountDownLatch othersDone = new CountDownLatch(1);
        f.array.blockCreate("vol-1", othersDone).failCreate("vol-1", new IllegalStateException("create failed"));
        f.array.failDelete("vol-0", new IllegalStateException("ElastiCenter unreachable"));
        ExecutorService caller = Executors.newSingleThreadExecutor();
        ConsistentSnapshotException e;
        try {
            Future<ConsistentSnapshotResult> attempt = caller.submit(() -> f.engine().snapshot(f.request(3).build()));
            assertTrue(f.array.awaitCreated("vol-0", 10));
            assertTrue(f.array.awaitCreated("vol-2", 10));
            awaitArrayCallsInFlight(1); // both answers are in the batch before vol-1 fails
            othersDone.countDown();
            e = unwrap(attempt);
        } finally {
            othersDone.countDown();
            caller.shutdownNow();
        }

        assertEquals(Reason.SNAPSHOT_FAILED, e.reason());
        VolumeOutcome left = e.volumeOutcomes().get(0);
        assertEquals(State.DELETE_FAILED, left.state());
        assertEquals("pool/vol-0@snap-1", left.path().orElse(""));
        assertTrue(left.error().orElse("").contains("ElastiCenter unreachable"));
        assertEquals(State.FAILED, e.volumeOutcomes().get(1).state());
        assertEquals(State.DELETED, e.volumeOutcomes().get(2).state());
        assertEquals(1, e.leftOnArray().size());
        assertTrue(e.getMessage(), e.getMessage().contains("REMAIN ON THE ARRAY: pool/vol-0@snap-1"));
        assertEquals(e.volumeOutcomes().toString(), e.lateCleanup().get(10, TimeUnit.SECONDS).toString());
        assertEquals(1, f.array.existing().size());
    }

    @Test
    public void aSnapshotTheArrayMadeDespiteAFailedCreateIsDeletedToo() throws Exception {
        f.array.loseCreateAnswer("vol-0", new IllegalStateException("read timed out after the request was sent"));

        ConsistentSnapshotException e = expectFailure(f.engine(), f.request(2).build());

        assertEquals(Reason.SNAPSHOT_FAILED, e.reason());
        List<VolumeOutcome> settled = e.lateCleanup().get(10, TimeUnit.SECONDS);
        assertEquals(State.FAILED, settled.get(0).state());
        assertTrue(settled.get(0).error().get(), settled.get(0).error().get().contains("had created pool/vol-0@snap-1 anyway, it was deleted"));
        assertTrue(f.array.existing().isEmpty());
    }

    @Test
    public void aStraySnapshotThatCannotBeDeletedIsReportedAsLeftOnTheArray() throws Exception {
        f.array.loseCreateAnswer("vol-0", new IllegalStateException("connection reset"))
                .failDelete("vol-0", new IllegalStateException("still unreachable"));

        ConsistentSnapshotException e = expectFailure(f.engine(), f.request(1).build());

        assertEquals(State.DELETE_FAILED, e.volumeOutcomes().get(0).state());
        assertEquals("pool/vol-0@snap-1", e.volumeOutcomes().get(0).path().get());
        assertEquals(1, e.leftOnArray().size());
        assertTrue(e.getMessage(), e.getMessage().contains("REMAIN ON THE ARRAY"));
    }

    @Test
    public void anArrayThatCannotPrepareFailsTheRequestBeforeTheFreeze() throws Exception {
        f.array.failPrepare(new IllegalArgumentException("volume vol-1 does not exist on ElastiCenter"));

        ConsistentSnapshotException e = expectFailure(f.engine(), f.request(2).build());

        assertEquals(Reason.SNAPSHOT_FAILED, e.reason());
        assertTrue(e.getMessage(), e.getMessage().contains("volume vol-1 does not exist"));
        assertEquals(0, f.guest.freezeCalls());
        assertEquals(0, f.log.count("create:"));
    }

    @Test
    public void theArrayIsPreparedBeforeTheFreeze() throws Exception {
        f.engine().snapshot(f.request(2).build());

        assertTrue(f.log.events().toString(), f.log.indexOf("prepare:vol-0,vol-1") < f.log.indexOf("freeze"));
    }

    @Test
    public void anInterruptedCallerStillThawsAndCleansUp() throws Exception {
        CountDownLatch gate = new CountDownLatch(1);
        f.array.blockCreate("vol-1", gate);
        ConsistencyEngine engine = f.engine();
        List<Object> outcome = new ArrayList<>();
        Thread caller = new Thread(() -> {
            try {
                engine.snapshot(f.request(2).build());
                outcome.add("no failure");
            } catch (ConsistentSnapshotException e) {
                outcome.add(e);
                outcome.add(Thread.currentThread().isInterrupted());
            }
        });
        try {
            caller.start();
            assertTrue(f.array.awaitCreateStarted("vol-1", 10));
            caller.interrupt();
            caller.join(10_000);
        } finally {
            gate.countDown();
        }

        ConsistentSnapshotException e = (ConsistentSnapshotException) outcome.get(0);
        assertEquals(Reason.INTERRUPTED, e.reason());
        assertEquals("the interrupt is kept for the caller", Boolean.TRUE, outcome.get(1));
        assertFalse(f.guest.isFrozen());
        e.lateCleanup().get(10, TimeUnit.SECONDS);
        assertTrue(f.array.existing().isEmpty());
    }

    /**
     * Waits until only {@code count} array calls hold their slot: a call gives its slot back only after its answer is
     * recorded in the batch, which a latch inside the fake array cannot tell.
     */
    private void awaitArrayCallsInFlight(int count) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        int capacity = f.runtime().maxConcurrentArrayCalls();
        while (capacity - f.runtime().arraySlots().availablePermits() > count) {
            assertTrue("array calls still in flight after 10 s", System.nanoTime() < deadline);
            Thread.sleep(1);
        }
    }

    private static ConsistentSnapshotException unwrap(Future<ConsistentSnapshotResult> attempt) throws Exception {
        try {
            throw new AssertionError("expected a failure, got " + attempt.get(10, TimeUnit.SECONDS));
        } catch (java.util.concurrent.ExecutionException e) {
            return (ConsistentSnapshotException) e.getCause();
        }
    }
}
