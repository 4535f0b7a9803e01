// Licensed under the Apache License, Version 2.0. See LICENSE in the project root.
package io.elastisnap.engine;

import java.util.Objects;
import java.util.Optional;

/** One volume's snapshot in a successful {@link ConsistentSnapshotResult}. */
public final class VolumeSnapshot {
    private final String volumeId;
    private final String snapshotName;
    private final String path;
    private final String snapshotId;
    private final String diskLabel;

    VolumeSnapshot(VolumeRequest volume, ArraySnapshot snapshot) {
        this.volumeId = volume.volumeId();
        this.snapshotName = snapshot.snapshotName();
        this.path = snapshot.path();
        this.snapshotId = snapshot.snapshotId().orElse(null);
        this.diskLabel = volume.diskLabel().orElse(null);
    }

    public String volumeId() {
        return volumeId;
    }

    public String snapshotName() {
        return snapshotName;
    }

    /** The array's path of the snapshot. */
    public String path() {
        return path;
    }

    /** The array's snapshot id, if the array returned one. */
    public Optional<String> snapshotId() {
        return Optional.ofNullable(snapshotId);
    }

    public Optional<String> diskLabel() {
        return Optional.ofNullable(diskLabel);
    }

    @Override
    public boolean equals(Object o) {
        if (this == o) {
            return true;
        }
        if (!(o instanceof VolumeSnapshot)) {
            return false;
        }
        VolumeSnapshot other = (VolumeSnapshot) o;
        return volumeId.equals(other.volumeId) && snapshotName.equals(other.snapshotName) && path.equals(other.path)
                && Objects.equals(snapshotId, other.snapshotId) && Objects.equals(diskLabel, other.diskLabel);
    }

    @Override
    public int hashCode() {
        return Objects.hash(volumeId, snapshotName, path, snapshotId, diskLabel);
    }

    @Override
    public String toString() {
        return "VolumeSnapshot[volume=" + volumeId + ", name=" + snapshotName + ", path=" + path + "]";
    }
}
