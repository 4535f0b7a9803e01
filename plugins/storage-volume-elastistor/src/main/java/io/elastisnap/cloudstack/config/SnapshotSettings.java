// Licensed under the Apache License, Version 2.0. See LICENSE in the project root.
package io.elastisnap.cloudstack.config;

import io.elastisnap.cloudstack.command.SnapshotLimits;

/** The global settings the strategies read at each operation (so changes apply without a restart). */
public interface SnapshotSettings {
    /** REQUIRED, BEST_EFFORT or OFF: used when the caller did not ask for quiescevm=true. */
    String defaultPolicy();

    SnapshotLimits limits();

    /** Default TLS trust for pools that do not name one: system, insecure, ca:<file>, sha256:<fingerprint>. */
    String defaultTls();

    /** Minutes between reconcile runs; 0 or less: off. */
    int reconcileIntervalMinutes();

    /** Whether the reconcile task deletes the orphans it finds (otherwise it only reports them). */
    boolean removeOrphans();
}
