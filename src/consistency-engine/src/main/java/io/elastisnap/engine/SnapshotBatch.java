// Licensed under the Apache License, Version 2.0. See LICENSE in the project root.
package io.elastisnap.engine;

import io.elastisnap.elasticenter.UnknownOutcome;
import java.time.Duration;
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
 * A create that failed with an unknown outcome (timed out, answer lost) is watched for: its call looks the snapshot up
 * by name for the snapshotter's {@link ArraySnapshotter#unknownOutcomeWindow} and deletes it if it lands late; the
 * attempt's final outcomes ({@link #lateCleanup}) wait for that.
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
        /** FAILED slots of unknown outcome whose call still looks for a late landing. */
        final boolean[] watching;

        private Closed(Slot[] slots, ArraySnapshot[] taken, String[] errors, ArraySnapshot[] strays, boolean[] watching) {
            this.slots = slots;
            this.taken = taken;
            this.errors = errors;
            this.strays = strays;
            this.watching = watching;
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
    /** FAILED slots whose create had an unknown outcome and whose call still watches for a late landing. */
    private final boolean[] watching;
    /** Watches the close counted in {@link #pendingLate}. */
    private final boolean[] watchCountedAtClose;
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
        this.watching = new boolean[n];
        this.watchCountedAtClose = new boolean[n];
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
                completed(index, null, "not sent: the engine runtime is shut down", null, false);
            }
        }
        return true;
    }

    private void snapshotOne(int index, ArraySnapshotter snapshotter, ArraySlotReservation reservation) {
        VolumeRequest volume = volumes.get(index);
        LateLandingWatch watch = null;
        boolean late;
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
                Duration window = check.found ? Duration.ZERO : windowAfter(snapshotter, e);
                if (!window.isZero()) {
                    watch = new LateLandingWatch(error, window);
                    error += "; its outcome is unknown: the snapshot is looked up by name for " + window.toMillis()
                            + " ms and deleted if it lands";
                }
            } catch (Throwable t) {
                error = SnapshotCleanup.describe(t);
                LOG.error("Snapshot of volume {} (domain {}) failed", volume.volumeId(), domainName, t);
            }
            late = !completed(index, snapshot, error, stray, watch != null);
            if (late && watch == null) {
                recordLate(index, lateOutcome(volume, snapshot, error, stray, snapshotter));
            }
        } finally {
            reservation.releaseOne();
        }
        if (watch != null) {
            VolumeOutcome outcome = watchForLateLanding(snapshotter, volume, watch);
            if (late) {
                recordLate(index, outcome);
            } else {
                finishWatch(index, outcome);
            }
        }
    }

    /** A create whose outcome is unknown: what its error said, and how long the array may still carry it out. */
    private static final class LateLandingWatch {
        final String createError;
        final Duration window;

        LateLandingWatch(String createError, Duration window) {
            this.createError = createError;
            this.window = window;
        }
    }

    private Duration windowAfter(ArraySnapshotter snapshotter, RuntimeException failure) {
        try {
            Duration window = snapshotter.unknownOutcomeWindow(failure);
            return window == null || window.isNegative() ? Duration.ZERO : window;
        } catch (RuntimeException e) {
            LOG.error("Domain {}: the array snapshotter could not say how long a failed create may still land", domainName, e);
            return Duration.ZERO;
        }
    }

    /** Looks the snapshot up by name until the window has passed (once more after it); deletes it if it landed. */
    private VolumeOutcome watchForLateLanding(ArraySnapshotter snapshotter, VolumeRequest volume, LateLandingWatch watch) {
        try {
            Optional<ArraySnapshot> landed = UnknownOutcome.awaitLanding(() -> snapshotter.find(volume.volumeId(),
                    volume.snapshotName()), watch.window);
            if (!landed.isPresent()) {
                LOG.info("Domain {}: snapshot {} of volume {} was not created ({} ms after its create failed, it is not"
                        + " on the array)", domainName, volume.snapshotName(), volume.volumeId(), watch.window.toMillis());
                return SnapshotCleanup.failed(volume, watch.createError + "; not on the array " + watch.window.toMillis()
                        + " ms after the failure", null);
            }
            LOG.warn("Domain {}: snapshot {} of volume {} landed on the array after its create failed ({}); deleting it",
                    domainName, landed.get().path(), volume.volumeId(), watch.createError);
            return SnapshotCleanup.delete(snapshotter, volume, landed.get(), domainName).landedLate(watch.createError);
        } catch (Throwable t) {
            LOG.error("Domain {}: cannot tell whether snapshot {} of volume {} landed after its create failed", domainName,
                    volume.snapshotName(), volume.volumeId(), t);
            return SnapshotCleanup.failed(volume, watch.createError + "; whether it landed later is unknown ("
                    + SnapshotCleanup.describe(t) + ")", null);
        }
    }

    private synchronized void finishWatch(int index, VolumeOutcome outcome) {
        lateOutcomes[index] = outcome;
        watching[index] = false;
        if (watchCountedAtClose[index]) {
            countLateDone();
        }
    }

    /** What became of a snapshot a failed create may have made anyway. */
    private static final class StrayCheck {
        final String note;
        final ArraySnapshot left;
        /** The look-up answered: there was a snapshot, or the failure means none was made. */
        final boolean found;

        StrayCheck(String note, ArraySnapshot left, boolean found) {
            this.note = note;
            this.left = left;
            this.found = found;
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
                    + " anyway is unknown (" + SnapshotCleanup.describe(t) + ")", null, false);
        }
        if (!stray.isPresent()) {
            return new StrayCheck("", null, false);
        }
        VolumeOutcome deleted = SnapshotCleanup.delete(snapshotter, volume, stray.get(), domainName);
        if (deleted.state() == VolumeOutcome.State.DELETED) {
            return new StrayCheck("; the array had created " + stray.get().path() + " anyway, it was deleted", null, true);
        }
        return new StrayCheck("; the array had created " + stray.get().path() + " anyway and " + deleted.error().orElse("delete failed"),
                stray.get(), true);
    }

    /** Records a call's result; false when the batch had closed already or the deadline passed (the call is late). */
    private synchronized boolean completed(int index, ArraySnapshot snapshot, String error, ArraySnapshot stray,
                                           boolean watchingForLateLanding) {
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
            watching[index] = watchingForLateLanding;
        }
        if (settled()) {
            settledNanos = System.nanoTime();
        }
        notifyAll();
        return true;
    }

    private VolumeOutcome lateOutcome(VolumeRequest volume, ArraySnapshot snapshot, String error, ArraySnapshot stray,
                                      ArraySnapshotter snapshotter) {
        if (snapshot == null) {
            return SnapshotCleanup.failed(volume, error, stray);
        }
        LOG.warn("Snapshot {} of volume {} (domain {}) completed after the attempt was abandoned; deleting it",
                snapshot.path(), volume.volumeId(), domainName);
        return SnapshotCleanup.delete(snapshotter, volume, snapshot, domainName);
    }

    /** The final outcome of a call that returned after the close. */
    private synchronized void recordLate(int index, VolumeOutcome outcome) {
        lateOutcomes[index] = outcome;
        countLateDone();
    }

    private void countLateDone() {
        pendingLate--;
        if (pendingLate == 0 && outcomesAtCloseKnown) {
            lateCleanup.complete(finalOutcomes());
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
            for (int i = 0; i < slots.length; i++) {
                if (slots[i] == Slot.IN_FLIGHT) {
                    pendingLate++;
                } else if (watching[i]) {
                    pendingLate++;
                    watchCountedAtClose[i] = true;
                }
            }
            closedState = new Closed(slots.clone(), taken.clone(), errors.clone(), strays.clone(), watching.clone());
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
