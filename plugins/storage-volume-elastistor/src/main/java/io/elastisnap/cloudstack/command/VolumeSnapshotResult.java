// Licensed under the Apache License, Version 2.0. See LICENSE in the project root.
package io.elastisnap.cloudstack.command;

/** A snapshot the agent created: ElastiStor volume id, snapshot name and the array's snapshot path. */
public final class VolumeSnapshotResult {
    private String volumeId;
    private String snapshotName;
    private String path;

    /** For Gson. */
    VolumeSnapshotResult() {
    }

    public VolumeSnapshotResult(String volumeId, String snapshotName, String path) {
        this.volumeId = volumeId;
        this.snapshotName = snapshotName;
        this.path = path;
    }

    public String getVolumeId() {
        return volumeId;
    }

    public String getSnapshotName() {
        return snapshotName;
    }

    public String getPath() {
        return path;
    }

    @Override
    public String toString() {
        return volumeId + "@" + snapshotName + " -> " + path;
    }
}
