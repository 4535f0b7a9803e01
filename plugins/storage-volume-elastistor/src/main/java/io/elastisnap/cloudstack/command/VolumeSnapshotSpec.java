// Licensed under the Apache License, Version 2.0. See LICENSE in the project root.
package io.elastisnap.cloudstack.command;

import java.util.Objects;

/** One volume of a consistent snapshot: the ElastiStor volume id and the snapshot name to create on it. */
public final class VolumeSnapshotSpec {
    private String volumeId;
    private String snapshotName;

    /** For Gson. */
    VolumeSnapshotSpec() {
    }

    public VolumeSnapshotSpec(String volumeId, String snapshotName) {
        this.volumeId = requireText(volumeId, "ElastiStor volume id");
        this.snapshotName = requireText(snapshotName, "snapshot name");
    }

    static String requireText(String value, String what) {
        if (value == null || value.trim().isEmpty()) {
            throw new IllegalArgumentException(what + " must not be empty");
        }
        return value;
    }

    public String getVolumeId() {
        return volumeId;
    }

    public String getSnapshotName() {
        return snapshotName;
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof VolumeSnapshotSpec && Objects.equals(volumeId, ((VolumeSnapshotSpec) o).volumeId)
                && Objects.equals(snapshotName, ((VolumeSnapshotSpec) o).snapshotName);
    }

    @Override
    public int hashCode() {
        return Objects.hash(volumeId, snapshotName);
    }

    @Override
    public String toString() {
        return volumeId + "@" + snapshotName;
    }
}
