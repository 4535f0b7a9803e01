// Licensed under the Apache License, Version 2.0. See LICENSE in the project root.
package io.elastisnap.elasticenter;

import java.util.List;
import java.util.Objects;

/**
 * The outcome of rollbackToSnapshot. ElastiStor is ZFS underneath: rolling back past newer snapshots destroys them,
 * and {@link #destroyedSnapshots()} lists those (empty when the target was the newest).
 */
public final class RollbackResult {
    private final String volumeId;
    private final String snapshotPath;
    private final List<DatasetSnapshot> destroyedSnapshots;

    public RollbackResult(String volumeId, String snapshotPath, List<DatasetSnapshot> destroyedSnapshots) {
        this.volumeId = Objects.requireNonNull(volumeId, "volumeId");
        this.snapshotPath = Objects.requireNonNull(snapshotPath, "snapshotPath");
        this.destroyedSnapshots = List.copyOf(destroyedSnapshots);
    }

    public String volumeId() {
        return volumeId;
    }

    public String snapshotPath() {
        return snapshotPath;
    }

    /** The newer snapshots the rollback destroyed, oldest first. */
    public List<DatasetSnapshot> destroyedSnapshots() {
        return destroyedSnapshots;
    }

    @Override
    public String toString() {
        return "RollbackResult[" + volumeId + " to " + snapshotPath + ", destroyed " + destroyedSnapshots.size()
                + "]";
    }
}
