// Licensed under the Apache License, Version 2.0. See LICENSE in the project root.
package io.elastisnap.engine;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.TimeUnit;
import org.apache.logging.log4j.LogManager;
import org.apache.logging.log4j.Logger;

/**
 * The array snapshot calls of one request, all in flight at once. The batch is open until {@link #close()} (called
 * when the thaw starts, or on failure); a snapshot counts only if its call returned while the batch was open, i.e.
 * before the thaw began. A call that returns after the close deletes its own snapshot, so every snapshot the engine
 * creates is either in the result, deleted by the orchestrator's compensation, or deleted by the late call itself.
 */
final class SnapshotBatch {
    private static final Logger LOG = LogManager.getLogger(SnapshotBatch.class);

    /** State of one volume at the moment the batch closed. */
    enum Slot { NOT_STARTED, IN_FLIGHT, TAKEN, FAILED }

    /** What the batch looked like when it closed. */
    static final class Closed {
        final Slot[] slots;
        final ArraySnapshot[] taken;
        final String[] errors;
        /** Snapshots a failed create made anyway and that could not be deleted (FAILED slots only). */
        final ArraySnapshot[] strays;

        private Closed(Slot[] slots, ArraySnapshot[] taken, String[] errors, ArraySnapshot[] strays) {
            this.slots = slots;
            this.taken = taken;
            this.errors = errors;
            this.strays = strays;
        }

        boolean allTaken() {
            for (Slot slot : slots) {
                if (slot != Slot.TAKEN) {
                    return false;
                }
            }
            return true;
        }

        boolean anyFailed() {
            for (Slot slot : slots) {
                if (slot == Slot.FAILED) {
                    return true;
                }
            }
            return false;
        }
    }

    private final String domainName;
    private final List<VolumeRequest> volumes;
    private final Slot[] slots;
    private final ArraySnapshot[] taken;
    private final String[] errors;
    private final ArraySnapshot[] strays;
    private final VolumeOutcome[] lateOutcomes;
    private final CompletableFuture<List<VolumeOutcome>> lateCleanup = new CompletableFuture<>();
    private boolean closed;
    private int pendingLate;
    private boolean outcomesAtCloseKnown;
    private Closed closedState;
    private long deadlineNanos;
    private long startedNanos;
    private long settledNanos;

    SnapshotBatch(String domainName, List<VolumeRequest> volumes) {
        this.domainName = domainName;
        this.volumes = volumes;
        int n = volumes.size();
        this.slots = new Slot[n];
        this.taken = new ArraySnapshot[n];
        this.errors = new String[n];
        this.strays = new ArraySnapshot[n];
        this.lateOutcomes = new VolumeOutcome[n];
        Arrays.fill(slots, Slot.NOT_STARTED);
    }

    /**
     * Sends every volume's snapshot call at once, unless the batch is closed already. An answer that arrives after
     * {@code deadlineNanos} closes the batch and is late, even if the orchestrator or the watchdog has not closed it
     * yet (a stalled process): the window is over, and a thaw guard outside the process may have thawed the guest.
     *
     * @return false when the batch was closed (nothing sent)
     */
    boolean startAll(ExecutorService pool, ArraySnapshotter snapshotter, ArraySlotReservation reservation, long deadlineNanos) {
        synchronized (this) {
            if (closed) {
                return false;
            }
            this.deadlineNanos = deadlineNanos;
            startedNanos = System.nanoTime();
            Arrays.fill(slots, Slot.IN_FLIGHT);
        }
        reservation.handToCalls();
        for (int i = 0; i < volumes.size(); i++) {
            int index = i;
            try {
                pool.execute(() -> snapshotOne(index, snapshotter, reservation));
            } catch (RejectedExecutionException e) {
                reservation.releaseOne();
                completed(index, null, "not sent: the engine runtime is shut down", null);
            }
        }
        return true;
    }

    private void snapshotOne(int index, ArraySnapshotter snapshotter, ArraySlotReservation reservation) {
        VolumeRequest volume = volumes.get(index);
        try {
            ArraySnapshot snapshot = null;
            String error = null;
            ArraySnapshot stray = null;
            try {
                snapshot = snapshotter.create(volume.volumeId(), volume.snapshotName());
                if (snapshot == null) {
                    error = "the array snapshotter returned no snapshot";
                }
            } catch (RuntimeException e) {
                LOG.debug("Snapshot of volume {} (domain {}) failed", volume.volumeId(), domainName, e);
                StrayCheck check = removeStray(snapshotter, volume, e);
                error = SnapshotCleanup.describe(e) + check.note;
                stray = check.left;
            } catch (Throwable t) {
                error = SnapshotCleanup.describe(t);
                LOG.error("Snapshot of volume {} (domain {}) failed", volume.volumeId(), domainName, t);
            }
            if (!completed(index, snapshot, error, stray)) {
                cleanUpLate(index, snapshot, error, stray, snapshotter);
            }
        } finally {
            reservation.releaseOne();
        }
    }

    /** What became of a snapshot a failed create may have made anyway. */
    private static final class StrayCheck {
        final String note;
        final ArraySnapshot left;

        StrayCheck(String note, ArraySnapshot left) {
            this.note = note;
            this.left = left;
        }
    }

    private StrayCheck removeStray(ArraySnapshotter snapshotter, VolumeRequest volume, RuntimeException failure) {
        Optional<ArraySnapshot> stray;
        try {
            stray = snapshotter.findAfterFailedCreate(volume.volumeId(), volume.snapshotName(), failure);
        } catch (Throwable t) {
            LOG.error("Domain {}: cannot tell whether the failed snapshot of volume {} was created anyway", domainName,
                    volume.volumeId(), t);
            return new StrayCheck("; whether the array created snapshot " + volume.snapshotName()
                    + " anyway is unknown (" + SnapshotCleanup.describe(t) + ")", null);
        }
        if (!stray.isPresent()) {
            return new StrayCheck("", null);
        }
        VolumeOutcome deleted = SnapshotCleanup.delete(snapshotter, volume, stray.get(), domainName);
        if (deleted.state() == VolumeOutcome.State.DELETED) {
            return new StrayCheck("; the array had created " + stray.get().path() + " anyway, it was deleted", null);
        }
        return new StrayCheck("; the array had created " + stray.get().path() + " anyway and " + deleted.error().orElse("delete failed"),
                stray.get());
    }

    /** Records a call's result; false when the batch had closed already or the deadline passed (the call is late). */
    private synchronized boolean completed(int index, ArraySnapshot snapshot, String error, ArraySnapshot stray) {
        if (System.nanoTime() - deadlineNanos > 0) {
            close();
        }
        if (closed) {
            return false;
        }
        if (error == null) {
            slots[index] = Slot.TAKEN;
            taken[index] = snapshot;
        } else {
            slots[index] = Slot.FAILED;
            errors[index] = error;
            strays[index] = stray;
        }
        if (settled()) {
            settledNanos = System.nanoTime();
        }
        notifyAll();
        return true;
    }

    private void cleanUpLate(int index, ArraySnapshot snapshot, String error, ArraySnapshot stray, ArraySnapshotter snapshotter) {
        VolumeRequest volume = volumes.get(index);
        VolumeOutcome outcome;
        if (snapshot != null) {
            LOG.warn("Snapshot {} of volume {} (domain {}) completed after the attempt was abandoned; deleting it",
                    snapshot.path(), volume.volumeId(), domainName);
            outcome = SnapshotCleanup.delete(snapshotter, volume, snapshot, domainName);
        } else {
            outcome = SnapshotCleanup.failed(volume, error, stray);
        }
        synchronized (this) {
            lateOutcomes[index] = outcome;
            pendingLate--;
            if (pendingLate == 0 && outcomesAtCloseKnown) {
                lateCleanup.complete(finalOutcomes());
            }
        }
    }

    /** Waits until every call returned, one failed, the batch closed or the deadline passed. */
    synchronized void awaitSettled() throws InterruptedException {
        while (!closed && !settled()) {
            long remaining = deadlineNanos - System.nanoTime();
            if (remaining <= 0) {
                return;
            }
            TimeUnit.NANOSECONDS.timedWait(this, remaining);
        }
    }

    private boolean settled() {
        boolean allDone = true;
        for (Slot slot : slots) {
            if (slot == Slot.FAILED) {
                return true;
            }
            if (slot != Slot.TAKEN) {
                allDone = false;
            }
        }
        return allDone;
    }

    /** Closes the batch (idempotent): later results are late and clean up after themselves. */
    synchronized Closed close() {
        if (!closed) {
            closed = true;
            if (startedNanos != 0 && settledNanos == 0) {
                settledNanos = System.nanoTime();
            }
            for (Slot slot : slots) {
                if (slot == Slot.IN_FLIGHT) {
                    pendingLate++;
                }
            }
            closedState = new Closed(slots.clone(), taken.clone(), errors.clone(), strays.clone());
            notifyAll();
        }
        return closedState;
    }

    /** Duration of the snapshot phase in nanoseconds (0 when nothing was sent). */
    synchronized long elapsedNanos() {
        if (startedNanos == 0) {
            return 0;
        }
        return (settledNanos == 0 ? System.nanoTime() : settledNanos) - startedNanos;
    }

    /**
     * Registers the orchestrator's outcomes (for volumes settled at close) and returns the future of all final
     * outcomes; it completes once the late calls have cleaned up.
     */
    synchronized CompletableFuture<List<VolumeOutcome>> lateCleanup(List<VolumeOutcome> outcomesAtClose) {
        for (int i = 0; i < outcomesAtClose.size(); i++) {
            if (lateOutcomes[i] == null && closedState.slots[i] != Slot.IN_FLIGHT) {
                lateOutcomes[i] = outcomesAtClose.get(i);
            }
        }
        outcomesAtCloseKnown = true;
        if (pendingLate == 0) {
            lateCleanup.complete(finalOutcomes());
        }
        return lateCleanup;
    }

    private List<VolumeOutcome> finalOutcomes() {
        List<VolumeOutcome> outcomes = new ArrayList<>(lateOutcomes.length);
        for (int i = 0; i < lateOutcomes.length; i++) {
            VolumeRequest volume = volumes.get(i);
            outcomes.add(lateOutcomes[i] != null ? lateOutcomes[i]
                    : new VolumeOutcome(volume.volumeId(), volume.snapshotName(), VolumeOutcome.State.NOT_STARTED, null, null));
        }
        return outcomes;
    }
}
