// Licensed under the Apache License, Version 2.0. See LICENSE in the project root.
package io.elastisnap.engine.pool;

import io.elastisnap.engine.ArraySnapshot;
import io.elastisnap.engine.ArraySnapshotter;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.time.Duration;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Executor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.apache.logging.log4j.LogManager;
import org.apache.logging.log4j.Logger;

/**
 * The "array" each member's engine snapshots through: a member's snapshot call of a pool volume is its arrival at the
 * barrier, made once the engine has frozen that member. When every member has arrived for every pool it uses (so the
 * whole group is frozen), the last one to arrive flushes each pool's file system and takes the pool snapshots in
 * parallel; every member then gets its pool's snapshot back and its engine thaws it. A member that ends before
 * arriving (pre-flight, freeze refused, any failure) breaks the barrier: the others fail at once and are thawed.
 *
 * <p>Deleting is the group's business, not a member's: one pool snapshot backs all members, so a member engine's
 * compensation is a no-op here and {@link GroupSnapshotter} discards the pool snapshots when any member failed.
 */
final class GroupBarrier {
    private static final Logger LOG = LogManager.getLogger(GroupBarrier.class);

    /** What became of one pool's snapshot. */
    static final class PoolOutcome {
        final PoolVolume pool;
        final CompletableFuture<ArraySnapshot> snapshot = new CompletableFuture<>();
        volatile boolean requested;
        /** The create call failed but the array may have made the snapshot anyway. */
        volatile boolean maybeCreated;

        PoolOutcome(PoolVolume pool) {
            this.pool = pool;
        }
    }

    private final PoolArray array;
    private final PoolFlusher flusher;
    private final Executor calls;
    private final String snapshotName;
    private final Duration waitBound;
    private final Map<String, PoolOutcome> outcomes = new LinkedHashMap<>();
    private final Map<String, Integer> arrivalsDue = new HashMap<>();
    private int waiting;
    private boolean fired;
    private RuntimeException broken;
    private volatile long firedNanos;
    private volatile long takenNanos;

    GroupBarrier(GroupSnapshotRequest request, PoolArray array, PoolFlusher flusher, Executor calls) {
        this.array = array;
        this.flusher = flusher;
        this.calls = calls;
        this.snapshotName = request.snapshotName();
        request.pools().forEach(p -> outcomes.put(p.volumeId(), new PoolOutcome(p)));
        Duration longest = Duration.ZERO;
        for (GroupMember m : request.members()) {
            arrivalsDue.put(m.domain(), m.pools().size());
            waiting += m.pools().size();
            if (m.limits().maxFrozenWindow().compareTo(longest) > 0) {
                longest = m.limits().maxFrozenWindow();
            }
        }
        this.waitBound = longest;
    }

    /** The snapshotter one member's engine uses. */
    ArraySnapshotter viewOf(String domain) {
        return new ArraySnapshotter() {
            @Override
            public void prepare(List<String> volumeIds) {
                array.prepare(volumeIds);
            }

            @Override
            public ArraySnapshot create(String volumeId, String name) {
                return arrive(domain, volumeId);
            }

            @Override
            public void delete(ArraySnapshot snapshot) {
                LOG.debug("Member {} gives up pool snapshot {}; the group discards it once every member is done", domain,
                        snapshot.path());
            }
        };
    }

    private ArraySnapshot arrive(String domain, String volumeId) {
        PoolOutcome outcome = outcomes.get(volumeId);
        if (outcome == null) {
            throw new IllegalArgumentException("volume " + volumeId + " is not a pool volume of this group");
        }
        boolean lead;
        synchronized (this) {
            if (broken != null) {
                throw broken;
            }
            arrivalsDue.merge(domain, -1, Integer::sum);
            waiting--;
            lead = waiting == 0 && !fired;
            fired |= lead;
        }
        if (lead) {
            takeAll();
        }
        try {
            return outcome.snapshot.get(waitBound.toNanos(), TimeUnit.NANOSECONDS);
        } catch (ExecutionException e) {
            throw e.getCause() instanceof RuntimeException ? (RuntimeException) e.getCause() : new IllegalStateException(e.getCause());
        } catch (TimeoutException e) {
            throw new IllegalStateException("the group was not frozen together within " + waitBound.toMillis() + " ms");
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while waiting for the rest of the group");
        }
    }

    /** Every member is frozen: flush each pool's file system and snapshot it, all pools in parallel. */
    private void takeAll() {
        firedNanos = System.nanoTime();
        LOG.info("Group frozen together: flushing and snapshotting {} pool volume(s)", outcomes.size());
        for (PoolOutcome outcome : outcomes.values()) {
            calls.execute(() -> take(outcome));
        }
    }

    private void take(PoolOutcome outcome) {
        try {
            flusher.flush(outcome.pool.mountPoint(), waitBound);
        } catch (IOException e) {
            outcome.snapshot.completeExceptionally(new UncheckedIOException(e.getMessage()
                    + "; no pool snapshot taken (unflushed host data would be missing from it)", e));
            return;
        } catch (RuntimeException e) {
            outcome.snapshot.completeExceptionally(e);
            return;
        }
        outcome.requested = true;
        try {
            ArraySnapshot taken = array.create(outcome.pool.volumeId(), snapshotName);
            takenNanos = System.nanoTime();
            outcome.snapshot.complete(taken);
        } catch (RuntimeException e) {
            try {
                Optional<ArraySnapshot> anyway = array.findAfterFailedCreate(outcome.pool.volumeId(), snapshotName, e);
                outcome.maybeCreated = anyway.isPresent();
            } catch (RuntimeException lookup) {
                outcome.maybeCreated = true;
            }
            outcome.snapshot.completeExceptionally(e);
        }
    }

    /**
     * A member's engine returned. A failure before the group was frozen together breaks the barrier: the members
     * waiting are freed with that failure (their engines thaw them) and nothing is created.
     */
    void memberDone(String domain, Throwable failure) {
        synchronized (this) {
            if (fired || broken != null || failure == null) {
                return;
            }
            broken = new IllegalStateException("group member " + domain + " failed before the group was frozen together ("
                    + failure.getMessage() + "); no pool snapshot taken");
        }
        outcomes.values().forEach(o -> o.snapshot.completeExceptionally(broken));
    }

    Map<String, PoolOutcome> outcomes() {
        return outcomes;
    }

    /** Last member frozen (the barrier fired) until the last pool snapshot answered; zero when it never fired. */
    Duration flushAndSnapshot() {
        long fire = firedNanos;
        long taken = takenNanos;
        return fire == 0 || taken < fire ? Duration.ZERO : Duration.ofNanos(taken - fire);
    }
}
