// Licensed under the Apache License, Version 2.0. See LICENSE in the project root.
package io.elastisnap.engine;

import io.elastisnap.engine.journal.FreezeJournal;
import java.io.IOException;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicBoolean;
import org.apache.logging.log4j.LogManager;
import org.apache.logging.log4j.Logger;

/**
 * One freeze attempt of one domain, from the journal entry to the confirmed thaw. The thaw is started exactly once,
 * by the orchestrator or by the watchdog (whichever comes first), and runs on a keeper thread that owns the rest of
 * the session: it retries the thaw until confirmed, watches for a late freeze after a freeze of unknown outcome,
 * removes the journal entry and releases the domain.
 */
final class FreezeSession {
    private static final Logger LOG = LogManager.getLogger(FreezeSession.class);

    /** What the freeze call achieved, as far as the orchestrator knows. */
    enum FreezeMode {
        /** Frozen and confirmed. */
        FROZEN,
        /** Provably not frozen (agent error reply, status thawed, no agent): one thaw, no retries. */
        NOT_FROZEN,
        /** Unknown (timed out, unreadable reply, or the thaw started before the freeze returned): the agent may freeze later. */
        UNKNOWN
    }

    private final String domain;
    private final String sessionId;
    private final FreezeLimits limits;
    private final BoundedQuiescer quiescer;
    private final FreezeJournal journal;
    private final EngineRuntime runtime;
    private final ConsistencyEngineListener listener;
    private final SnapshotBatch batch;
    private final ThawGuard.Armed guard;
    private final AtomicBoolean thawStarted = new AtomicBoolean();
    private final CompletableFuture<ThawConfirmation> confirmation = new CompletableFuture<>();
    private final CompletableFuture<Void> finished = new CompletableFuture<>();
    private volatile FreezeMode mode = FreezeMode.UNKNOWN;
    private volatile boolean byWatchdog;
    private volatile long thawStartNanos;
    private long freezeStartNanos;
    private ScheduledFuture<?> watchdog;

    FreezeSession(String domain, String sessionId, FreezeLimits limits, BoundedQuiescer quiescer, FreezeJournal journal,
            EngineRuntime runtime, ConsistencyEngineListener listener, SnapshotBatch batch, ThawGuard.Armed guard) {
        this.domain = domain;
        this.sessionId = sessionId;
        this.limits = limits;
        this.quiescer = quiescer;
        this.journal = journal;
        this.runtime = runtime;
        this.listener = listener;
        this.batch = batch;
        this.guard = guard;
    }

    /** Call right before the freeze call: the window starts now and the watchdog fires when it ends. */
    synchronized long startWindow() {
        freezeStartNanos = System.nanoTime();
        watchdog = runtime.watchdog().schedule(this::watchdogFired, limits.maxFrozenWindow().toNanos(), TimeUnit.NANOSECONDS);
        return freezeStartNanos;
    }

    long deadlineNanos() {
        return freezeStartNanos + limits.maxFrozenWindow().toNanos();
    }

    void freezeOutcome(FreezeMode outcome) {
        mode = outcome;
    }

    boolean thawStartedByWatchdog() {
        return byWatchdog;
    }

    private void watchdogFired() {
        if (thawStarted.get()) {
            return;
        }
        LOG.warn("Domain {}: frozen window of {} ms reached; watchdog thaws the guest now", domain,
                limits.maxFrozenWindow().toMillis());
        byWatchdog = true;
        beginThaw();
    }

    /** Closes the snapshot batch and starts the thaw keeper, once; never blocks (the watchdog thread calls it). */
    void beginThaw() {
        if (!thawStarted.compareAndSet(false, true)) {
            return;
        }
        batch.close();
        thawStartNanos = System.nanoTime();
        synchronized (this) {
            if (watchdog != null) {
                watchdog.cancel(false);
            }
        }
        try {
            runtime.keepers().execute(this::keep);
        } catch (RejectedExecutionException e) {
            LOG.error("Domain {}: engine runtime is shut down, cannot thaw; the thaw guard thaws now and the journal entry"
                    + " stays for recovery", domain);
            guard.release();
            confirmation.complete(new ThawConfirmation(ThawConfirmation.Kind.NOT_CONFIRMED, "engine runtime shut down", true, 0));
            runtime.activeDomains().release(domain, sessionId);
            finished.complete(null);
        }
    }

    /**
     * Ends a session whose freeze cannot be in effect on our account: the agent refused it because someone else froze
     * the guest (thawing would break their freeze). The guard stands down, the journal entry goes, no thaw is sent, the
     * domain is released. If the watchdog already started a thaw, that thaw runs its course.
     */
    void endWithoutThaw() {
        if (standDown()) {
            runtime.activeDomains().release(domain, sessionId);
            finished.complete(null);
        }
    }

    /**
     * Ends a session whose freeze call was never sent (its guard is gone, or the runtime is shut down). As
     * {@link #endWithoutThaw()}, but the domain stays with the attempt, which may still snapshot it without a freeze.
     */
    void endBeforeFreeze() {
        if (standDown()) {
            finished.complete(null);
        }
    }

    private boolean standDown() {
        if (!thawStarted.compareAndSet(false, true)) {
            return false;
        }
        batch.close();
        synchronized (this) {
            if (watchdog != null) {
                watchdog.cancel(false);
            }
        }
        guard.disarm();
        removeJournalEntry();
        confirmation.complete(new ThawConfirmation(ThawConfirmation.Kind.NOTHING_FROZEN, "nothing of ours was frozen", false, 0));
        return true;
    }

    /** Waits (not interruptibly: the guest's thaw matters more) for the keeper's first verdict. */
    ThawConfirmation awaitConfirmation() {
        long bound = limits.thawRetryFor().toNanos() + 2 * limits.thawTimeout().toNanos() + TimeUnit.SECONDS.toNanos(1);
        long deadline = System.nanoTime() + bound;
        boolean interrupted = false;
        try {
            while (true) {
                try {
                    return confirmation.get(Math.max(0, deadline - System.nanoTime()), TimeUnit.NANOSECONDS);
                } catch (InterruptedException e) {
                    interrupted = true;
                } catch (ExecutionException e) {
                    return new ThawConfirmation(ThawConfirmation.Kind.NOT_CONFIRMED, "thaw keeper failed: " + e.getCause(), true, 0);
                } catch (TimeoutException e) {
                    return new ThawConfirmation(ThawConfirmation.Kind.NOT_CONFIRMED, "thaw keeper did not answer in time", true, 0);
                }
            }
        } finally {
            if (interrupted) {
                Thread.currentThread().interrupt();
            }
        }
    }

    long thawStartNanos() {
        return thawStartNanos;
    }

    CompletableFuture<Void> finished() {
        return finished;
    }

    private void keep() {
        FreezeMode freezeMode = mode;
        long giveUpAt = thawStartNanos + limits.thawRetryFor().toNanos();
        ThawConfirmation result = null;
        boolean keepEntry = true;
        try {
            result = Thawing.thawUntilConfirmed(quiescer, domain, limits, true,
                    freezeMode == FreezeMode.NOT_FROZEN, freezeMode == FreezeMode.FROZEN, giveUpAt);
            if (result.kind == ThawConfirmation.Kind.THAWED) {
                Duration window = Duration.ofNanos(result.atNanos - freezeStartNanos);
                LOG.info("Domain {}: thaw confirmed, frozen window {} ms{}", domain, window.toMillis(),
                        byWatchdog ? " (thawed by the watchdog)" : "");
                notifyThawed(window);
            }
            if (result.isThawed() && freezeMode == FreezeMode.UNKNOWN) {
                // The caller gets its answer now; the domain stays busy while the late-freeze watch runs. The guard's
                // work is done: a late freeze is this watch's (and, should this process die, the journal's).
                guard.disarm();
                confirmation.complete(result);
                keepEntry = !watchForLateFreeze(giveUpAt);
            } else if (freezeMode == FreezeMode.NOT_FROZEN) {
                keepEntry = result.knownFrozen && !result.isThawed();
            } else {
                keepEntry = !result.isThawed();
            }
        } catch (InterruptedException e) {
            result = new ThawConfirmation(ThawConfirmation.Kind.NOT_CONFIRMED, "interrupted (engine runtime shut down)", true, 0);
            Thread.currentThread().interrupt();
        } catch (RuntimeException | Error e) {
            result = new ThawConfirmation(ThawConfirmation.Kind.NOT_CONFIRMED, "thaw keeper failed: " + e, true, 0);
            LOG.error("Domain {}: thaw keeper failed", domain, e);
        } finally {
            if (keepEntry) {
                LOG.error("Domain {}: the guest may still be frozen; its thaw guard keeps trying, and the journal entry is kept"
                        + " in {} so the next start (or the next snapshot of this domain) thaws it; to thaw by hand: virsh"
                        + " domfsthaw {}", domain, journal.directory(), domain);
                guard.release();
            } else {
                guard.disarm();
                removeJournalEntry();
            }
            runtime.activeDomains().release(domain, sessionId);
            // Completed after the release, so the caller can snapshot this domain again as soon as it has its answer.
            confirmation.complete(result);
            finished.complete(null);
        }
    }

    /**
     * After a freeze of unknown outcome, the agent may execute the queued freeze later (a hung qemu-ga does). Poll the
     * status until the retry period ends and thaw again when it says frozen.
     *
     * @return true when the last observation was "thawed" (or the guest cannot be frozen any more)
     */
    private boolean watchForLateFreeze(long watchUntil) throws InterruptedException {
        long backoff = limits.thawBackoffInitial().toNanos();
        boolean lastSeenThawed = true;
        while (true) {
            long remaining = watchUntil - System.nanoTime();
            if (remaining <= 0) {
                return lastSeenThawed;
            }
            TimeUnit.NANOSECONDS.sleep(Math.min(backoff, remaining));
            backoff = Math.min(backoff * 2, limits.thawBackoffMax().toNanos());
            try {
                FreezeStatus status = quiescer.freezeStatus(domain, limits.thawTimeout());
                if (status == FreezeStatus.THAWED) {
                    lastSeenThawed = true;
                    continue;
                }
            } catch (GuestAgentException e) {
                if (e.kind().guestCannotBeFrozenByUs()) {
                    return true;
                }
                lastSeenThawed = false;
                continue;
            }
            LOG.warn("Domain {}: late freeze detected (the agent executed a freeze after its call timed out); thawing again", domain);
            ThawConfirmation again = Thawing.thawUntilConfirmed(quiescer, domain, limits, true, false, true,
                    System.nanoTime() + limits.thawRetryFor().toNanos());
            if (!again.isThawed()) {
                return false;
            }
            lastSeenThawed = true;
        }
    }

    private void removeJournalEntry() {
        try {
            journal.remove(domain, sessionId);
        } catch (IOException e) {
            LOG.error("Domain {}: could not remove journal entry (a later recovery will find the guest thawed and remove it): {}",
                    domain, e.toString());
        }
    }

    private void notifyThawed(Duration window) {
        try {
            listener.onThawed(domain, window, byWatchdog);
        } catch (RuntimeException e) {
            LOG.warn("Listener failed in onThawed for domain {}", domain, e);
        }
    }
}
