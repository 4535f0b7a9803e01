// Licensed under the Apache License, Version 2.0. See LICENSE in the project root.
package io.elastisnap.engine;

import io.elastisnap.engine.ConsistentSnapshotException.Reason;
import io.elastisnap.engine.journal.FreezeJournal;
import io.elastisnap.engine.journal.JournalCorruptException;
import io.elastisnap.engine.journal.JournalEntry;
import java.io.IOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Future;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.apache.logging.log4j.LogManager;
import org.apache.logging.log4j.Logger;

/**
 * The checks before a freeze, each bounded by the pre-flight timeout: the array can snapshot the volumes, the domain
 * runs (a paused one is snapshotted without a freeze), its guest agent answers and can freeze, thaw and report the
 * status, and the guest is thawed (a guest a dead predecessor left frozen is thawed first). Nothing here changes the
 * guest or the array, except that thaw. A failure is thrown, or under BEST_EFFORT becomes a decision not to freeze.
 */
final class Preflight {
    private static final Logger LOG = LogManager.getLogger(Preflight.class);

    private final ConsistentSnapshotRequest request;
    private final BoundedQuiescer quiescer;
    private final ArraySnapshotter snapshotter;
    private final FreezeJournal journal;
    private final EngineRuntime runtime;
    private final Compensation failures;
    private final List<String> warnings;
    private final String domain;
    private final FreezeLimits limits;
    private FreezeScope freezeScope;

    /**
     * @param warnings where a notable but harmless finding goes (the attempt's result warnings)
     */
    Preflight(ConsistentSnapshotRequest request, BoundedQuiescer quiescer, ArraySnapshotter snapshotter, FreezeJournal journal,
            EngineRuntime runtime, Compensation failures, List<String> warnings) {
        this.request = request;
        this.quiescer = quiescer;
        this.snapshotter = snapshotter;
        this.journal = journal;
        this.runtime = runtime;
        this.failures = failures;
        this.warnings = warnings;
        this.domain = request.domainName();
        this.limits = request.limits();
    }

    /** Lets the snapshotter look up what it needs before the freeze, bounded by the pre-flight timeout. */
    void prepareArray() throws ConsistentSnapshotException {
        List<String> volumeIds = new ArrayList<>();
        request.volumes().forEach(v -> volumeIds.add(v.volumeId()));
        Future<?> preparation;
        try {
            preparation = runtime.arrayCalls().submit(() -> snapshotter.prepare(volumeIds));
        } catch (RejectedExecutionException e) {
            throw failures.nothingCreated(Reason.ENGINE_BUSY, "the engine runtime is shut down; nothing was frozen or created");
        }
        try {
            preparation.get(limits.preflightTimeout().toNanos(), TimeUnit.NANOSECONDS);
        } catch (TimeoutException e) {
            preparation.cancel(false);
            throw failures.nothingCreated(Reason.SNAPSHOT_FAILED, "the array did not answer the preparation of the snapshots of "
                    + volumeIds + " within " + limits.preflightTimeout().toMillis() + " ms; nothing was frozen or created");
        } catch (ExecutionException e) {
            throw failures.nothingCreated(Reason.SNAPSHOT_FAILED, "the array cannot snapshot " + volumeIds + ": "
                    + SnapshotCleanup.describe(e.getCause()) + "; nothing was frozen or created", e.getCause());
        } catch (InterruptedException e) {
            preparation.cancel(false);
            Thread.currentThread().interrupt();
            throw failures.nothingCreated(Reason.INTERRUPTED, "interrupted while preparing the array snapshots; nothing was frozen or created");
        }
    }

    /** Run state, agent, capabilities, freeze status and journal: freeze, or (paused, BEST_EFFORT) do not. */
    PreflightDecision decide() throws ConsistentSnapshotException, InterruptedException {
        Duration timeout = limits.preflightTimeout();
        PreflightDecision byState = checkRunState();
        if (!byState.freeze) {
            return byState;
        }
        try {
            quiescer.ping(domain, timeout);
        } catch (GuestAgentException e) {
            return agentFailure("cannot reach the guest agent of domain " + domain, e);
        }
        // The status first: a frozen qemu-ga lists the freeze commands as disabled, which would read as "unsupported".
        FreezeStatus status;
        try {
            status = quiescer.freezeStatus(domain, timeout);
        } catch (GuestAgentException e) {
            return agentFailure("guest-fsfreeze-status failed for domain " + domain, e);
        }
        PreflightDecision byJournal = checkJournal(status);
        if (!byJournal.freeze) {
            return byJournal;
        }
        AgentCapabilities capabilities;
        try {
            capabilities = quiescer.capabilities(domain, timeout);
        } catch (GuestAgentException e) {
            return agentFailure("guest-info failed for domain " + domain, e);
        }
        List<String> missing = new ArrayList<>();
        for (String command : requiredCommands()) {
            if (!capabilities.isEnabled(command)) {
                missing.add(command);
            }
        }
        if (!missing.isEmpty()) {
            return quiesceFailed(Reason.FREEZE_UNSUPPORTED, "the guest agent" + (capabilities.version().isEmpty() ? "" : " "
                    + capabilities.version()) + " of domain " + domain + " does not offer " + String.join(", ", missing)
                    + " (missing or disabled, e.g. by qemu-ga --block-rpcs)", false);
        }
        freezeScope = FreezeScopeDecision.decide(request, capabilities, quiescer, timeout);
        if (freezeScope.wholeGuestReason().isPresent()) {
            LOG.info("Domain {}: freezing the whole guest: {}", domain, freezeScope.wholeGuestReason().get());
        }
        return byJournal;
    }

    /** The file systems to freeze, once {@link #decide()} chose to freeze. */
    FreezeScope freezeScope() {
        return freezeScope;
    }

    private List<String> requiredCommands() {
        List<String> commands = new ArrayList<>();
        commands.add(request.mountPoints().isEmpty() ? AgentCapabilities.FREEZE : AgentCapabilities.FREEZE_LIST);
        commands.add(AgentCapabilities.THAW);
        commands.add(AgentCapabilities.STATUS);
        return commands;
    }

    /**
     * Running: freeze; paused: crash-consistent without a freeze (a freeze would hang until it resumes). Called again
     * right before the freeze, since the domain may have been paused in the meantime.
     */
    PreflightDecision checkRunState() throws ConsistentSnapshotException, InterruptedException {
        DomainRunState state;
        try {
            state = quiescer.runState(domain, limits.preflightTimeout());
        } catch (GuestAgentException e) {
            if (e.kind() == GuestAgentException.Kind.DOMAIN_NOT_FOUND) {
                throw failures.nothingCreated(Reason.DOMAIN_NOT_FOUND, "domain " + domain + " not found on this host: " + e.getMessage(), e);
            }
            if (e.kind() == GuestAgentException.Kind.DOMAIN_NOT_RUNNING) {
                throw failures.nothingCreated(Reason.DOMAIN_NOT_RUNNING, "domain " + domain + " is not running: " + e.getMessage(), e);
            }
            return quiesceFailed(Reason.LIBVIRT_FAILED, "cannot read the state of domain " + domain + ": " + e.getMessage(),
                    e.kind() == GuestAgentException.Kind.TIMEOUT);
        }
        if (state == DomainRunState.PAUSED) {
            LOG.info("Domain {} is paused: its disks are block-consistent, taking crash-consistent snapshots without a freeze", domain);
            return PreflightDecision.CRASH_CONSISTENT;
        }
        if (state != DomainRunState.RUNNING) {
            throw failures.nothingCreated(Reason.DOMAIN_NOT_RUNNING, "domain " + domain + " is "
                    + state.name().toLowerCase(Locale.ROOT).replace('_', ' ')
                    + ", not running or paused; use policy OFF to snapshot the volumes of a stopped VM");
        }
        return PreflightDecision.FREEZE;
    }

    private PreflightDecision agentFailure(String what, GuestAgentException e) throws ConsistentSnapshotException {
        String message = what + ": " + e.getMessage();
        switch (e.kind()) {
            case DOMAIN_NOT_FOUND:
                throw failures.nothingCreated(Reason.DOMAIN_NOT_FOUND, message, e);
            case DOMAIN_NOT_RUNNING:
                throw failures.nothingCreated(Reason.DOMAIN_NOT_RUNNING, message, e);
            case DOMAIN_PAUSED:
                LOG.info("Domain {} was paused during the pre-flight: its disks are block-consistent, taking crash-consistent "
                        + "snapshots without a freeze", domain);
                return PreflightDecision.CRASH_CONSISTENT;
            case AGENT_FROZEN:
                throw failures.nothingCreated(Reason.ALREADY_FROZEN, message, e);
            case AGENT_NOT_CONFIGURED:
                return quiesceFailed(Reason.AGENT_NOT_CONFIGURED, message, false);
            case COMMAND_UNSUPPORTED:
                return quiesceFailed(Reason.FREEZE_UNSUPPORTED, message, false);
            case FAILED:
                return quiesceFailed(Reason.LIBVIRT_FAILED, message, false);
            default:
                return quiesceFailed(Reason.AGENT_NOT_RESPONDING, message, e.kind() == GuestAgentException.Kind.TIMEOUT);
        }
    }

    /** The guest cannot be frozen safely: REQUIRED fails (nothing done yet), BEST_EFFORT goes on without a freeze. */
    PreflightDecision quiesceFailed(Reason reason, String message, boolean timedOut) throws ConsistentSnapshotException {
        if (request.policy() == ConsistencyPolicy.REQUIRED) {
            throw failures.nothingCreated(reason, message + " (policy REQUIRED: nothing was frozen or created)");
        }
        LOG.warn("Domain {}: {}; policy BEST_EFFORT: continuing with crash-consistent snapshots", domain, message);
        return PreflightDecision.quiesceFailed(new QuiesceFailure(reason, message), timedOut);
    }

    /** A frozen guest is ours only if the journal says a dead predecessor froze it; then (only then) we thaw it. */
    private PreflightDecision checkJournal(FreezeStatus status) throws ConsistentSnapshotException, InterruptedException {
        Optional<JournalEntry> entry;
        boolean corrupt = false;
        try {
            entry = journal.read(domain);
        } catch (JournalCorruptException e) {
            LOG.warn("Domain {}: {}", domain, e.getMessage());
            entry = Optional.empty();
            corrupt = true;
        } catch (IOException e) {
            return quiesceFailed(Reason.JOURNAL_FAILED, "cannot read the freeze journal in " + journal.directory() + ": " + e, false);
        }
        if (entry.isPresent() && JournalRecovery.ownerAlive(entry.get(), journal, runtime)) {
            throw failures.nothingCreated(Reason.DOMAIN_BUSY, "domain " + domain + " is being snapshotted by " + entry.get().owner()
                    + " (freeze journal entry since " + entry.get().freezeStartedAt() + "); try again later");
        }
        boolean orphan = entry.isPresent() || corrupt;
        if (status == FreezeStatus.FROZEN) {
            if (!orphan) {
                throw failures.nothingCreated(Reason.ALREADY_FROZEN, "the file systems of domain " + domain + " are already frozen "
                        + "(guest-fsfreeze-status: frozen), not by this engine; left untouched. Thaw them (virsh domfsthaw "
                        + domain + ") or wait for whoever froze them, then retry");
            }
            LOG.warn("Domain {} was left frozen by an earlier snapshot attempt that did not finish; thawing it first", domain);
            ThawConfirmation thawed = Thawing.thawUntilConfirmed(quiescer, domain, limits, false, false, true,
                    System.nanoTime() + limits.thawRetryFor().toNanos());
            if (!thawed.isThawed()) {
                throw failures.nothingCreated(Reason.THAW_FAILED, "domain " + domain + " was left frozen by an earlier snapshot "
                        + "attempt and could not be thawed: " + thawed.describe() + "; journal entry kept");
            }
            warnings.add("domain " + domain + " had been left frozen by an earlier, unfinished snapshot attempt; "
                    + "it was thawed before this snapshot");
        }
        if (orphan) {
            try {
                journal.removeAny(domain);
            } catch (IOException e) {
                LOG.warn("Domain {}: could not remove a stale journal entry (it will be replaced): {}", domain, e.toString());
            }
        }
        return PreflightDecision.FREEZE;
    }
}
