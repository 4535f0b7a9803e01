// Licensed under the Apache License, Version 2.0. See LICENSE in the project root.
package io.elastisnap.engine.pool;

import io.elastisnap.engine.ArraySnapshot;
import io.elastisnap.engine.ConsistencyEngine;
import io.elastisnap.engine.ConsistencyEngineListener;
import io.elastisnap.engine.ConsistentSnapshotRequest;
import io.elastisnap.engine.ConsistentSnapshotResult;
import io.elastisnap.engine.EngineRuntime;
import io.elastisnap.engine.GuestQuiescer;
import io.elastisnap.engine.ThawGuard;
import io.elastisnap.engine.journal.FreezeJournal;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.apache.logging.log4j.LogManager;
import org.apache.logging.log4j.Logger;

/**
 * Pool-level snapshots of one or more VMs whose disks are files on ElastiStor pool volumes: every member is frozen by
 * its own {@link ConsistencyEngine} run (pre-flight, thaw guard, journal, watchdog, confirmed thaw: the single-VM
 * path, unchanged), the runs meet at a barrier once all are frozen, the pools' file systems are flushed with
 * {@code syncfs} and each pool volume is snapshotted once, then every member is thawed. The pool snapshots are
 * reference counted in a {@link PoolSnapshotLedger} written before the freeze.
 *
 * <p>All or nothing: if any member fails, every member is thawed and the group's pool snapshots are deleted.
 */
public final class GroupSnapshotter {
    private static final Logger LOG = LogManager.getLogger(GroupSnapshotter.class);
    /** How long a failed group waits for pool snapshot calls still out before leaving them to reconcile. */
    private static final Duration CALLS_STILL_OUT_WAIT = Duration.ofSeconds(1);

    private final GuestQuiescer quiescer;
    private final PoolArray array;
    private final FreezeJournal journal;
    private final EngineRuntime runtime;
    private final ConsistencyEngineListener listener;
    private final ThawGuard thawGuard;
    private final PoolFlusher flusher;
    private final PoolSnapshotLedger ledger;
    private final Set<ConsistencyEngine> memberEngines = ConcurrentHashMap.newKeySet();

    public GroupSnapshotter(GuestQuiescer quiescer, PoolArray array, FreezeJournal journal, EngineRuntime runtime,
            ConsistencyEngineListener listener, ThawGuard thawGuard, PoolFlusher flusher, PoolSnapshotLedger ledger) {
        this.quiescer = Objects.requireNonNull(quiescer, "quiescer");
        this.array = Objects.requireNonNull(array, "array");
        this.journal = Objects.requireNonNull(journal, "journal");
        this.runtime = Objects.requireNonNull(runtime, "runtime");
        this.listener = Objects.requireNonNull(listener, "listener");
        this.thawGuard = Objects.requireNonNull(thawGuard, "thawGuard");
        this.flusher = Objects.requireNonNull(flusher, "flusher");
        this.ledger = Objects.requireNonNull(ledger, "ledger");
    }

    public PoolSnapshotLedger ledger() {
        return ledger;
    }

    /**
     * Freezes the members together, snapshots each pool once, thaws them, and commits the references.
     *
     * @throws GroupSnapshotException every member thawed; the group's pool snapshots deleted or named as outstanding
     */
    public GroupSnapshotResult snapshot(GroupSnapshotRequest request) throws GroupSnapshotException {
        long start = System.nanoTime();
        List<String> problems = request.problems();
        if (!problems.isEmpty()) {
            throw new GroupSnapshotException("invalid group snapshot " + request.groupId() + ": " + String.join("; ", problems),
                    Map.of(), List.of(), true);
        }
        List<String> poolIds = new ArrayList<>();
        request.pools().forEach(p -> poolIds.add(p.volumeId()));
        try {
            ledger.begin(request.groupId(), request.snapshotName(), poolIds, request.refs());
        } catch (IllegalStateException e) {
            throw new GroupSnapshotException(e.getMessage(), Map.of(), List.of(), true);
        }
        ExecutorService threads = Executors.newCachedThreadPool(runnable -> {
            Thread thread = new Thread(runnable, "elastisnap-group-" + request.groupId());
            thread.setDaemon(true);
            return thread;
        });
        try {
            return run(request, poolIds, threads, start);
        } finally {
            threads.shutdown();
        }
    }

    private GroupSnapshotResult run(GroupSnapshotRequest request, List<String> poolIds, ExecutorService threads, long start)
            throws GroupSnapshotException {
        GroupBarrier barrier = new GroupBarrier(request, array, flusher, threads);
        GroupWindow window = new GroupWindow(listener);
        Map<String, CompletableFuture<ConsistentSnapshotResult>> runs = new LinkedHashMap<>();
        for (GroupMember member : request.members()) {
            ConsistencyEngine engine = new ConsistencyEngine(quiescer, barrier.viewOf(member.domain()), journal, runtime,
                    window, thawGuard);
            memberEngines.add(engine);
            runs.put(member.domain(), CompletableFuture.supplyAsync(() -> runMember(engine, member, request, barrier), threads));
        }
        List<ConsistentSnapshotResult> results = new ArrayList<>();
        Map<String, Throwable> failures = new LinkedHashMap<>();
        runs.forEach((domain, run) -> {
            try {
                results.add(run.join());
            } catch (RuntimeException e) {
                failures.put(domain, e.getCause() != null ? e.getCause() : e);
            }
        });
        Map<String, ArraySnapshot> taken = new LinkedHashMap<>();
        barrier.outcomes().forEach((pool, outcome) -> {
            if (outcome.snapshot.isDone() && !outcome.snapshot.isCompletedExceptionally()) {
                taken.put(pool, outcome.snapshot.join());
            }
        });
        if (failures.isEmpty() && taken.size() == poolIds.size()) {
            taken.values().forEach(ledger::commit);
            GroupSnapshotResult result = new GroupSnapshotResult(request.groupId(), taken, results, request.refs(),
                    window.window(), barrier.flushAndSnapshot(), Duration.ofNanos(System.nanoTime() - start));
            LOG.info("Group {}: {} member(s) frozen together, {} pool snapshot(s), group frozen window {} ms", request.groupId(),
                    results.size(), taken.size(), result.groupFrozenWindow().toMillis());
            return result;
        }
        throw discard(request, barrier, failures);
    }

    private ConsistentSnapshotResult runMember(ConsistencyEngine engine, GroupMember member, GroupSnapshotRequest request,
            GroupBarrier barrier) {
        ConsistentSnapshotRequest.Builder b = ConsistentSnapshotRequest.builder(member.domain()).policy(member.policy())
                .mountPoints(member.guestMountPoints()).limits(member.limits());
        member.pools().forEach(p -> b.volume(p.volumeId(), request.snapshotName()));
        try {
            ConsistentSnapshotResult result = engine.snapshot(b.build());
            barrier.memberDone(member.domain(), null);
            return result;
        } catch (Exception | Error e) {
            barrier.memberDone(member.domain(), e);
            throw new CompletionException(e);
        }
    }

    /** Every member is thawed; delete what the group created, or leave its ledger entry to reconcile. */
    private GroupSnapshotException discard(GroupSnapshotRequest request, GroupBarrier barrier, Map<String, Throwable> failures) {
        List<String> outstanding = new ArrayList<>();
        for (GroupBarrier.PoolOutcome outcome : barrier.outcomes().values()) {
            String name = outcome.pool.volumeId() + "@" + request.snapshotName();
            if (outcome.requested && !outcome.snapshot.isDone()) {
                try {
                    outcome.snapshot.get(CALLS_STILL_OUT_WAIT.toMillis(), TimeUnit.MILLISECONDS);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                } catch (ExecutionException | TimeoutException e) {
                    // still out or failed: decided below
                }
            }
            if (outcome.requested && !outcome.snapshot.isDone()) {
                outstanding.add(name + " (its create call had not answered)");
                continue;
            }
            try {
                ledger.discard(outcome.pool.volumeId(), request.snapshotName(), array);
            } catch (RuntimeException e) {
                outstanding.add(name + " (delete failed: " + e.getMessage() + ")");
            }
        }
        StringBuilder message = new StringBuilder("group snapshot " + request.groupId() + " failed");
        failures.forEach((domain, why) -> message.append("; ").append(domain).append(": ").append(why.getMessage()));
        message.append(outstanding.isEmpty() ? "; every member thawed, nothing left on the array"
                : "; every member thawed; still outstanding on the array: " + String.join(", ", outstanding)
                        + " (the ledger keeps them; reconcile deletes them by name)");
        return new GroupSnapshotException(message.toString(), failures, outstanding, false);
    }

    /** Waits until the member engines' freeze sessions have ended (thaw confirmed or given up). */
    public boolean awaitFreezeSessions(Duration timeout) throws InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        for (ConsistencyEngine engine : memberEngines.toArray(new ConsistencyEngine[0])) {
            if (!engine.awaitFreezeSessions(Duration.ofNanos(Math.max(0, deadline - System.nanoTime())))) {
                return false;
            }
            memberEngines.remove(engine);
        }
        return true;
    }
}
