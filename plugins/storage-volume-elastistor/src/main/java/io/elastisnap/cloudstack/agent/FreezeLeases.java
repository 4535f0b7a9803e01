// Licensed under the Apache License, Version 2.0. See LICENSE in the project root.
package io.elastisnap.cloudstack.agent;

import java.time.Duration;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

import org.apache.logging.log4j.LogManager;
import org.apache.logging.log4j.Logger;

import io.elastisnap.cloudstack.command.FreezeLeaseAnswer;
import io.elastisnap.cloudstack.command.FreezeLeaseCommand;
import io.elastisnap.engine.ArraySnapshot;
import io.elastisnap.engine.ArraySnapshotter;
import io.elastisnap.engine.ConsistencyEngine;
import io.elastisnap.engine.ConsistencyPolicy;
import io.elastisnap.engine.ConsistentSnapshotException;
import io.elastisnap.engine.ConsistentSnapshotRequest;
import io.elastisnap.engine.ConsistentSnapshotResult;
import io.elastisnap.engine.FreezeLimits;

/**
 * Freeze leases on this host, run by the agent's one consistency engine: a lease is a consistent snapshot (policy
 * REQUIRED) of one stand-in volume whose "array snapshot" is the wait for the release, bounded by the lease's end. So
 * the lease gets everything a snapshot's freeze has: pre-flight, the journal entry, the thaw guard armed with the
 * window (it thaws if the agent dies), the watchdog at the window's end, the confirmed and retried thaw, and the
 * domain held busy meanwhile (a snapshot of a leased domain is refused, and vice versa).
 */
final class FreezeLeases {
    /** Ended leases are remembered this long, so a late release learns how its lease ended. */
    static final Duration ENDED_LEASE_MEMORY = Duration.ofMinutes(10);
    private static final String VOLUME_PREFIX = "elastisnap-lease-";
    private static final Logger LOG = LogManager.getLogger(FreezeLeases.class);

    private final ConsistencyEngine engine;
    private final RoutingArraySnapshotter routes;
    private final Map<String, Lease> leases = new ConcurrentHashMap<>();
    private final ExecutorService holders = Executors.newCachedThreadPool(r -> {
        Thread thread = new Thread(r, "elastisnap-freeze-lease");
        thread.setDaemon(true);
        return thread;
    });

    FreezeLeases(ConsistencyEngine engine, RoutingArraySnapshotter routes) {
        this.engine = engine;
        this.routes = routes;
    }

    FreezeLeaseAnswer handle(FreezeLeaseCommand command) {
        forgetOldLeases();
        return command.getAction() == FreezeLeaseCommand.Action.ACQUIRE ? acquire(command) : release(command);
    }

    private FreezeLeaseAnswer acquire(FreezeLeaseCommand command) {
        FreezeLimits limits = command.getLimits();
        if (limits == null || !limits.problems().isEmpty()) {
            return FreezeLeaseAnswer.failure(command, ConsistentSnapshotException.Reason.INVALID_REQUEST.name(), "Invalid freeze lease for "
                    + command.getDomainName() + ": " + (limits == null ? "no limits" : String.join("; ", limits.problems())));
        }
        Lease lease = new Lease(command.getDomainName(), limits.maxFrozenWindow());
        if (leases.putIfAbsent(command.getLeaseId(), lease) != null) {
            return FreezeLeaseAnswer.failure(command, ConsistentSnapshotException.Reason.INVALID_REQUEST.name(), "Lease "
                    + command.getLeaseId() + " exists already");
        }
        String volume = VOLUME_PREFIX + command.getLeaseId();
        routes.hold(volume, lease);
        ConsistentSnapshotRequest request = ConsistentSnapshotRequest.builder(command.getDomainName()).policy(ConsistencyPolicy.REQUIRED)
                .limits(limits).volume(volume, "lease").build();
        CompletableFuture.runAsync(() -> lease.run(engine, request), holders).whenComplete((ignored, error) -> routes.forget(volume));
        try {
            lease.frozenOrEnded.get(limits.preflightTimeout().plus(limits.freezeTimeout()).plusSeconds(5).toMillis(), TimeUnit.MILLISECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            lease.release();
        } catch (ExecutionException | TimeoutException e) {
            lease.release();
        }
        if (lease.frozenAtEpochMillis > 0 && !lease.outcome.isDone()) {
            LOG.info("Freeze lease {} of {}: frozen, expires in {} ms", command.getLeaseId(), command.getDomainName(),
                    limits.maxFrozenWindow().toMillis());
            return FreezeLeaseAnswer.frozen(command, lease.frozenAtEpochMillis, lease.expiresAtEpochMillis());
        }
        leases.remove(command.getLeaseId());
        return lease.endedAnswer(command, awaitEnd(lease));
    }

    private FreezeLeaseAnswer release(FreezeLeaseCommand command) {
        Lease lease = leases.get(command.getLeaseId());
        if (lease == null || !lease.domain.equals(command.getDomainName())) {
            return FreezeLeaseAnswer.failure(command, "NO_SUCH_LEASE", "No freeze lease " + command.getLeaseId() + " of "
                    + command.getDomainName() + " on this host (it ended more than " + ENDED_LEASE_MEMORY.toMinutes()
                    + " min ago, or the agent restarted: its journal recovery thawed the guest)");
        }
        lease.release();
        return lease.endedAnswer(command, awaitEnd(lease));
    }

    /** The engine's own thaw is bounded (retried for minutes); the answer waits for its first verdict. */
    private static Object awaitEnd(Lease lease) {
        try {
            return lease.outcome.get(FreezeLimits.defaults().thawRetryFor().toMillis() + 10_000, TimeUnit.MILLISECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return e;
        } catch (ExecutionException | TimeoutException e) {
            return e;
        }
    }

    private void forgetOldLeases() {
        long now = System.currentTimeMillis();
        leases.values().removeIf(l -> l.endedAtEpochMillis > 0 && now - l.endedAtEpochMillis > ENDED_LEASE_MEMORY.toMillis());
    }

    /** One lease: its "array snapshot" call holds the freeze until released or until the lease's end. */
    private static final class Lease implements ArraySnapshotter {
        final String domain;
        final Duration duration;
        final long startNanos = System.nanoTime();
        final long startEpochMillis = System.currentTimeMillis();
        final CountDownLatch released = new CountDownLatch(1);
        final CompletableFuture<Void> frozenOrEnded = new CompletableFuture<>();
        /** The engine's result or its ConsistentSnapshotException. */
        final CompletableFuture<Object> outcome = new CompletableFuture<>();
        volatile long frozenAtEpochMillis;
        volatile long endedAtEpochMillis;
        volatile boolean releasedEarly;

        Lease(String domain, Duration duration) {
            this.domain = domain;
            this.duration = duration;
        }

        long expiresAtEpochMillis() {
            return startEpochMillis + duration.toMillis();
        }

        void run(ConsistencyEngine engine, ConsistentSnapshotRequest request) {
            Object result;
            try {
                result = engine.snapshot(request);
            } catch (ConsistentSnapshotException | RuntimeException e) {
                result = e;
            }
            endedAtEpochMillis = System.currentTimeMillis();
            outcome.complete(result);
            frozenOrEnded.complete(null);
        }

        void release() {
            releasedEarly = released.getCount() > 0 && System.nanoTime() - startNanos < duration.toNanos();
            released.countDown();
        }

        /** Called by the engine once the guest is frozen; holds until released or until the lease ends. */
        @Override
        public ArraySnapshot create(String volumeId, String snapshotName) {
            frozenAtEpochMillis = System.currentTimeMillis();
            frozenOrEnded.complete(null);
            long left = startNanos + duration.toNanos() - System.nanoTime();
            try {
                released.await(Math.max(0, left), TimeUnit.NANOSECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            return new ArraySnapshot(volumeId, snapshotName, "lease", null);
        }

        @Override
        public void delete(ArraySnapshot snapshot) {
            // nothing was created
        }

        FreezeLeaseAnswer endedAnswer(FreezeLeaseCommand command, Object end) {
            String by = releasedEarly ? "RELEASE" : "EXPIRY";
            if (end instanceof ConsistentSnapshotResult) {
                ConsistentSnapshotResult result = (ConsistentSnapshotResult) end;
                // the engine's only warning of a thaw it could not confirm (the journal and thaw guard keep at it)
                boolean confirmed = result.warnings().stream().noneMatch(w -> w.contains("could not be confirmed"));
                long window = result.timings().frozenWindow().toMillis();
                return FreezeLeaseAnswer.ended(command, confirmed ? FreezeLeaseAnswer.State.THAWED : FreezeLeaseAnswer.State.THAW_UNCONFIRMED,
                        by, frozenAtEpochMillis, expiresAtEpochMillis(), window, "freeze lease " + command.getLeaseId() + " of " + domain
                        + " ended by " + by.toLowerCase(java.util.Locale.ROOT) + ": frozen " + window + " ms"
                        + (confirmed ? ", thaw confirmed" : "") + (result.warnings().isEmpty() ? "" : "; " + String.join("; ", result.warnings())));
            }
            if (end instanceof ConsistentSnapshotException) {
                ConsistentSnapshotException e = (ConsistentSnapshotException) end;
                if (frozenAtEpochMillis > 0 && e.reason() == ConsistentSnapshotException.Reason.WINDOW_EXCEEDED) {
                    // The hold overran its end and the watchdog thawed the guest: still an expiry, and thawed.
                    return FreezeLeaseAnswer.ended(command, FreezeLeaseAnswer.State.THAWED, "EXPIRY", frozenAtEpochMillis,
                            expiresAtEpochMillis(), e.timings().frozenWindow().toMillis(), e.getMessage());
                }
                return FreezeLeaseAnswer.failure(command, e.reason().name(), "Freeze lease " + command.getLeaseId() + " of " + domain
                        + " failed: " + e.getMessage());
            }
            return FreezeLeaseAnswer.failure(command, "INTERNAL_ERROR", "Freeze lease " + command.getLeaseId() + " of " + domain
                    + ": no verdict from the engine (" + end + "); the host's thaw guard and journal still thaw the guest");
        }
    }
}
