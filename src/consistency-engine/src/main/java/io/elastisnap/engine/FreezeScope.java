// Licensed under the Apache License, Version 2.0. See LICENSE in the project root.
package io.elastisnap.engine;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * Which file systems a snapshot froze: only those on the snapshotted disks ({@link Kind#PARTIAL}), the whole guest (a
 * VM snapshot, or the mapping of volumes to file systems was not certain: {@link #wholeGuestReason()} says why), or
 * the mount points the caller gave. Decided once per snapshot, before the freeze, by {@code FreezeScopeDecision}.
 */
public final class FreezeScope {
    /** How the file systems to freeze were chosen. */
    public enum Kind {
        /** Only the file systems on the snapshotted disks ({@code guest-fsfreeze-freeze-list}); the others keep running. */
        PARTIAL("partial freeze"),
        /** Every file system of the guest ({@code guest-fsfreeze-freeze}). */
        WHOLE_GUEST("whole guest"),
        /** The mount points the caller named ({@code guest-fsfreeze-freeze-list}). */
        GIVEN_MOUNT_POINTS("given mount points");

        private final String label;

        Kind(String label) {
            this.label = label;
        }

        /** "partial freeze", "whole guest" or "given mount points": what the snapshot's records say. */
        public String label() {
            return label;
        }
    }

    private final Kind kind;
    private final List<String> mountPoints;
    private final List<String> disks;
    private final int keptRunning;
    private final String wholeGuestReason;

    private FreezeScope(Kind kind, List<String> mountPoints, List<String> disks, int keptRunning, String wholeGuestReason) {
        this.kind = kind;
        this.mountPoints = Collections.unmodifiableList(new ArrayList<>(mountPoints));
        this.disks = Collections.unmodifiableList(new ArrayList<>(disks));
        this.keptRunning = keptRunning;
        this.wholeGuestReason = wholeGuestReason;
    }

    /** @param knownMountPoints the guest's file systems when the agent listed them (all frozen), else empty */
    static FreezeScope wholeGuest(String reason, List<String> knownMountPoints) {
        return new FreezeScope(Kind.WHOLE_GUEST, knownMountPoints, List.of(), 0, Objects.requireNonNull(reason, "reason"));
    }

    static FreezeScope partial(List<String> mountPoints, List<String> disks, int keptRunning) {
        return new FreezeScope(Kind.PARTIAL, mountPoints, disks, keptRunning, null);
    }

    static FreezeScope given(List<String> mountPoints) {
        return new FreezeScope(Kind.GIVEN_MOUNT_POINTS, mountPoints, List.of(), 0, null);
    }

    public Kind kind() {
        return kind;
    }

    public boolean isPartial() {
        return kind == Kind.PARTIAL;
    }

    /**
     * The file systems frozen, by mount point: those on the snapshotted disks (partial), the given ones, or for the
     * whole guest every file system the agent listed (empty when it was not asked: a VM snapshot, or no disk details).
     */
    public List<String> frozenMountPoints() {
        return mountPoints;
    }

    /** What the freeze call is given: empty for the whole guest (plain {@code guest-fsfreeze-freeze}). */
    List<String> freezeList() {
        return kind == Kind.WHOLE_GUEST ? List.of() : mountPoints;
    }

    /** The snapshotted disks (domain targets such as {@code vdb}) the partial freeze was derived from. */
    public List<String> disks() {
        return disks;
    }

    /** File systems of the guest a partial freeze left running. */
    public int fileSystemsKeptRunning() {
        return keptRunning;
    }

    /** Why the whole guest was frozen (a VM snapshot, or what made the mapping uncertain); empty otherwise. */
    public Optional<String> wholeGuestReason() {
        return Optional.ofNullable(wholeGuestReason);
    }

    /** One line for logs, CLI output and CloudStack's snapshot details. */
    public String describe() {
        switch (kind) {
            case PARTIAL:
                return "partial freeze of " + String.join(", ", mountPoints) + " (the file systems on " + String.join(", ", disks)
                        + "); " + keptRunning + " other file system(s) kept running";
            case GIVEN_MOUNT_POINTS:
                return "given mount points " + String.join(", ", mountPoints);
            default:
                return "whole guest (" + wholeGuestReason + ")";
        }
    }

    @Override
    public String toString() {
        return describe();
    }
}
