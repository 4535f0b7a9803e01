// Licensed under the Apache License, Version 2.0. See LICENSE in the project root.
package io.elastisnap.cloudstack.command;

/** Re-read a backup file from secondary storage and compare its SHA-256 with the recorded one. */
public class VerifySnapshotBackupCommand extends SnapshotBackupCommand {
    private String expectedSha256;

    /** For Gson. */
    VerifySnapshotBackupCommand() {
    }

    public VerifySnapshotBackupCommand(String secondaryStorageUrl, String installPath, String expectedSha256, int waitSeconds) {
        super(secondaryStorageUrl, installPath, waitSeconds);
        this.expectedSha256 = VolumeSnapshotSpec.requireText(expectedSha256, "recorded SHA-256");
    }

    public String getExpectedSha256() {
        return expectedSha256;
    }
}
