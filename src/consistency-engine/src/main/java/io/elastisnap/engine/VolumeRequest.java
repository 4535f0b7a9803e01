// Licensed under the Apache License, Version 2.0. See LICENSE in the project root.
package io.elastisnap.engine;

import java.util.Optional;

/** One volume of a {@link ConsistentSnapshotRequest}: the array volume id, the snapshot name, and optionally the guest disk label. */
public final class VolumeRequest {
    private final String volumeId;
    private final String snapshotName;
    private final String diskLabel;

    VolumeRequest(String volumeId, String snapshotName, String diskLabel) {
        this.volumeId = volumeId;
        this.snapshotName = snapshotName;
        this.diskLabel = diskLabel;
    }

    public String volumeId() {
        return volumeId;
    }

    public String snapshotName() {
        return snapshotName;
    }

    /** The guest disk this volume backs (e.g. {@code vdb}), for messages only. */
    public Optional<String> diskLabel() {
        return Optional.ofNullable(diskLabel);
    }

    @Override
    public String toString() {
        return "volume " + volumeId + (diskLabel == null ? "" : " (" + diskLabel + ")") + " -> snapshot " + snapshotName;
    }
}
