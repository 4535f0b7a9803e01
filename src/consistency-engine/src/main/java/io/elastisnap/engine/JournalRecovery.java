// Licensed under the Apache License, Version 2.0. See LICENSE in the project root.
package io.elastisnap.engine;

import io.elastisnap.engine.RecoveryOutcome.Action;
import io.elastisnap.engine.RecoveryOutcome.Thawer;
import io.elastisnap.engine.journal.GuardReport;
import io.elastisnap.engine.journal.FreezeJournal;
import io.elastisnap.engine.journal.JournalEntry;
import io.elastisnap.engine.journal.JournalRecord;
import java.io.IOException;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.apache.logging.log4j.LogManager;
import org.apache.logging.log4j.Logger;

/** Thaws the guests that journal entries of dead owners name. */
final class JournalRecovery {
    private static final Logger LOG = LogManager.getLogger(JournalRecovery.class);

    private final BoundedQuiescer quiescer;
    private final FreezeJournal journal;
    private final EngineRuntime runtime;
    private final FreezeLimits limits;

    JournalRecovery(BoundedQuiescer quiescer, FreezeJournal journal, EngineRuntime runtime, FreezeLimits limits) {
        this.quiescer = quiescer;
        this.journal = journal;
        this.runtime = runtime;
        this.limits = limits;
    }

    /**
     * Whether the writer of an entry may still be using its freeze: a session of this process that is still active,
     * or another process that still runs.
     */
    static boolean ownerAlive(JournalEntry entry, FreezeJournal journal, EngineRuntime runtime) {
        if (entry.owner().equals(journal.owner())) {
            return runtime.activeDomains().sessionOf(entry.domainName()).filter(entry.sessionId()::equals).isPresent();
        }
        return entry.owner().isAlive();
    }

    List<RecoveryOutcome> recoverAll() throws IOException {
        List<JournalRecord> records = journal.list();
        List<CompletableFuture<RecoveryOutcome>> running = new ArrayList<>();
        for (JournalRecord record : records) {
            CompletableFuture<RecoveryOutcome> outcome = new CompletableFuture<>();
            try {
                runtime.keepers().execute(() -> outcome.complete(recoverSafely(record)));
            } catch (RejectedExecutionException e) {
                outcome.complete(new RecoveryOutcome(record.domainName(), Action.FAILED, "engine runtime is shut down"));
            }
            running.add(outcome);
        }
        long bound = limits.thawRetryFor().toNanos() + 2 * limits.thawTimeout().toNanos() + limits.preflightTimeout().toNanos()
                + TimeUnit.SECONDS.toNanos(1);
        long deadline = System.nanoTime() + bound;
        List<RecoveryOutcome> outcomes = new ArrayList<>();
        for (int i = 0; i < running.size(); i++) {
            outcomes.add(await(running.get(i), records.get(i), deadline));
        }
        return outcomes;
    }

    private static RecoveryOutcome await(CompletableFuture<RecoveryOutcome> outcome, JournalRecord record, long deadline) {
        try {
            return outcome.get(Math.max(0, deadline - System.nanoTime()), TimeUnit.NANOSECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return new RecoveryOutcome(record.domainName(), Action.FAILED, "interrupted; recovery continues in the background");
        } catch (ExecutionException | TimeoutException e) {
            return new RecoveryOutcome(record.domainName(), Action.FAILED, "recovery did not finish: " + e);
        }
    }

    private RecoveryOutcome recoverSafely(JournalRecord record) {
        try {
            RecoveryOutcome outcome = recover(record);
            if (outcome.action() == Action.FAILED) {
                LOG.error("Freeze journal recovery: {}", outcome);
            } else {
                LOG.info("Freeze journal recovery: {}", outcome);
            }
            return outcome;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return new RecoveryOutcome(record.domainName(), Action.FAILED, "interrupted");
        } catch (IOException | RuntimeException e) {
            LOG.error("Freeze journal recovery of {} failed", record.domainName(), e);
            return new RecoveryOutcome(record.domainName(), Action.FAILED, e.toString());
        }
    }

    private RecoveryOutcome recover(JournalRecord record) throws IOException, InterruptedException {
        String domain = record.domainName();
        if (!record.namesDomain()) {
            return new RecoveryOutcome(domain, Action.QUARANTINED, "moved to " + journal.quarantine(record) + ": "
                    + record.problem().orElse("not a journal entry"));
        }
        Optional<JournalEntry> entry = record.entry();
        if (entry.isPresent() && ownerAlive(entry.get(), journal, runtime)) {
            return new RecoveryOutcome(domain, Action.SKIPPED_OWNER_ALIVE, "written by " + entry.get().owner());
        }
        String sessionId = "recovery-" + UUID.randomUUID();
        if (!runtime.activeDomains().tryAcquire(domain, sessionId)) {
            return new RecoveryOutcome(domain, Action.SKIPPED_BUSY, "a snapshot of this domain is in progress in this process");
        }
        try {
            Found found = new Found(record);
            FreezeStatus status;
            try {
                status = quiescer.freezeStatus(domain, limits.preflightTimeout());
            } catch (GuestAgentException e) {
                if (e.kind().guestCannotBeFrozenByUs()) {
                    forget(record);
                    return found.outcome(Action.DOMAIN_GONE, null, null, "the domain cannot be frozen any more (" + e.getMessage() + ")");
                }
                return found.outcome(Action.FAILED, null, null, "cannot read the freeze status: " + e.getMessage());
            }
            if (status == FreezeStatus.THAWED) {
                forget(record);
                Optional<GuardReport> guard = found.guardReport();
                if (guard.isPresent() && guard.get().event() == GuardReport.Event.THAWED) {
                    return found.outcome(Action.NOT_FROZEN, Thawer.THAW_GUARD, guard.get().at(), "its thaw guard had thawed it at "
                            + guard.get().at() + found.frozenFor(guard.get().at()) + " (" + guard.get().why() + ")");
                }
                if (guard.isPresent() && guard.get().event() == GuardReport.Event.THAWING) {
                    // the guard sent the thaw and has not written its confirmation yet: it is the one that thawed it
                    return found.outcome(Action.NOT_FROZEN, Thawer.THAW_GUARD, null, "its thaw guard was thawing it since "
                            + guard.get().at() + found.frozenFor(guard.get().at()) + " (" + guard.get().why() + ")");
                }
                return found.outcome(Action.NOT_FROZEN, null, null, "found thawed (by someone else"
                        + guard.map(g -> "; its thaw guard last reported " + g).orElse("") + ")");
            }
            ThawConfirmation thaw = Thawing.thawUntilConfirmed(quiescer, domain, limits, false, false, true,
                    System.nanoTime() + limits.thawRetryFor().toNanos());
            if (!thaw.isThawed()) {
                return found.outcome(Action.FAILED, null, null, "still frozen: " + thaw.describe());
            }
            forget(record);
            if (thaw.kind != ThawConfirmation.Kind.THAWED) {
                return found.outcome(Action.DOMAIN_GONE, null, null, thaw.describe());
            }
            Instant now = Instant.now();
            return found.outcome(Action.THAWED, Thawer.RECOVERY, now, "thawed now" + found.frozenFor(now));
        } finally {
            runtime.activeDomains().release(domain, sessionId);
        }
    }

    /** What the journal says about a freeze, for the outcome and its message. */
    private final class Found {
        private final JournalRecord record;
        private final JournalEntry entry;

        Found(JournalRecord record) {
            this.record = record;
            this.entry = record.entry().orElse(null);
        }

        Optional<GuardReport> guardReport() throws IOException {
            return entry == null ? Optional.empty() : journal.guardReport(record.domainName(), entry.sessionId());
        }

        String frozenFor(Instant thawedAt) {
            if (entry == null) {
                return "";
            }
            Duration frozen = Duration.between(entry.freezeStartedAt(), thawedAt);
            return ", " + (frozen.isNegative() ? 0 : frozen.toMillis()) + " ms after the freeze started";
        }

        RecoveryOutcome outcome(Action action, Thawer thawer, Instant thawedAt, String what) {
            String found = entry == null
                    ? "corrupt entry (" + record.problem().orElse("unreadable") + ")"
                    : "frozen at " + entry.freezeStartedAt() + " by " + entry.owner() + (entry.host().isEmpty() ? "" : " on "
                    + entry.host()) + ", which is no longer running";
            return new RecoveryOutcome(record.domainName(), action, found + "; " + what,
                    entry == null ? null : entry.freezeStartedAt(), entry == null ? null : entry.owner(), thawer, thawedAt);
        }
    }

    private void forget(JournalRecord record) throws IOException {
        journal.removeEmptyGuardLog(record.domainName());
        if (record.entry().isPresent()) {
            journal.remove(record.domainName(), record.entry().get().sessionId());
        } else {
            journal.removeAny(record.domainName());
        }
    }
}
