// Licensed under the Apache License, Version 2.0. See LICENSE in the project root.
package io.elastisnap.cloudstack.command;

import java.util.Objects;

/**
 * Write a backup file from secondary storage into a volume's iSCSI LUN, after re-reading the file and finding the
 * recorded SHA-256: nothing is written to the volume unless the checksum matches.
 */
public class RestoreSnapshotBackupCommand extends SnapshotBackupCommand {
    private String expectedSha256;
    private IscsiLun target;

    /** For Gson. */
    RestoreSnapshotBackupCommand() {
    }

    public RestoreSnapshotBackupCommand(String secondaryStorageUrl, String installPath, String expectedSha256, IscsiLun target,
                                        int waitSeconds) {
        super(secondaryStorageUrl, installPath, waitSeconds);
        this.expectedSha256 = VolumeSnapshotSpec.requireText(expectedSha256, "recorded SHA-256");
        this.target = Objects.requireNonNull(target, "target LUN");
    }

    public String getExpectedSha256() {
        return expectedSha256;
    }

    public IscsiLun getTarget() {
        return target;
    }
}
