// Licensed under the Apache License, Version 2.0. See LICENSE in the project root.
package io.elastisnap.cloudstack.command;

/** Remove a backup file (and what a dead copy of it left: its partial file) from secondary storage; idempotent. */
public class DeleteSnapshotBackupCommand extends SnapshotBackupCommand {
    /** For Gson. */
    DeleteSnapshotBackupCommand() {
    }

    public DeleteSnapshotBackupCommand(String secondaryStorageUrl, String installPath, int waitSeconds) {
        super(secondaryStorageUrl, installPath, waitSeconds);
    }
}
