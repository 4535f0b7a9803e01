// Licensed under the Apache License, Version 2.0. See LICENSE in the project root.
package io.elastisnap.cloudstack.agent;

import java.util.Objects;

/** The agent process's backup runner (qemu-img, QEMU's own iSCSI initiator); tests install their own. */
public final class SnapshotBackupRuntime {
    private static volatile SnapshotBackupRunner runner = SnapshotBackupRunner.forAgent();

    private SnapshotBackupRuntime() {
    }

    public static SnapshotBackupRunner runner() {
        return runner;
    }

    public static void install(SnapshotBackupRunner replacement) {
        runner = Objects.requireNonNull(replacement, "runner");
    }
}
