// Licensed under the Apache License, Version 2.0. See LICENSE in the project root.
package io.elastisnap.engine;

import io.elastisnap.engine.ConsistentSnapshotException.Reason;
import io.elastisnap.engine.journal.FreezeJournal;
import io.elastisnap.engine.journal.JournalEntry;
import java.io.IOException;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.RejectedExecutionException;
import org.apache.logging.log4j.LogManager;
import org.apache.logging.log4j.Logger;

/**
 * One execution of {@link ConsistencyEngine#snapshot}: validation, {@link Preflight}, then the frozen path (journal,
 * freeze, parallel snapshots, thaw) or the unfrozen one, and the result or the {@link Compensation}.
 */
final class SnapshotAttempt {
    private static final Logger LOG = LogManager.getLogger(SnapshotAttempt.class);

    private final ConsistentSnapshotRequest request;
    private final BoundedQuiescer quiescer;
    private final ArraySnapshotter snapshotter;
    private final FreezeJournal journal;
    private final EngineRuntime runtime;
    private final ConsistencyEngine engine;
    private final String domain;
    private final FreezeLimits limits;
    private final String sessionId = UUID.randomUUID().toString();
    private final long startNanos = System.nanoTime();
    private final List<String> warnings = new ArrayList<>();
    private final Compensation failures;
    private final Preflight preflight;
    private boolean domainHandedToSession;
    /** Armed before the freeze; the freeze session ends it once it owns it (NONE from then on here). */
    private ThawGuard.Armed guard = ThawGuard.Armed.NONE;
    private long preflightNanos;
    private long freezeNanos;
    private long snapshotsNanos;
    private long thawNanos;
    private long windowNanos;

    SnapshotAttempt(ConsistentSnapshotRequest request, ConsistencyEngine engine) {
        this.request = request;
        this.engine = engine;
        this.runtime = engine.runtime();
        this.quiescer = new BoundedQuiescer(engine.quiescer(), runtime.agentCalls());
        this.snapshotter = engine.snapshotter();
        this.journal = engine.journal();
        this.domain = request.domainName();
        this.limits = request.limits();
        this.failures = new Compensation(request, snapshotter, engine::trackLateCleanup, this::timings);
        this.preflight = new Preflight(request, this.quiescer, snapshotter, journal, runtime, failures, warnings);
    }

    ConsistentSnapshotResult run() throws ConsistentSnapshotException {
        validate();
        if (request.policy() == ConsistencyPolicy.OFF) {
            return withReservation(PreflightDecision.CRASH_CONSISTENT);
        }
        if (!runtime.activeDomains().tryAcquire(domain, sessionId)) {
            throw failures.nothingCreated(Reason.DOMAIN_BUSY, "another consistent snapshot of domain " + domain
                    + " is in progress in this process (or its thaw is still being watched); try again later");
        }
        try {
            return withReservation(preflight.decide());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw failures.nothingCreated(Reason.INTERRUPTED, "interrupted during pre-flight of domain " + domain
                    + "; nothing was frozen or created");
        } finally {
            if (!domainHandedToSession) {
                runtime.activeDomains().release(domain, sessionId);
            }
        }
    }

    private void validate() throws ConsistentSnapshotException {
        List<String> problems = new ArrayList<>(request.problems());
        if (request.volumes().size() > runtime.maxConcurrentArrayCalls()) {
            problems.add(request.volumes().size() + " volumes exceed the engine's " + runtime.maxConcurrentArrayCalls()
                    + " concurrent array calls");
        }
        if (!problems.isEmpty()) {
            throw failures.nothingCreated(Reason.INVALID_REQUEST, "invalid consistent snapshot request for domain " + domain + ": "
                    + String.join("; ", problems));
        }
    }

    private ConsistentSnapshotResult withReservation(PreflightDecision preflightDecision) throws ConsistentSnapshotException {
        preflight.prepareArray();
        ArraySlotReservation reservation;
        try {
            reservation = ArraySlotReservation.tryReserve(runtime.arraySlots(), request.volumes().size(),
                    limits.preflightTimeout().toNanos());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw failures.nothingCreated(Reason.INTERRUPTED, "interrupted while waiting for array-call capacity; nothing was frozen or created");
        }
        if (reservation == null) {
            throw failures.nothingCreated(Reason.ENGINE_BUSY, "no capacity for " + request.volumes().size()
                    + " parallel array snapshot calls within " + limits.preflightTimeout().toMillis() + " ms (engine limit "
                    + runtime.maxConcurrentArrayCalls() + " calls in flight); nothing was frozen or created");
        }
        try {
            PreflightDecision decision = preflightDecision;
            if (decision.freeze) {
                decision = armThawGuard();
            }
            if (decision.freeze) {
                decision = preflight.checkRunState();
            }
            if (!decision.freeze) {
                guard.disarm();
            }
            return decision.freeze ? snapshotFrozen(reservation) : snapshotUnfrozen(reservation, decision);
        } catch (InterruptedException e) {
            guard.disarm();
            reservation.releaseAll();
            Thread.currentThread().interrupt();
            throw failures.nothingCreated(Reason.INTERRUPTED, "interrupted before the freeze of domain " + domain
                    + "; nothing was frozen or created");
        } catch (ConsistentSnapshotException | RuntimeException | Error e) {
            guard.disarm();
            reservation.releaseAll();
            throw e;
        }
    }

    /** Before the freeze, so its start-up cost never falls inside the window. No guard, no freeze. */
    private PreflightDecision armThawGuard() throws ConsistentSnapshotException {
        try {
            guard = engine.thawGuard().arm(domain, sessionId, limits, journal.guardLogOf(domain));
            return PreflightDecision.FREEZE;
        } catch (ThawGuardException e) {
            return preflight.quiesceFailed(Reason.THAW_GUARD_FAILED, "the thaw guard of domain " + domain
                    + " could not be armed (" + e.getMessage() + "), so the guest is not frozen: were this process to die"
                    + " while the guest is frozen, nothing would thaw it before the next start", false);
        }
    }

    // ---------------------------------------------------------------- frozen path

    private ConsistentSnapshotResult snapshotFrozen(ArraySlotReservation reservation) throws ConsistentSnapshotException {
        SnapshotBatch batch = new SnapshotBatch(domain, request.volumes());
        ThawGuard.Armed sessionGuard = guard;
        guard = ThawGuard.Armed.NONE;
        FreezeSession session = new FreezeSession(domain, sessionId, limits, quiescer, journal, runtime, engine.listener(),
                batch, sessionGuard);
        try {
            journal.record(new JournalEntry(domain, sessionId, journal.owner(), HostName.LOCAL, Instant.now(),
                    limits.maxFrozenWindow(), preflight.freezeScope().freezeList()));
        } catch (IOException e) {
            sessionGuard.disarm();
            PreflightDecision decision = preflight.quiesceFailed(Reason.JOURNAL_FAILED, "cannot write the freeze journal in "
                    + journal.directory() + " (" + e + "), so the guest is not frozen: a crash could leave it frozen with"
                    + " nobody to thaw it", false);
            return snapshotUnfrozen(reservation, decision);
        }
        preflightNanos = System.nanoTime() - startNanos;
        long freezeStart;
        try {
            freezeStart = session.startWindow();
        } catch (RejectedExecutionException e) {
            session.endBeforeFreeze();
            throw failures.nothingCreated(Reason.ENGINE_BUSY, "the engine runtime is shut down; nothing was frozen or created");
        }
        try {
            // told with the window already running, so the guard's deadline can never come before the engine's own
            sessionGuard.freezeStarting(Duration.ofNanos(session.deadlineNanos() - System.nanoTime()));
        } catch (ThawGuardException e) {
            session.endBeforeFreeze();
            PreflightDecision decision = preflight.quiesceFailed(Reason.THAW_GUARD_FAILED, "the thaw guard of domain " + domain
                    + " was gone before the freeze (" + e.getMessage() + "), so the guest is not frozen", false);
            return snapshotUnfrozen(reservation, decision);
        }
        domainHandedToSession = true;
        engine.trackFreezeSession(session.finished());

        boolean interrupted = false;
        FreezeCall freeze;
        try {
            freeze = FreezeCall.run(quiescer, request, preflight.freezeScope(), session.deadlineNanos());
        } catch (InterruptedException e) {
            interrupted = true;
            freeze = FreezeCall.interrupted();
        }
        freezeNanos = System.nanoTime() - freezeStart;
        session.freezeOutcome(freeze.mode);

        if (freeze.refusedAsFrozen) {
            session.endWithoutThaw();
            reservation.releaseAll();
            throw failures.nothingCreated(Reason.ALREADY_FROZEN, freeze.message);
        }
        boolean abortWithoutSnapshots = interrupted
                || (!freeze.achieved() && request.policy() == ConsistencyPolicy.REQUIRED);
        if (abortWithoutSnapshots) {
            reservation.releaseAll();
            ThawConfirmation thaw = thaw(session, freezeStart);
            Reason reason = !thaw.isThawed() && thaw.knownFrozen ? Reason.THAW_FAILED : freeze.reason;
            if (interrupted) {
                Thread.currentThread().interrupt();
            }
            throw failures.nothingCreated(reason, "freeze of domain " + domain + " failed: " + freeze.message + "; " + thaw.describe()
                    + (interrupted ? "" : " (policy REQUIRED: no snapshot taken)"));
        }

        ConsistencyLevel level = ConsistencyLevel.FS_FROZEN;
        QuiesceFailure quiesceFailure = null;
        if (freeze.achieved()) {
            notifyFrozen();
        } else {
            level = freeze.timedOut ? ConsistencyLevel.QUIESCE_TIMEOUT : ConsistencyLevel.QUIESCE_FAILED;
            quiesceFailure = new QuiesceFailure(freeze.reason, freeze.message);
            LOG.warn("Domain {}: {}; policy BEST_EFFORT: taking crash-consistent snapshots", domain, freeze.message);
        }

        boolean started = batch.startAll(runtime.arrayCalls(), snapshotter, reservation, session.deadlineNanos());
        if (!started) {
            reservation.releaseAll();
        } else {
            try {
                batch.awaitSettled();
            } catch (InterruptedException e) {
                interrupted = true;
            }
        }
        SnapshotBatch.Closed closed = batch.close();
        ThawConfirmation thaw = thaw(session, freezeStart);
        snapshotsNanos = batch.elapsedNanos();

        boolean thawFailed = !thaw.isThawed() && thaw.knownFrozen;
        if (closed.allTaken() && !thawFailed && !interrupted) {
            if (!thaw.isThawed()) {
                warnings.add("the thaw of domain " + domain + " could not be confirmed (" + thaw.describe()
                        + "); the freeze journal keeps the domain so the next start thaws it if needed");
            }
            if (thaw.pausedWhileFrozen) {
                warnings.add("domain " + domain + " was paused while its file systems were frozen: the guest stayed frozen"
                        + " for the whole pause (frozen window " + Duration.ofNanos(windowNanos).toMillis() + " ms)");
            }
            return result(level, quiesceFailure, closed, freeze.achieved() ? freeze.frozenFileSystems : 0,
                    freeze.achieved() ? preflight.freezeScope() : null, thaw.pausedWhileFrozen);
        }
        Reason reason;
        String what;
        if (thawFailed) {
            reason = Reason.THAW_FAILED;
            what = "the guest could not be thawed";
        } else if (interrupted) {
            reason = Reason.INTERRUPTED;
            what = "interrupted";
            Thread.currentThread().interrupt();
        } else if (closed.anyFailed()) {
            reason = Reason.SNAPSHOT_FAILED;
            what = "array snapshot failed";
        } else {
            reason = Reason.WINDOW_EXCEEDED;
            what = "the array snapshots did not complete within the maximum frozen window of "
                    + limits.maxFrozenWindow().toMillis() + " ms" + (session.thawStartedByWatchdog() ? " (the watchdog thawed the guest)" : "");
        }
        throw failures.undo(reason, "consistent snapshot of domain " + domain + " failed: " + what + "; " + thaw.describe(), closed, batch);
    }

    private ThawConfirmation thaw(FreezeSession session, long freezeStart) {
        session.beginThaw();
        ThawConfirmation thaw = session.awaitConfirmation();
        thawNanos = thaw.atNanos - session.thawStartNanos();
        windowNanos = thaw.atNanos - freezeStart;
        return thaw;
    }

    private void notifyFrozen() {
        try {
            engine.listener().onFrozen(domain);
        } catch (RuntimeException e) {
            LOG.warn("Listener failed in onFrozen for domain {}", domain, e);
        }
    }

    // ---------------------------------------------------------------- unfrozen path

    private ConsistentSnapshotResult snapshotUnfrozen(ArraySlotReservation reservation, PreflightDecision decision)
            throws ConsistentSnapshotException {
        if (preflightNanos == 0) {
            preflightNanos = System.nanoTime() - startNanos;
        }
        SnapshotBatch batch = new SnapshotBatch(domain, request.volumes());
        batch.startAll(runtime.arrayCalls(), snapshotter, reservation, System.nanoTime() + limits.snapshotTimeout().toNanos());
        boolean interrupted = false;
        try {
            batch.awaitSettled();
        } catch (InterruptedException e) {
            interrupted = true;
        }
        SnapshotBatch.Closed closed = batch.close();
        snapshotsNanos = batch.elapsedNanos();
        if (closed.allTaken() && !interrupted) {
            return result(decision.level, decision.failure, closed, 0, null, false);
        }
        if (interrupted) {
            Thread.currentThread().interrupt();
        }
        Reason reason = interrupted ? Reason.INTERRUPTED : closed.anyFailed() ? Reason.SNAPSHOT_FAILED : Reason.SNAPSHOT_TIMEOUT;
        String what = interrupted ? "interrupted" : closed.anyFailed() ? "array snapshot failed"
                : "the array snapshots did not complete within " + limits.snapshotTimeout().toMillis() + " ms";
        throw failures.undo(reason, "snapshot of domain " + domain + " (not frozen) failed: " + what, closed, batch);
    }

    // ---------------------------------------------------------------- outcome

    private ConsistentSnapshotResult result(ConsistencyLevel level, QuiesceFailure failure, SnapshotBatch.Closed closed,
            int frozenFileSystems, FreezeScope freezeScope, boolean pausedWhileFrozen) {
        List<VolumeSnapshot> snapshots = new ArrayList<>();
        for (int i = 0; i < closed.taken.length; i++) {
            snapshots.add(new VolumeSnapshot(request.volumes().get(i), closed.taken[i]));
        }
        ConsistentSnapshotResult result = new ConsistentSnapshotResult(domain, snapshots, level, failure, frozenFileSystems, freezeScope,
                pausedWhileFrozen, timings(), warnings);
        LOG.info("Domain {}: {} snapshot(s) taken, level {}, {}", domain, snapshots.size(), level, result.timings());
        return result;
    }

    private Timings timings() {
        return new Timings(Duration.ofNanos(preflightNanos), Duration.ofNanos(freezeNanos), Duration.ofNanos(snapshotsNanos),
                Duration.ofNanos(thawNanos), Duration.ofNanos(windowNanos), Duration.ofNanos(System.nanoTime() - startNanos));
    }
}
