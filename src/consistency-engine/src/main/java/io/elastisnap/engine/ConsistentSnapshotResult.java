// Licensed under the Apache License, Version 2.0. See LICENSE in the project root.
package io.elastisnap.engine;

import java.util.Collections;
import java.util.List;
import java.util.Optional;

/** A successful consistent snapshot: one array snapshot per requested volume (request order), and what was achieved. */
public final class ConsistentSnapshotResult {
    private final String domainName;
    private final List<VolumeSnapshot> snapshots;
    private final ConsistencyLevel level;
    private final QuiesceFailure quiesceFailure;
    private final int frozenFileSystems;
    private final FreezeScope freezeScope;
    private final boolean pausedWhileFrozen;
    private final Timings timings;
    private final List<String> warnings;

    ConsistentSnapshotResult(String domainName, List<VolumeSnapshot> snapshots, ConsistencyLevel level,
            QuiesceFailure quiesceFailure, int frozenFileSystems, FreezeScope freezeScope, boolean pausedWhileFrozen, Timings timings,
            List<String> warnings) {
        this.domainName = domainName;
        this.snapshots = Collections.unmodifiableList(snapshots);
        this.level = level;
        this.quiesceFailure = quiesceFailure;
        this.frozenFileSystems = frozenFileSystems;
        this.freezeScope = freezeScope;
        this.pausedWhileFrozen = pausedWhileFrozen;
        this.timings = timings;
        this.warnings = Collections.unmodifiableList(warnings);
    }

    public String domainName() {
        return domainName;
    }

    public List<VolumeSnapshot> snapshots() {
        return snapshots;
    }

    public ConsistencyLevel level() {
        return level;
    }

    /** Present when {@link #level()} is QUIESCE_FAILED or QUIESCE_TIMEOUT: why the guest was not frozen. */
    public Optional<QuiesceFailure> quiesceFailure() {
        return Optional.ofNullable(quiesceFailure);
    }

    /** File systems the agent reported frozen (0 unless {@link #level()} is FS_FROZEN). */
    public int frozenFileSystems() {
        return frozenFileSystems;
    }

    /**
     * Present when {@link #level()} is FS_FROZEN: which file systems were frozen, "partial freeze" (only those on the
     * snapshotted volumes; the others kept running) or "whole guest" (and why).
     */
    public Optional<FreezeScope> freezeScope() {
        return Optional.ofNullable(freezeScope);
    }

    /**
     * The domain was paused while its file systems were frozen: a paused guest keeps them frozen, so the guest was
     * frozen for the whole pause too ({@link Timings#frozenWindow()} includes it). A warning says the same in words.
     */
    public boolean pausedWhileFrozen() {
        return pausedWhileFrozen;
    }

    public Timings timings() {
        return timings;
    }

    /** Things the caller should know although the snapshot succeeded (e.g. a thaw that is still being retried). */
    public List<String> warnings() {
        return warnings;
    }

    @Override
    public String toString() {
        return "ConsistentSnapshotResult[domain=" + domainName + ", level=" + level
                + (quiesceFailure == null ? "" : ", quiesceFailure=" + quiesceFailure)
                + (freezeScope == null ? "" : ", " + freezeScope.describe())
                + (pausedWhileFrozen ? ", pausedWhileFrozen" : "") + ", snapshots=" + snapshots
                + ", " + timings + (warnings.isEmpty() ? "" : ", warnings=" + warnings) + "]";
    }
}
