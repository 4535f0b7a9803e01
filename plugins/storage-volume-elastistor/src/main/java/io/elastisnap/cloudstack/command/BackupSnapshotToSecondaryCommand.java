// Licensed under the Apache License, Version 2.0. See LICENSE in the project root.
package io.elastisnap.cloudstack.command;

import java.util.Objects;

/**
 * Copy a (temporary clone of an) ElastiStor snapshot, read over iSCSI, into a sparse qcow2 file on secondary storage;
 * answer its size and SHA-256. The file appears under its name only when complete.
 */
public class BackupSnapshotToSecondaryCommand extends SnapshotBackupCommand {
    private IscsiLun source;
    private boolean compress;

    /** For Gson. */
    BackupSnapshotToSecondaryCommand() {
    }

    public BackupSnapshotToSecondaryCommand(IscsiLun source, String secondaryStorageUrl, String installPath, boolean compress,
                                            int waitSeconds) {
        super(secondaryStorageUrl, installPath, waitSeconds);
        this.source = Objects.requireNonNull(source, "source LUN");
        this.compress = compress;
    }

    public IscsiLun getSource() {
        return source;
    }

    public boolean isCompress() {
        return compress;
    }
}
