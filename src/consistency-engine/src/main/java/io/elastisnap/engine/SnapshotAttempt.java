// Licensed under the Apache License, Version 2.0. See LICENSE in the project root.
package io.elastisnap.engine;

import io.elastisnap.engine.ConsistentSnapshotException.Reason;
import io.elastisnap.engine.journal.FreezeJournal;
import io.elastisnap.engine.journal.JournalCorruptException;
import io.elastisnap.engine.journal.JournalEntry;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Paths;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Future;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.Consumer;
import org.apache.logging.log4j.LogManager;
import org.apache.logging.log4j.Logger;

/** One execution of {@link ConsistencyEngine#snapshot}: pre-flight, freeze, parallel snapshots, thaw, compensation. */
final class SnapshotAttempt {
    private static final Logger LOG = LogManager.getLogger(SnapshotAttempt.class);
    private static final String HOST_NAME = readHostName();

    private final ConsistentSnapshotRequest request;
    private final BoundedQuiescer quiescer;
    private final ArraySnapshotter snapshotter;
    private final FreezeJournal journal;
    private final EngineRuntime runtime;
    private final ConsistencyEngineListener listener;
    private final Consumer<CompletableFuture<?>> backgroundWork;
    private final String domain;
    private final FreezeLimits limits;
    private final String sessionId = UUID.randomUUID().toString();
    private final long startNanos = System.nanoTime();
    private final List<String> warnings = new ArrayList<>();
    private boolean domainHandedToSession;
    private long preflightNanos;
    private long freezeNanos;
    private long snapshotsNanos;
    private long thawNanos;
    private long windowNanos;

    /** The engine's choice after pre-flight. */
    private static final class Decision {
        final boolean freeze;
        final ConsistencyLevel level;
        final QuiesceFailure failure;

        private Decision(boolean freeze, ConsistencyLevel level, QuiesceFailure failure) {
            this.freeze = freeze;
            this.level = level;
            this.failure = failure;
        }

        static final Decision FREEZE = new Decision(true, ConsistencyLevel.FS_FROZEN, null);
        static final Decision CRASH_CONSISTENT = new Decision(false, ConsistencyLevel.CRASH_CONSISTENT, null);
    }

    /** What the freeze call achieved. */
    private static final class FreezeResult {
        final FreezeSession.FreezeMode mode;
        final int frozenFileSystems;
        final Reason reason;
        final String message;
        final boolean timedOut;
        final boolean refusedAsFrozen;

        FreezeResult(FreezeSession.FreezeMode mode, int frozenFileSystems, Reason reason, String message, boolean timedOut,
                boolean refusedAsFrozen) {
            this.mode = mode;
            this.frozenFileSystems = frozenFileSystems;
            this.reason = reason;
            this.message = message;
            this.timedOut = timedOut;
            this.refusedAsFrozen = refusedAsFrozen;
        }

        static FreezeResult frozen(int count) {
            return new FreezeResult(FreezeSession.FreezeMode.FROZEN, count, null, null, false, false);
        }

        static FreezeResult failed(FreezeSession.FreezeMode mode, Reason reason, String message, boolean timedOut) {
            return new FreezeResult(mode, 0, reason, message, timedOut, false);
        }
    }

    SnapshotAttempt(ConsistentSnapshotRequest request, GuestQuiescer quiescer, ArraySnapshotter snapshotter,
            FreezeJournal journal, EngineRuntime runtime, ConsistencyEngineListener listener,
            Consumer<CompletableFuture<?>> backgroundWork) {
        this.request = request;
        this.quiescer = new BoundedQuiescer(quiescer, runtime.agentCalls());
        this.snapshotter = snapshotter;
        this.journal = journal;
        this.runtime = runtime;
        this.listener = listener;
        this.backgroundWork = backgroundWork;
        this.domain = request.domainName();
        this.limits = request.limits();
    }

    ConsistentSnapshotResult run() throws ConsistentSnapshotException {
        validate();
        if (request.policy() == ConsistencyPolicy.OFF) {
            return withReservation(Decision.CRASH_CONSISTENT);
        }
        if (!runtime.activeDomains().tryAcquire(domain, sessionId)) {
            throw fail(Reason.DOMAIN_BUSY, "another consistent snapshot of domain " + domain
                    + " is in progress in this process (or its thaw is still being watched); try again later");
        }
        try {
            return withReservation(preflight());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw fail(Reason.INTERRUPTED, "interrupted during pre-flight of domain " + domain + "; nothing was frozen or created");
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
            throw fail(Reason.INVALID_REQUEST, "invalid consistent snapshot request for domain " + domain + ": "
                    + String.join("; ", problems));
        }
    }

    private ConsistentSnapshotResult withReservation(Decision preflightDecision) throws ConsistentSnapshotException {
        prepareArray();
        ArraySlotReservation reservation;
        try {
            reservation = ArraySlotReservation.tryReserve(runtime.arraySlots(), request.volumes().size(),
                    limits.preflightTimeout().toNanos());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw fail(Reason.INTERRUPTED, "interrupted while waiting for array-call capacity; nothing was frozen or created");
        }
        if (reservation == null) {
            throw fail(Reason.ENGINE_BUSY, "no capacity for " + request.volumes().size() + " parallel array snapshot calls within "
                    + limits.preflightTimeout().toMillis() + " ms (engine limit " + runtime.maxConcurrentArrayCalls()
                    + " calls in flight); nothing was frozen or created");
        }
        try {
            Decision decision = preflightDecision;
            if (decision.freeze) {
                decision = recheckRunState();
            }
            return decision.freeze ? snapshotFrozen(reservation) : snapshotUnfrozen(reservation, decision);
        } catch (InterruptedException e) {
            reservation.releaseAll();
            Thread.currentThread().interrupt();
            throw fail(Reason.INTERRUPTED, "interrupted before the freeze of domain " + domain + "; nothing was frozen or created");
        } catch (ConsistentSnapshotException | RuntimeException | Error e) {
            reservation.releaseAll();
            throw e;
        }
    }

    // ---------------------------------------------------------------- pre-flight

    /** Lets the snapshotter look up what it needs before the freeze, bounded by the pre-flight timeout. */
    private void prepareArray() throws ConsistentSnapshotException {
        List<String> volumeIds = new ArrayList<>();
        request.volumes().forEach(v -> volumeIds.add(v.volumeId()));
        Future<?> preparation;
        try {
            preparation = runtime.arrayCalls().submit(() -> snapshotter.prepare(volumeIds));
        } catch (RejectedExecutionException e) {
            throw fail(Reason.ENGINE_BUSY, "the engine runtime is shut down; nothing was frozen or created");
        }
        try {
            preparation.get(limits.preflightTimeout().toNanos(), TimeUnit.NANOSECONDS);
        } catch (TimeoutException e) {
            preparation.cancel(false);
            throw fail(Reason.SNAPSHOT_FAILED, "the array did not answer the preparation of the snapshots of " + volumeIds
                    + " within " + limits.preflightTimeout().toMillis() + " ms; nothing was frozen or created");
        } catch (ExecutionException e) {
            throw fail(Reason.SNAPSHOT_FAILED, "the array cannot snapshot " + volumeIds + ": "
                    + SnapshotBatch.describe(e.getCause()) + "; nothing was frozen or created", e.getCause());
        } catch (InterruptedException e) {
            preparation.cancel(false);
            Thread.currentThread().interrupt();
            throw fail(Reason.INTERRUPTED, "interrupted while preparing the array snapshots; nothing was frozen or created");
        }
    }

    private Decision preflight() throws ConsistentSnapshotException, InterruptedException {
        Duration timeout = limits.preflightTimeout();
        Decision byState = checkRunState(timeout);
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
        Decision byJournal = checkJournal(status);
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
        return byJournal;
    }

    private List<String> requiredCommands() {
        List<String> commands = new ArrayList<>();
        commands.add(request.mountPoints().isEmpty() ? AgentCapabilities.FREEZE : AgentCapabilities.FREEZE_LIST);
        commands.add(AgentCapabilities.THAW);
        commands.add(AgentCapabilities.STATUS);
        return commands;
    }

    private Decision checkRunState(Duration timeout) throws ConsistentSnapshotException, InterruptedException {
        DomainRunState state;
        try {
            state = quiescer.runState(domain, timeout);
        } catch (GuestAgentException e) {
            if (e.kind() == GuestAgentException.Kind.DOMAIN_NOT_FOUND) {
                throw fail(Reason.DOMAIN_NOT_FOUND, "domain " + domain + " not found on this host: " + e.getMessage(), e);
            }
            if (e.kind() == GuestAgentException.Kind.DOMAIN_NOT_RUNNING) {
                throw fail(Reason.DOMAIN_NOT_RUNNING, "domain " + domain + " is not running: " + e.getMessage(), e);
            }
            return quiesceFailed(Reason.LIBVIRT_FAILED, "cannot read the state of domain " + domain + ": " + e.getMessage(),
                    e.kind() == GuestAgentException.Kind.TIMEOUT);
        }
        if (state == DomainRunState.PAUSED) {
            LOG.info("Domain {} is paused: its disks are block-consistent, taking crash-consistent snapshots without a freeze", domain);
            return Decision.CRASH_CONSISTENT;
        }
        if (state != DomainRunState.RUNNING) {
            throw fail(Reason.DOMAIN_NOT_RUNNING, "domain " + domain + " is " + state.name().toLowerCase(Locale.ROOT).replace('_', ' ')
                    + ", not running or paused; use policy OFF to snapshot the volumes of a stopped VM");
        }
        return Decision.FREEZE;
    }

    /** A paused domain must never be frozen (the freeze would hang until it resumes): look again right before freezing. */
    private Decision recheckRunState() throws ConsistentSnapshotException, InterruptedException {
        return checkRunState(limits.preflightTimeout());
    }

    private Decision agentFailure(String what, GuestAgentException e) throws ConsistentSnapshotException {
        String message = what + ": " + e.getMessage();
        switch (e.kind()) {
            case DOMAIN_NOT_FOUND:
                throw fail(Reason.DOMAIN_NOT_FOUND, message, e);
            case DOMAIN_NOT_RUNNING:
                throw fail(Reason.DOMAIN_NOT_RUNNING, message, e);
            case DOMAIN_PAUSED:
                LOG.info("Domain {} was paused during the pre-flight: its disks are block-consistent, taking crash-consistent "
                        + "snapshots without a freeze", domain);
                return Decision.CRASH_CONSISTENT;
            case AGENT_FROZEN:
                throw fail(Reason.ALREADY_FROZEN, message, e);
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

    private Decision quiesceFailed(Reason reason, String message, boolean timedOut) throws ConsistentSnapshotException {
        if (request.policy() == ConsistencyPolicy.REQUIRED) {
            throw fail(reason, message + " (policy REQUIRED: nothing was frozen or created)");
        }
        LOG.warn("Domain {}: {}; policy BEST_EFFORT: continuing with crash-consistent snapshots", domain, message);
        return new Decision(false, timedOut ? ConsistencyLevel.QUIESCE_TIMEOUT : ConsistencyLevel.QUIESCE_FAILED,
                new QuiesceFailure(reason, message));
    }

    /** A frozen guest is ours only if the journal says a dead predecessor froze it; then (only then) we thaw it. */
    private Decision checkJournal(FreezeStatus status) throws ConsistentSnapshotException, InterruptedException {
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
            throw fail(Reason.DOMAIN_BUSY, "domain " + domain + " is being snapshotted by " + entry.get().owner()
                    + " (freeze journal entry since " + entry.get().freezeStartedAt() + "); try again later");
        }
        boolean orphan = entry.isPresent() || corrupt;
        if (status == FreezeStatus.FROZEN) {
            if (!orphan) {
                throw fail(Reason.ALREADY_FROZEN, "the file systems of domain " + domain + " are already frozen "
                        + "(guest-fsfreeze-status: frozen), not by this engine; left untouched. Thaw them (virsh domfsthaw "
                        + domain + ") or wait for whoever froze them, then retry");
            }
            LOG.warn("Domain {} was left frozen by an earlier snapshot attempt that did not finish; thawing it first", domain);
            ThawConfirmation thawed = Thawing.thawUntilConfirmed(quiescer, domain, limits, false, false, true,
                    System.nanoTime() + limits.thawRetryFor().toNanos());
            if (!thawed.isThawed()) {
                throw fail(Reason.THAW_FAILED, "domain " + domain + " was left frozen by an earlier snapshot attempt and "
                        + "could not be thawed: " + thawed.describe() + "; journal entry kept");
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
        return Decision.FREEZE;
    }

    // ---------------------------------------------------------------- frozen path

    private ConsistentSnapshotResult snapshotFrozen(ArraySlotReservation reservation) throws ConsistentSnapshotException {
        SnapshotBatch batch = new SnapshotBatch(domain, request.volumes());
        FreezeSession session = new FreezeSession(domain, sessionId, limits, quiescer, journal, runtime, listener, batch);
        try {
            journal.record(new JournalEntry(domain, sessionId, journal.owner(), HOST_NAME, Instant.now(),
                    limits.maxFrozenWindow(), request.mountPoints()));
        } catch (IOException e) {
            Decision decision = quiesceFailed(Reason.JOURNAL_FAILED, "cannot write the freeze journal in " + journal.directory()
                    + " (" + e + "), so the guest is not frozen: a crash could leave it frozen with nobody to thaw it", false);
            return snapshotUnfrozen(reservation, decision);
        }
        domainHandedToSession = true;
        backgroundWork.accept(session.finished());
        preflightNanos = System.nanoTime() - startNanos;

        long freezeStart;
        try {
            freezeStart = session.startWindow();
        } catch (RejectedExecutionException e) {
            session.endWithoutThaw();
            reservation.releaseAll();
            throw fail(Reason.ENGINE_BUSY, "the engine runtime is shut down; nothing was frozen or created");
        }
        boolean interrupted = false;
        FreezeResult freeze;
        try {
            freeze = freeze(session);
        } catch (InterruptedException e) {
            interrupted = true;
            freeze = FreezeResult.failed(FreezeSession.FreezeMode.UNKNOWN, Reason.INTERRUPTED, "interrupted during the freeze", false);
        }
        freezeNanos = System.nanoTime() - freezeStart;
        session.freezeOutcome(freeze.mode);

        if (freeze.refusedAsFrozen) {
            session.endWithoutThaw();
            reservation.releaseAll();
            throw fail(Reason.ALREADY_FROZEN, freeze.message);
        }
        boolean abortWithoutSnapshots = interrupted
                || (freeze.mode != FreezeSession.FreezeMode.FROZEN && request.policy() == ConsistencyPolicy.REQUIRED);
        if (abortWithoutSnapshots) {
            reservation.releaseAll();
            ThawConfirmation thaw = thaw(session, freezeStart);
            Reason reason = !thaw.isThawed() && thaw.knownFrozen ? Reason.THAW_FAILED : freeze.reason;
            if (interrupted) {
                Thread.currentThread().interrupt();
            }
            throw fail(reason, "freeze of domain " + domain + " failed: " + freeze.message + "; " + thaw.describe()
                    + (interrupted ? "" : " (policy REQUIRED: no snapshot taken)"));
        }

        ConsistencyLevel level = ConsistencyLevel.FS_FROZEN;
        QuiesceFailure quiesceFailure = null;
        if (freeze.mode == FreezeSession.FreezeMode.FROZEN) {
            notifyFrozen();
        } else {
            level = freeze.timedOut ? ConsistencyLevel.QUIESCE_TIMEOUT : ConsistencyLevel.QUIESCE_FAILED;
            quiesceFailure = new QuiesceFailure(freeze.reason, freeze.message);
            LOG.warn("Domain {}: {}; policy BEST_EFFORT: taking crash-consistent snapshots", domain, freeze.message);
        }

        boolean started = batch.startAll(runtime.arrayCalls(), snapshotter, reservation);
        if (!started) {
            reservation.releaseAll();
        } else {
            try {
                batch.awaitSettled(session.deadlineNanos());
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
            return result(level, quiesceFailure, closed, freeze.frozenFileSystems);
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
        throw compensate(reason, "consistent snapshot of domain " + domain + " failed: " + what + "; " + thaw.describe(), closed, batch);
    }

    private FreezeResult freeze(FreezeSession session) throws InterruptedException {
        int count;
        try {
            count = quiescer.freeze(domain, request.mountPoints(), limits.freezeTimeout());
        } catch (GuestAgentException e) {
            return classifyFreezeFailure(e);
        }
        long remaining = session.deadlineNanos() - System.nanoTime();
        if (remaining <= 0) {
            return FreezeResult.failed(FreezeSession.FreezeMode.UNKNOWN, Reason.FREEZE_TIMEOUT,
                    "the freeze call used up the whole frozen window", true);
        }
        Duration confirmTimeout = Duration.ofNanos(Math.min(remaining, limits.preflightTimeout().toNanos()));
        FreezeStatus status;
        try {
            status = quiescer.freezeStatus(domain, confirmTimeout);
        } catch (GuestAgentException e) {
            return FreezeResult.failed(FreezeSession.FreezeMode.UNKNOWN, Reason.FREEZE_FAILED,
                    "the agent froze " + count + " file system(s) but the freeze could not be confirmed: " + e.getMessage(),
                    e.kind() == GuestAgentException.Kind.TIMEOUT);
        }
        if (status == FreezeStatus.FROZEN) {
            LOG.debug("Domain {}: froze {} file system(s)", domain, count);
            return FreezeResult.frozen(count);
        }
        String message = count == 0
                ? "the guest agent froze no file system" + (request.mountPoints().isEmpty() ? ""
                        : " (none of the mount points " + request.mountPoints() + " is a freezable file system in the guest)")
                : "the guest agent froze " + count + " file system(s) but then reported status thawed (did the guest thaw on its own?)";
        return FreezeResult.failed(FreezeSession.FreezeMode.NOT_FROZEN, Reason.FREEZE_FAILED, message, false);
    }

    private FreezeResult classifyFreezeFailure(GuestAgentException e) {
        String message = e.getMessage();
        switch (e.kind()) {
            case AGENT_FROZEN:
                return new FreezeResult(FreezeSession.FreezeMode.NOT_FROZEN, 0, Reason.ALREADY_FROZEN,
                        "the guest agent of domain " + domain + " refused the freeze because its file systems were frozen "
                                + "by someone else in the meantime; left untouched: " + message, false, true);
            case TIMEOUT:
            case AGENT_NOT_RESPONDING:
                return FreezeResult.failed(FreezeSession.FreezeMode.UNKNOWN, Reason.FREEZE_TIMEOUT,
                        "the guest agent did not complete the freeze in time (" + message + "); it may still freeze later", true);
            case PROTOCOL:
            case FAILED:
                return FreezeResult.failed(FreezeSession.FreezeMode.UNKNOWN, Reason.FREEZE_FAILED, message, false);
            default:
                return FreezeResult.failed(FreezeSession.FreezeMode.NOT_FROZEN, Reason.FREEZE_FAILED, message, false);
        }
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
            listener.onFrozen(domain);
        } catch (RuntimeException e) {
            LOG.warn("Listener failed in onFrozen for domain {}", domain, e);
        }
    }

    // ---------------------------------------------------------------- unfrozen path

    private ConsistentSnapshotResult snapshotUnfrozen(ArraySlotReservation reservation, Decision decision)
            throws ConsistentSnapshotException {
        if (preflightNanos == 0) {
            preflightNanos = System.nanoTime() - startNanos;
        }
        SnapshotBatch batch = new SnapshotBatch(domain, request.volumes());
        batch.startAll(runtime.arrayCalls(), snapshotter, reservation);
        boolean interrupted = false;
        try {
            batch.awaitSettled(System.nanoTime() + limits.snapshotTimeout().toNanos());
        } catch (InterruptedException e) {
            interrupted = true;
        }
        SnapshotBatch.Closed closed = batch.close();
        snapshotsNanos = batch.elapsedNanos();
        if (closed.allTaken() && !interrupted) {
            return result(decision.level, decision.failure, closed, 0);
        }
        if (interrupted) {
            Thread.currentThread().interrupt();
        }
        Reason reason = interrupted ? Reason.INTERRUPTED : closed.anyFailed() ? Reason.SNAPSHOT_FAILED : Reason.SNAPSHOT_TIMEOUT;
        String what = interrupted ? "interrupted" : closed.anyFailed() ? "array snapshot failed"
                : "the array snapshots did not complete within " + limits.snapshotTimeout().toMillis() + " ms";
        throw compensate(reason, "snapshot of domain " + domain + " (not frozen) failed: " + what, closed, batch);
    }

    // ---------------------------------------------------------------- outcome

    private ConsistentSnapshotResult result(ConsistencyLevel level, QuiesceFailure failure, SnapshotBatch.Closed closed,
            int frozenFileSystems) {
        List<VolumeSnapshot> snapshots = new ArrayList<>();
        for (int i = 0; i < closed.taken.length; i++) {
            snapshots.add(new VolumeSnapshot(request.volumes().get(i), closed.taken[i]));
        }
        ConsistentSnapshotResult result = new ConsistentSnapshotResult(domain, snapshots, level, failure, frozenFileSystems,
                timings(), warnings);
        LOG.info("Domain {}: {} snapshot(s) taken, level {}, {}", domain, snapshots.size(), level, result.timings());
        return result;
    }

    /** All-or-nothing: deletes every snapshot taken, reports each volume's fate (compensation failures included). */
    private ConsistentSnapshotException compensate(Reason reason, String message, SnapshotBatch.Closed closed, SnapshotBatch batch) {
        List<VolumeOutcome> outcomes = new ArrayList<>();
        for (int i = 0; i < closed.slots.length; i++) {
            VolumeRequest volume = request.volumes().get(i);
            switch (closed.slots[i]) {
                case TAKEN:
                    outcomes.add(deleteQuietly(snapshotter, volume, closed.taken[i], domain));
                    break;
                case FAILED:
                    outcomes.add(SnapshotBatch.failedOutcome(volume, closed.errors[i], closed.strays[i]));
                    break;
                case IN_FLIGHT:
                    outcomes.add(new VolumeOutcome(volume.volumeId(), volume.snapshotName(), VolumeOutcome.State.PENDING, null,
                            "still running; its snapshot will be deleted when the call returns"));
                    break;
                default:
                    outcomes.add(new VolumeOutcome(volume.volumeId(), volume.snapshotName(), VolumeOutcome.State.NOT_STARTED, null, null));
            }
        }
        CompletableFuture<List<VolumeOutcome>> late = batch.lateCleanup(outcomes);
        backgroundWork.accept(late);
        StringBuilder text = new StringBuilder(message).append(". Volumes: ");
        List<String> left = new ArrayList<>();
        for (int i = 0; i < outcomes.size(); i++) {
            text.append(i == 0 ? "" : "; ").append(outcomes.get(i));
            if (outcomes.get(i).state() == VolumeOutcome.State.DELETE_FAILED) {
                left.add(outcomes.get(i).path().orElse(outcomes.get(i).volumeId()));
            }
        }
        if (!left.isEmpty()) {
            text.append(". ").append(left.size()).append(" snapshot(s) could not be deleted and REMAIN ON THE ARRAY: ")
                    .append(String.join(", ", left));
        }
        LOG.error("{}", text);
        return new ConsistentSnapshotException(reason, domain, text.toString(), outcomes, timings(), late, null);
    }

    static VolumeOutcome deleteQuietly(ArraySnapshotter snapshotter, VolumeRequest volume, ArraySnapshot snapshot, String domain) {
        try {
            snapshotter.delete(snapshot);
            return new VolumeOutcome(volume.volumeId(), volume.snapshotName(), VolumeOutcome.State.DELETED, snapshot.path(), null);
        } catch (Throwable t) {
            LOG.error("Domain {}: could not delete snapshot {} of volume {}; it remains on the array", domain, snapshot.path(),
                    volume.volumeId(), t);
            return new VolumeOutcome(volume.volumeId(), volume.snapshotName(), VolumeOutcome.State.DELETE_FAILED, snapshot.path(),
                    "delete failed: " + SnapshotBatch.describe(t));
        }
    }

    private ConsistentSnapshotException fail(Reason reason, String message) {
        return fail(reason, message, null);
    }

    private ConsistentSnapshotException fail(Reason reason, String message, Throwable cause) {
        List<VolumeOutcome> outcomes = new ArrayList<>();
        for (VolumeRequest volume : request.volumes()) {
            outcomes.add(new VolumeOutcome(volume.volumeId(), volume.snapshotName(), VolumeOutcome.State.NOT_STARTED, null, null));
        }
        LOG.warn("Consistent snapshot of domain {} failed ({}): {}", domain, reason, message);
        return new ConsistentSnapshotException(reason, domain, message, outcomes, timings(),
                CompletableFuture.completedFuture(outcomes), cause);
    }

    private Timings timings() {
        return new Timings(Duration.ofNanos(preflightNanos), Duration.ofNanos(freezeNanos), Duration.ofNanos(snapshotsNanos),
                Duration.ofNanos(thawNanos), Duration.ofNanos(windowNanos), Duration.ofNanos(System.nanoTime() - startNanos));
    }

    /** Without DNS: InetAddress.getLocalHost() can block for seconds on a badly configured host. */
    private static String readHostName() {
        String fromEnvironment = System.getenv("HOSTNAME");
        if (fromEnvironment != null && !fromEnvironment.trim().isEmpty()) {
            return fromEnvironment.trim();
        }
        try {
            return new String(Files.readAllBytes(Paths.get("/proc/sys/kernel/hostname")), StandardCharsets.UTF_8).trim();
        } catch (IOException | RuntimeException e) {
            return "";
        }
    }
}
