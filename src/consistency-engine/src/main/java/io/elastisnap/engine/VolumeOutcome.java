// Licensed under the Apache License, Version 2.0. See LICENSE in the project root.
package io.elastisnap.engine;

import java.util.Objects;
import java.util.Optional;

/** What happened to one volume of a failed consistent snapshot. */
public final class VolumeOutcome {

    /** The volume's state after the engine compensated. */
    public enum State {
        /** No snapshot call was sent for this volume. */
        NOT_STARTED,
        /** The snapshot call failed; nothing was created. */
        FAILED,
        /** A snapshot was created and then deleted again (all-or-nothing). */
        DELETED,
        /** A snapshot was created but deleting it failed: it is LEFT ON THE ARRAY (see {@link #path()}). */
        DELETE_FAILED,
        /**
         * The snapshot call was still running, or it failed with an unknown outcome and the array may still make the
         * snapshot; it is deleted when the call returns or the snapshot lands within the window, if this process still
         * runs then (see {@code ConsistentSnapshotException#lateCleanup()}); else its caller deletes it by name later.
         */
        PENDING
    }

    private final String volumeId;
    private final String snapshotName;
    private final State state;
    private final String path;
    private final String error;
    private final boolean landedLate;

    VolumeOutcome(String volumeId, String snapshotName, State state, String path, String error) {
        this(volumeId, snapshotName, state, path, error, false);
    }

    private VolumeOutcome(String volumeId, String snapshotName, State state, String path, String error, boolean landedLate) {
        this.volumeId = volumeId;
        this.snapshotName = snapshotName;
        this.state = Objects.requireNonNull(state, "state");
        this.path = path;
        this.error = error;
        this.landedLate = landedLate;
    }

    /** The same outcome, for a snapshot whose create failed with an unknown outcome and that landed on the array later. */
    VolumeOutcome landedLate(String createError) {
        return new VolumeOutcome(volumeId, snapshotName, state, path, createError + "; the snapshot landed on the array"
                + " after the failure and " + (state == State.DELETED ? "was deleted" : error), true);
    }

    /**
     * Whether the create failed with an unknown outcome (timed out, answer lost) and the array made the snapshot
     * later anyway; the engine found it by name and deleted it ({@link State#DELETED}) or could not
     * ({@link State#DELETE_FAILED}).
     */
    public boolean isLandedLate() {
        return landedLate;
    }

    public String volumeId() {
        return volumeId;
    }

    public String snapshotName() {
        return snapshotName;
    }

    public State state() {
        return state;
    }

    /** The snapshot's array path, when a snapshot was created. */
    public Optional<String> path() {
        return Optional.ofNullable(path);
    }

    /** The error of the snapshot call (FAILED) or of the compensating delete (DELETE_FAILED). */
    public Optional<String> error() {
        return Optional.ofNullable(error);
    }

    @Override
    public String toString() {
        StringBuilder s = new StringBuilder(volumeId).append(": ").append(state);
        if (path != null) {
            s.append(" (").append(path).append(')');
        }
        if (error != null) {
            s.append(": ").append(error);
        }
        return s.toString();
    }
}
