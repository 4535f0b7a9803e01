// Licensed under the Apache License, Version 2.0. See LICENSE in the project root.
package io.elastisnap.engine;

import io.elastisnap.elasticenter.UnknownOutcome;
import java.time.Duration;
import java.util.Optional;
import org.apache.logging.log4j.LogManager;
import org.apache.logging.log4j.Logger;

/**
 * Deletes a snapshot the engine made and says what became of the volume. Used by the snapshot batch (a late call
 * cleaning up after itself, a stray a failed create left) and by the compensation of a failed attempt.
 */
final class SnapshotCleanup {
    private static final Logger LOG = LogManager.getLogger(SnapshotCleanup.class);

    private SnapshotCleanup() {
    }

    /** DELETED, or DELETE_FAILED (never thrown: the caller reports it) when the array refused the delete. */
    static VolumeOutcome delete(ArraySnapshotter snapshotter, VolumeRequest volume, ArraySnapshot snapshot, String domain) {
        try {
            snapshotter.delete(snapshot);
            return new VolumeOutcome(volume.volumeId(), volume.snapshotName(), VolumeOutcome.State.DELETED, snapshot.path(), null);
        } catch (RuntimeException e) {
            Duration window = snapshotter.unknownOutcomeWindow(e);
            if (!window.isZero()) {
                return settleUnknownDelete(snapshotter, volume, snapshot, domain, e, window);
            }
            return deleteFailed(volume, snapshot, domain, e);
        } catch (Throwable t) {
            return deleteFailed(volume, snapshot, domain, t);
        }
    }

    /**
     * The delete's outcome is unknown: the snapshot is looked up by name until it is gone or the window has passed;
     * one still there then is deleted once more.
     */
    private static VolumeOutcome settleUnknownDelete(ArraySnapshotter snapshotter, VolumeRequest volume, ArraySnapshot snapshot,
                                                     String domain, RuntimeException failure, Duration window) {
        LOG.warn("Domain {}: the delete of snapshot {} of volume {} has an unknown outcome ({}); looking it up for {} ms",
                domain, snapshot.path(), volume.volumeId(), describe(failure), window.toMillis());
        try {
            Optional<ArraySnapshot> still = UnknownOutcome.awaitGone(() -> snapshotter.find(volume.volumeId(),
                    volume.snapshotName()), window);
            if (still.isPresent()) {
                snapshotter.delete(still.get());
            }
            return new VolumeOutcome(volume.volumeId(), volume.snapshotName(), VolumeOutcome.State.DELETED, snapshot.path(), null);
        } catch (Throwable t) {
            t.addSuppressed(failure);
            return deleteFailed(volume, snapshot, domain, t);
        }
    }

    private static VolumeOutcome deleteFailed(VolumeRequest volume, ArraySnapshot snapshot, String domain, Throwable t) {
        LOG.error("Domain {}: could not delete snapshot {} of volume {}; it remains on the array", domain, snapshot.path(),
                volume.volumeId(), t);
        return new VolumeOutcome(volume.volumeId(), volume.snapshotName(), VolumeOutcome.State.DELETE_FAILED, snapshot.path(),
                "delete failed: " + describe(t));
    }

    /** FAILED, or DELETE_FAILED when the failed create left a snapshot that could not be deleted. */
    static VolumeOutcome failed(VolumeRequest volume, String error, ArraySnapshot stray) {
        return new VolumeOutcome(volume.volumeId(), volume.snapshotName(),
                stray == null ? VolumeOutcome.State.FAILED : VolumeOutcome.State.DELETE_FAILED,
                stray == null ? null : stray.path(), error);
    }

    static String describe(Throwable t) {
        String message = t.getMessage();
        return message == null || message.trim().isEmpty() ? t.getClass().getSimpleName() : message;
    }
}
