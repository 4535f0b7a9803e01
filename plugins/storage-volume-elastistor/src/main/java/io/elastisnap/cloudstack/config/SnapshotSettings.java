// Licensed under the Apache License, Version 2.0. See LICENSE in the project root.
package io.elastisnap.cloudstack.config;

import java.time.Duration;

import io.elastisnap.engine.FreezeLimits;

/** The global settings the strategies read at each operation (so changes apply without a restart). */
public interface SnapshotSettings {
    /** REQUIRED, BEST_EFFORT or OFF: used when the caller did not ask for quiescevm=true. */
    String defaultPolicy();

    /**
     * The frozen-window limits, validated as they are read, so an inconsistent setting fails on the management server
     * naming the settings and the fix, before any command reaches a host.
     *
     * @throws com.cloud.utils.exception.CloudRuntimeException when the settings contradict each other
     */
    FreezeLimits limits();

    /** Deadline of ElastiCenter async jobs (volume create/delete). */
    Duration jobPollDeadline();

    /** Default TLS trust for pools that do not name one: system, insecure, ca:<file>, sha256:<fingerprint>. */
    String defaultTls();

    /** Minutes between reconcile runs; 0 or less: off. */
    int reconcileIntervalMinutes();

    /** Whether the reconcile task deletes the orphans it finds (otherwise it only reports them). */
    boolean removeOrphans();

    /** Whether the array snapshot stays after its backup to secondary storage (instant revert) or is deleted. */
    boolean keepArraySnapshotAfterBackup();

    /** Whether backups on secondary storage are compressed qcow2 (smaller, slower to write and to restore). */
    boolean compressBackups();

    /** How long a host may take to copy one snapshot to secondary storage, or to restore one. */
    Duration backupWait();
}
