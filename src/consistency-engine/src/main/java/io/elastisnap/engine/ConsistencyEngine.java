// Licensed under the Apache License, Version 2.0. See LICENSE in the project root.
package io.elastisnap.engine;

import io.elastisnap.engine.journal.FreezeJournal;
import java.io.IOException;
import java.time.Duration;
import java.util.List;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * Takes file-system-consistent array snapshots of a libvirt domain's volumes: pre-flight checks, guest freeze, all
 * volume snapshots in parallel inside a bounded frozen window, thaw confirmed by the agent (retried, watched by an
 * in-process watchdog and by a thaw guard outside the process, journaled for crash recovery), and all-or-nothing
 * compensation.
 *
 * <p>Thread-safe; one engine serves many domains at once without a global lock. Two snapshots of the same domain
 * never overlap (the second fails with DOMAIN_BUSY).
 */
public final class ConsistencyEngine {
    private final GuestQuiescer quiescer;
    private final ArraySnapshotter snapshotter;
    private final FreezeJournal journal;
    private final EngineRuntime runtime;
    private final ConsistencyEngineListener listener;
    private final ThawGuard thawGuard;
    private final Set<CompletableFuture<?>> freezeSessions = ConcurrentHashMap.newKeySet();
    private final Set<CompletableFuture<?>> lateCleanups = ConcurrentHashMap.newKeySet();

    /** An engine on the process-wide {@link EngineRuntime#shared()} runtime, without a thaw guard. */
    public ConsistencyEngine(GuestQuiescer quiescer, ArraySnapshotter snapshotter, FreezeJournal journal) {
        this(quiescer, snapshotter, journal, EngineRuntime.shared(), ConsistencyEngineListener.NONE, ThawGuard.NONE);
    }

    /** Without a thaw guard. */
    public ConsistencyEngine(GuestQuiescer quiescer, ArraySnapshotter snapshotter, FreezeJournal journal, EngineRuntime runtime,
            ConsistencyEngineListener listener) {
        this(quiescer, snapshotter, journal, runtime, listener, ThawGuard.NONE);
    }

    /**
     * @param thawGuard the dead man's switch armed before every freeze; hosts use
     *                  {@code io.elastisnap.engine.guard.ProcessThawGuard}
     */
    public ConsistencyEngine(GuestQuiescer quiescer, ArraySnapshotter snapshotter, FreezeJournal journal, EngineRuntime runtime,
            ConsistencyEngineListener listener, ThawGuard thawGuard) {
        this.quiescer = Objects.requireNonNull(quiescer, "quiescer");
        this.snapshotter = Objects.requireNonNull(snapshotter, "snapshotter");
        this.journal = Objects.requireNonNull(journal, "journal");
        this.runtime = Objects.requireNonNull(runtime, "runtime");
        this.listener = Objects.requireNonNull(listener, "listener");
        this.thawGuard = Objects.requireNonNull(thawGuard, "thawGuard");
    }

    /**
     * Takes the snapshots. On success every volume has a snapshot and the guest is thawed (see
     * {@link ConsistentSnapshotResult#warnings()} for the rare unconfirmed thaw after a freeze of unknown outcome).
     *
     * @throws ConsistentSnapshotException with a typed reason; the guest has been thawed and no snapshot of this call
     *                                     is left on the array, or the exception says which ones are
     */
    public ConsistentSnapshotResult snapshot(ConsistentSnapshotRequest request) throws ConsistentSnapshotException {
        Objects.requireNonNull(request, "request");
        return new SnapshotAttempt(request, this).run();
    }

    /**
     * Thaws the guests that journal entries of dead owners (a killed agent or CLI) left frozen, with default limits.
     * Call it when the agent or CLI starts. Entries of live owners are left alone. Each outcome says what was found
     * and done: when the domain was frozen, by which process, who thawed it when ({@link RecoveryOutcome#message()}).
     *
     * @throws IOException when the journal directory cannot be read
     */
    public List<RecoveryOutcome> recoverFromJournal() throws IOException {
        return recoverFromJournal(FreezeLimits.defaults());
    }

    /** {@link #recoverFromJournal()} with the given thaw limits. */
    public List<RecoveryOutcome> recoverFromJournal(FreezeLimits limits) throws IOException {
        List<String> problems = limits.problems();
        if (!problems.isEmpty()) {
            throw new IllegalArgumentException("invalid limits: " + String.join("; ", problems));
        }
        return new JournalRecovery(new BoundedQuiescer(quiescer, runtime.agentCalls()), journal, runtime, limits).recoverAll();
    }

    /**
     * Waits until this engine's background work is done: thaw retries, late-freeze watches and the cleanup of snapshot
     * calls that returned late.
     *
     * @return true when everything finished within the timeout
     */
    public boolean awaitIdle(Duration timeout) throws InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        return awaitAll(freezeSessions, deadline) && awaitAll(lateCleanups, deadline);
    }

    /**
     * Waits until every freeze session of this engine has ended (thaw confirmed or given up, late-freeze watch done),
     * but not for snapshot calls still out on the array: a CLI calls it before exiting, and leaves the calls still out
     * to its records (their snapshots are deleted by name later).
     *
     * @return true when every session ended within the timeout
     */
    public boolean awaitFreezeSessions(Duration timeout) throws InterruptedException {
        return awaitAll(freezeSessions, System.nanoTime() + timeout.toNanos());
    }

    private static boolean awaitAll(Set<CompletableFuture<?>> work, long deadline) throws InterruptedException {
        for (CompletableFuture<?> item : work.toArray(new CompletableFuture<?>[0])) {
            try {
                item.get(Math.max(0, deadline - System.nanoTime()), TimeUnit.NANOSECONDS);
            } catch (TimeoutException e) {
                return false;
            } catch (ExecutionException e) {
                // the work logged its own failure; it is finished either way
            }
        }
        return true;
    }

    GuestQuiescer quiescer() {
        return quiescer;
    }

    ArraySnapshotter snapshotter() {
        return snapshotter;
    }

    FreezeJournal journal() {
        return journal;
    }

    EngineRuntime runtime() {
        return runtime;
    }

    ConsistencyEngineListener listener() {
        return listener;
    }

    ThawGuard thawGuard() {
        return thawGuard;
    }

    void trackFreezeSession(CompletableFuture<?> finished) {
        track(freezeSessions, finished);
    }

    void trackLateCleanup(CompletableFuture<?> cleanup) {
        track(lateCleanups, cleanup);
    }

    private static void track(Set<CompletableFuture<?>> set, CompletableFuture<?> work) {
        set.add(work);
        work.whenComplete((result, error) -> set.remove(work));
    }
}
