// Licensed under the Apache License, Version 2.0. See LICENSE in the project root.
package io.elastisnap.cloudstack.command;

import com.cloud.agent.api.Command;

/**
 * A command about one snapshot backup file on a zone's secondary storage: the store's URL (as CloudStack's image store
 * records it, e.g. {@code nfs://server/export}) and the file's path inside it, in CloudStack's own layout
 * ({@code snapshots/<account id>/<volume id>/<snapshot uuid>}). The host mounts the store as CloudStack's agent does.
 */
public abstract class SnapshotBackupCommand extends Command {
    /** The root directory of CloudStack's snapshot files on secondary storage (TemplateConstants.DEFAULT_SNAPSHOT_ROOT_DIR). */
    public static final String SNAPSHOT_ROOT = "snapshots";

    private String secondaryStorageUrl;
    private String installPath;

    /** For Gson. */
    SnapshotBackupCommand() {
    }

    SnapshotBackupCommand(String secondaryStorageUrl, String installPath, int waitSeconds) {
        this.secondaryStorageUrl = VolumeSnapshotSpec.requireText(secondaryStorageUrl, "secondary storage URL");
        this.installPath = requireSnapshotPath(installPath);
        setWait(waitSeconds);
    }

    /** CloudStack's path of a snapshot file: {@code snapshots/<account id>/<volume id>/<name>}. */
    public static String installPath(long accountId, long volumeId, String name) {
        return SNAPSHOT_ROOT + "/" + accountId + "/" + volumeId + "/" + VolumeSnapshotSpec.requireText(name, "backup file name");
    }

    /** Refuses anything but a relative path below {@link #SNAPSHOT_ROOT}: the host deletes and overwrites what it names. */
    static String requireSnapshotPath(String path) {
        String p = VolumeSnapshotSpec.requireText(path, "backup path");
        if (!p.startsWith(SNAPSHOT_ROOT + "/") || p.contains("..") || p.contains("//") || p.endsWith("/")) {
            throw new IllegalArgumentException("backup path " + path + " is not a file below " + SNAPSHOT_ROOT + "/");
        }
        return p;
    }

    public String getSecondaryStorageUrl() {
        return secondaryStorageUrl;
    }

    public String getInstallPath() {
        return installPath;
    }

    /** Long copies must not queue the host's sequential commands (VM starts and stops). */
    @Override
    public boolean executeInSequence() {
        return false;
    }
}
