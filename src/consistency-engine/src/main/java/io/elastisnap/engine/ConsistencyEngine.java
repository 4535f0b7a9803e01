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
 * independent watchdog, journaled for crash recovery), and all-or-nothing compensation.
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
    private final Set<CompletableFuture<?>> backgroundWork = ConcurrentHashMap.newKeySet();

    /** An engine on the process-wide {@link EngineRuntime#shared()} runtime. */
    public ConsistencyEngine(GuestQuiescer quiescer, ArraySnapshotter snapshotter, FreezeJournal journal) {
        this(quiescer, snapshotter, journal, EngineRuntime.shared(), ConsistencyEngineListener.NONE);
    }

    public ConsistencyEngine(GuestQuiescer quiescer, ArraySnapshotter snapshotter, FreezeJournal journal, EngineRuntime runtime,
            ConsistencyEngineListener listener) {
        this.quiescer = Objects.requireNonNull(quiescer, "quiescer");
        this.snapshotter = Objects.requireNonNull(snapshotter, "snapshotter");
        this.journal = Objects.requireNonNull(journal, "journal");
        this.runtime = Objects.requireNonNull(runtime, "runtime");
        this.listener = Objects.requireNonNull(listener, "listener");
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
        return new SnapshotAttempt(request, quiescer, snapshotter, journal, runtime, listener, this::track).run();
    }

    /**
     * Thaws the guests that journal entries of dead owners (a killed agent or CLI) left frozen, with default limits.
     * Call it when the agent or CLI starts. Entries of live owners are left alone.
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
     * calls that returned late. A CLI calls it before exiting.
     *
     * @return true when everything finished within the timeout
     */
    public boolean awaitIdle(Duration timeout) throws InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        for (CompletableFuture<?> work : backgroundWork.toArray(new CompletableFuture<?>[0])) {
            try {
                work.get(Math.max(0, deadline - System.nanoTime()), TimeUnit.NANOSECONDS);
            } catch (TimeoutException e) {
                return false;
            } catch (ExecutionException e) {
                // The work logged its own failure; it is finished either way.
            }
        }
        return true;
    }

    private void track(CompletableFuture<?> work) {
        backgroundWork.add(work);
        work.whenComplete((result, error) -> backgroundWork.remove(work));
    }
}
