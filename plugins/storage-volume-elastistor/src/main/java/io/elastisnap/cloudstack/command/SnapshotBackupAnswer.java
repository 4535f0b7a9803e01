// Licensed under the Apache License, Version 2.0. See LICENSE in the project root.
package io.elastisnap.cloudstack.command;

import com.cloud.agent.api.Answer;

/** What a host found or wrote: the backup file's path, size on disk, virtual size and SHA-256. */
public class SnapshotBackupAnswer extends Answer {
    private String installPath;
    private long physicalSize;
    private long virtualSize;
    private String sha256;

    /** For Gson. */
    SnapshotBackupAnswer() {
    }

    private SnapshotBackupAnswer(SnapshotBackupCommand command, boolean success, String details) {
        super(command, success, details);
        this.installPath = command.getInstallPath();
    }

    public static SnapshotBackupAnswer success(SnapshotBackupCommand command, long physicalSize, long virtualSize, String sha256,
                                               String details) {
        SnapshotBackupAnswer answer = new SnapshotBackupAnswer(command, true, details);
        answer.physicalSize = physicalSize;
        answer.virtualSize = virtualSize;
        answer.sha256 = sha256;
        return answer;
    }

    public static SnapshotBackupAnswer failure(SnapshotBackupCommand command, String details) {
        return new SnapshotBackupAnswer(command, false, details);
    }

    public String getInstallPath() {
        return installPath;
    }

    public long getPhysicalSize() {
        return physicalSize;
    }

    public long getVirtualSize() {
        return virtualSize;
    }

    public String getSha256() {
        return sha256;
    }
}
