// Licensed under the Apache License, Version 2.0. See LICENSE in the project root.
package io.elastisnap.engine;

import java.time.Duration;
import java.util.Collections;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.stream.Collectors;

/**
 * A consistent snapshot failed. The engine has thawed the guest (or says in the message that it could not) and deleted
 * every snapshot it created; {@link #volumeOutcomes()} names each volume's fate, including snapshots that could not be
 * deleted and calls still running.
 */
public final class ConsistentSnapshotException extends Exception {
    private static final long serialVersionUID = 1L;

    /** Why the operation failed. */
    public enum Reason {
        /** The request or its limits are invalid; nothing was done. */
        INVALID_REQUEST,
        /** No libvirt domain with that name. */
        DOMAIN_NOT_FOUND,
        /** The domain is neither running nor paused. */
        DOMAIN_NOT_RUNNING,
        /** libvirt itself failed (connection lost, libvirtd not answering), so the guest could not be prepared. */
        LIBVIRT_FAILED,
        /** Another consistent snapshot of this domain is in progress (or its thaw is still being watched). */
        DOMAIN_BUSY,
        /** The domain has no QEMU guest agent channel. */
        AGENT_NOT_CONFIGURED,
        /** The guest agent is not connected or did not answer. */
        AGENT_NOT_RESPONDING,
        /** The agent (or libvirt driver) cannot freeze, thaw or report the freeze status. */
        FREEZE_UNSUPPORTED,
        /** The guest file systems are already frozen by someone else; the engine did not touch them. */
        ALREADY_FROZEN,
        /** The freeze journal could not be written, so the engine did not freeze. */
        JOURNAL_FAILED,
        /**
         * The thaw guard (the dead man's switch outside this process) could not be armed, so the engine did not freeze:
         * if this process died while the guest is frozen, nothing would thaw it before the next start.
         */
        THAW_GUARD_FAILED,
        /** The freeze failed or could not be confirmed. */
        FREEZE_FAILED,
        /** The freeze call did not complete in time (the guest was thawed afterwards). */
        FREEZE_TIMEOUT,
        /** Not enough array-call capacity in this engine for the request's volumes. */
        ENGINE_BUSY,
        /** At least one array snapshot call failed. */
        SNAPSHOT_FAILED,
        /** The array snapshots of an unfrozen guest did not complete within the snapshot timeout. */
        SNAPSHOT_TIMEOUT,
        /** The array snapshots did not complete within the maximum frozen window. */
        WINDOW_EXCEEDED,
        /** The guest could not be confirmed thawed within the thaw retry period; it may still be frozen. */
        THAW_FAILED,
        /** The calling thread was interrupted (the guest was thawed and snapshots deleted first). */
        INTERRUPTED
    }

    private final Reason reason;
    private final String domainName;
    private final List<VolumeOutcome> volumeOutcomes;
    private final Timings timings;
    private final transient CompletableFuture<List<VolumeOutcome>> lateCleanup;

    ConsistentSnapshotException(Reason reason, String domainName, String message, List<VolumeOutcome> volumeOutcomes,
            Timings timings, CompletableFuture<List<VolumeOutcome>> lateCleanup, Throwable cause) {
        super(message, cause);
        this.reason = Objects.requireNonNull(reason, "reason");
        this.domainName = domainName;
        this.volumeOutcomes = Collections.unmodifiableList(volumeOutcomes);
        this.timings = timings;
        this.lateCleanup = lateCleanup;
    }

    public Reason reason() {
        return reason;
    }

    public String domainName() {
        return domainName;
    }

    /** Each requested volume's fate, in request order, as of the moment the exception was thrown. */
    public List<VolumeOutcome> volumeOutcomes() {
        return volumeOutcomes;
    }

    /** Snapshots the engine created but could not delete: they remain on the array. */
    public List<VolumeOutcome> leftOnArray() {
        return volumeOutcomes.stream().filter(o -> o.state() == VolumeOutcome.State.DELETE_FAILED).collect(Collectors.toList());
    }

    public Timings timings() {
        return timings;
    }

    /**
     * Completes with the final outcome of every volume once snapshot calls that were still running (state PENDING)
     * have returned and their snapshots were deleted; completes at once when nothing was pending.
     */
    public CompletableFuture<List<VolumeOutcome>> lateCleanup() {
        return lateCleanup;
    }

    /**
     * The outcomes once the calls still out have returned and been cleaned up, waiting at most {@code wait} for them
     * (against a hung array they may never return): else the outcomes as they stand, the unreturned ones PENDING.
     */
    public List<VolumeOutcome> outcomesWithin(Duration wait) {
        if (volumeOutcomes().stream().noneMatch(o -> o.state() == VolumeOutcome.State.PENDING)) {
            return volumeOutcomes();
        }
        try {
            return lateCleanup.get(wait.toMillis(), TimeUnit.MILLISECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } catch (ExecutionException | TimeoutException stillOut) {
            // the caller names them as outstanding
        }
        return volumeOutcomes();
    }
}
