// Licensed under the Apache License, Version 2.0. See LICENSE in the project root.
package io.elastisnap.engine;

import java.util.Objects;
import java.util.Optional;

/** A snapshot on the array: the volume, the snapshot's name, its path on the array and the array's id if it has one. */
public final class ArraySnapshot {
    private final String volumeId;
    private final String snapshotName;
    private final String path;
    private final String snapshotId;

    public ArraySnapshot(String volumeId, String snapshotName, String path, String snapshotId) {
        this.volumeId = requireText(volumeId, "volumeId");
        this.snapshotName = requireText(snapshotName, "snapshotName");
        this.path = requireText(path, "path");
        this.snapshotId = snapshotId;
    }

    private static String requireText(String value, String name) {
        if (Objects.requireNonNull(value, name).trim().isEmpty()) {
            throw new IllegalArgumentException(name + " is blank");
        }
        return value;
    }

    public String volumeId() {
        return volumeId;
    }

    public String snapshotName() {
        return snapshotName;
    }

    /** The array's path of the snapshot, e.g. {@code pool/account/tsm/volume@name}. */
    public String path() {
        return path;
    }

    public Optional<String> snapshotId() {
        return Optional.ofNullable(snapshotId);
    }

    @Override
    public boolean equals(Object o) {
        if (this == o) {
            return true;
        }
        if (!(o instanceof ArraySnapshot)) {
            return false;
        }
        ArraySnapshot other = (ArraySnapshot) o;
        return volumeId.equals(other.volumeId) && snapshotName.equals(other.snapshotName) && path.equals(other.path)
                && Objects.equals(snapshotId, other.snapshotId);
    }

    @Override
    public int hashCode() {
        return Objects.hash(volumeId, snapshotName, path, snapshotId);
    }

    @Override
    public String toString() {
        return "ArraySnapshot[volume=" + volumeId + ", name=" + snapshotName + ", path=" + path
                + (snapshotId == null ? "" : ", id=" + snapshotId) + "]";
    }
}
