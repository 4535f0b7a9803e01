// Licensed under the Apache License, Version 2.0. See LICENSE in the project root.
package io.elastisnap.engine;

import io.elastisnap.engine.ConsistentSnapshotException.Reason;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.function.Consumer;
import java.util.function.Supplier;
import org.apache.logging.log4j.LogManager;
import org.apache.logging.log4j.Logger;

/**
 * How one attempt fails: before anything was created (every volume NOT_STARTED), or after the snapshot calls went out,
 * when all-or-nothing deletes every snapshot taken and reports each volume's fate, compensation failures included.
 */
final class Compensation {
    private static final Logger LOG = LogManager.getLogger(Compensation.class);

    private final ConsistentSnapshotRequest request;
    private final ArraySnapshotter snapshotter;
    private final Consumer<CompletableFuture<?>> backgroundWork;
    private final Supplier<Timings> timings;
    private final String domain;

    Compensation(ConsistentSnapshotRequest request, ArraySnapshotter snapshotter, Consumer<CompletableFuture<?>> backgroundWork,
            Supplier<Timings> timings) {
        this.request = request;
        this.snapshotter = snapshotter;
        this.backgroundWork = backgroundWork;
        this.timings = timings;
        this.domain = request.domainName();
    }

    /** A failure before any snapshot call was sent. */
    ConsistentSnapshotException nothingCreated(Reason reason, String message) {
        return nothingCreated(reason, message, null);
    }

    ConsistentSnapshotException nothingCreated(Reason reason, String message, Throwable cause) {
        List<VolumeOutcome> outcomes = new ArrayList<>();
        for (VolumeRequest volume : request.volumes()) {
            outcomes.add(new VolumeOutcome(volume.volumeId(), volume.snapshotName(), VolumeOutcome.State.NOT_STARTED, null, null));
        }
        LOG.warn("Consistent snapshot of domain {} failed ({}): {}", domain, reason, message);
        return new ConsistentSnapshotException(reason, domain, message, outcomes, timings.get(),
                CompletableFuture.completedFuture(outcomes), cause);
    }

    /** All-or-nothing: deletes every snapshot the closed batch holds; calls still running clean up when they return. */
    ConsistentSnapshotException undo(Reason reason, String message, SnapshotBatch.Closed closed, SnapshotBatch batch) {
        List<VolumeOutcome> outcomes = new ArrayList<>();
        for (int i = 0; i < closed.slots.length; i++) {
            VolumeRequest volume = request.volumes().get(i);
            switch (closed.slots[i]) {
                case TAKEN:
                    outcomes.add(SnapshotCleanup.delete(snapshotter, volume, closed.taken[i], domain));
                    break;
                case FAILED:
                    // still looking for a late landing: as undecided as a call still out, and settled the same way
                    outcomes.add(closed.watching[i] ? new VolumeOutcome(volume.volumeId(), volume.snapshotName(),
                            VolumeOutcome.State.PENDING, null, closed.errors[i])
                            : SnapshotCleanup.failed(volume, closed.errors[i], closed.strays[i]));
                    break;
                case IN_FLIGHT:
                    outcomes.add(new VolumeOutcome(volume.volumeId(), volume.snapshotName(), VolumeOutcome.State.PENDING, null,
                            "its create call had not returned; its snapshot is deleted if the call returns while this"
                                    + " process runs"));
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
        // WARN, not ERROR: the caller gets the same text in the exception, and a CLI prints ERROR lines on its console
        LOG.warn("{}", text);
        return new ConsistentSnapshotException(reason, domain, text.toString(), outcomes, timings.get(), late, null);
    }
}
