// Licensed under the Apache License, Version 2.0. See LICENSE in the project root.
package io.elastisnap.cli.store;

import java.util.Objects;

/** One volume's array snapshot inside a {@link SnapshotSet}. */
public final class VolumeRecord {
    private String disk;
    private String volumeId;
    private String snapshotName;
    /** ZFS path {@code <dataset>@<name>} once the array reported it; null while pending. */
    private String path;

    public VolumeRecord(String disk, String volumeId, String snapshotName, String path) {
        this.disk = Objects.requireNonNull(disk);
        this.volumeId = Objects.requireNonNull(volumeId);
        this.snapshotName = Objects.requireNonNull(snapshotName);
        this.path = path;
    }

    public String disk() {
        return disk;
    }

    public String volumeId() {
        return volumeId;
    }

    public String snapshotName() {
        return snapshotName;
    }

    public String path() {
        return path;
    }

    public void path(String value) {
        path = value;
    }

    boolean valid() {
        return disk != null && volumeId != null && snapshotName != null;
    }
}
