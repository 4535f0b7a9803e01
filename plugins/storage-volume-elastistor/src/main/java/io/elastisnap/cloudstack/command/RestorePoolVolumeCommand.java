// Licensed under the Apache License, Version 2.0. See LICENSE in the project root.
package io.elastisnap.cloudstack.command;

import java.time.Duration;

import io.elastisnap.elasticenter.Secret;

/**
 * Sent to a KVM host with the pool mounted: bring back one volume's file from a pool snapshot, over its current file
 * (revert) or into a new one (volume from snapshot) (the engine's
 * restore-one-volume: clone the pool snapshot, attach the clone through the host's CloneHost, mount it, {@code qemu-img
 * convert} the file into a temporary file beside the target, rename it over the target, unmount, detach, delete the
 * clone). Every step is undone on failure; a restore cut short by a dead agent is finished at the next restore.
 */
public class RestorePoolVolumeCommand extends PoolSnapshotCommand {
    /** A restore copies a whole volume: far longer than a snapshot. */
    static final int WAIT_SECONDS = 6 * 3600;

    private String snapshotName;
    private String snapshotPath;
    private String file;
    private String targetFile;
    private boolean newFile;

    /** For Gson. */
    RestorePoolVolumeCommand() {
    }

    /**
     * @param file       the volume's file in the pool snapshot, relative to the pool's mount point
     * @param targetFile the file to write, relative to the pool's mount point; replaced in one rename
     * @param newFile    a volume from the snapshot: refused if {@code targetFile} exists (never replaces a file)
     */
    public RestorePoolVolumeCommand(String poolUuid, String poolType, String poolVolumeId, String snapshotName, String snapshotPath,
            String file, String targetFile, boolean newFile, Duration jobPollDeadline, ElastiCenterEndpoint endpoint, Secret apiKey) {
        super(poolUuid, poolType, poolVolumeId, jobPollDeadline, endpoint, apiKey);
        this.snapshotName = VolumeSnapshotSpec.requireText(snapshotName, "pool snapshot name");
        this.snapshotPath = VolumeSnapshotSpec.requireText(snapshotPath, "pool snapshot path");
        this.file = VolumeSnapshotSpec.requireText(file, "volume file");
        this.targetFile = VolumeSnapshotSpec.requireText(targetFile, "target file");
        this.newFile = newFile;
        setWait(WAIT_SECONDS);
    }

    public String getSnapshotName() {
        return snapshotName;
    }

    public String getSnapshotPath() {
        return snapshotPath;
    }

    public String getFile() {
        return file;
    }

    public String getTargetFile() {
        return targetFile;
    }

    public boolean isNewFile() {
        return newFile;
    }
}
