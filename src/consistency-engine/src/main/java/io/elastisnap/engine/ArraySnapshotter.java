// Licensed under the Apache License, Version 2.0. See LICENSE in the project root.
package io.elastisnap.engine;

import java.time.Duration;
import java.util.List;
import java.util.Optional;

/**
 * SPI: the storage-array half of a consistent snapshot.
 * Implementations must be thread-safe: the engine calls {@link #create} for all volumes of a request at once, and for
 * many requests at once. They signal failure by throwing a {@link RuntimeException} whose message is shown to users
 * (it must never contain a secret). The engine never interrupts a call; it bounds its own wait and cleans up calls
 * that complete late, so a call should still be bounded by the implementation's own timeouts.
 */
public interface ArraySnapshotter {

    /**
     * Called before the guest is frozen with the volumes of a request: look up (and cache) whatever {@link #create}
     * needs, so that inside the frozen window a snapshot costs one array round trip, and fail here for volumes that
     * do not exist. A failure (or taking longer than the pre-flight timeout) fails the request before any side effect.
     */
    default void prepare(List<String> volumeIds) {
    }

    /** Takes a snapshot of one volume; returns only once the array has the snapshot. */
    ArraySnapshot create(String volumeId, String snapshotName);

    /**
     * {@link #create} threw {@code failure}. If the array may have created the snapshot anyway (the request went out
     * but the answer was lost or timed out), return it when it exists, so the engine deletes it. Called on the call's
     * own thread right after the failure. Default: the failure means nothing was created.
     */
    default Optional<ArraySnapshot> findAfterFailedCreate(String volumeId, String snapshotName, RuntimeException failure) {
        return Optional.empty();
    }

    /** Deletes a snapshot {@link #create} returned; a snapshot that no longer exists counts as deleted. */
    void delete(ArraySnapshot snapshot);

    /**
     * How long after {@code failure} of {@link #create} or {@link #delete} the array may still carry the call out (the
     * request went out; the answer was lost or timed out). The engine then looks the snapshot up by its unique name
     * ({@link #find}) until that long after the failure: a create that lands late is deleted, a delete that did not
     * happen is repeated, and the attempt's final outcomes wait for it. Default: a failure is final.
     */
    default Duration unknownOutcomeWindow(RuntimeException failure) {
        return Duration.ZERO;
    }

    /** The snapshot of this name on the volume, if the array lists one (used within {@link #unknownOutcomeWindow}). */
    default Optional<ArraySnapshot> find(String volumeId, String snapshotName) {
        return Optional.empty();
    }
}
