// Licensed under the Apache License, Version 2.0. See LICENSE in the project root.
package org.apache.cloudstack.engine.subsystem.api.storage;

import com.cloud.storage.Snapshot;
import org.apache.cloudstack.framework.async.AsyncCompletionCallback;

public interface SnapshotStrategy {
    enum SnapshotOperation {
        TAKE, BACKUP, DELETE, REVERT, COPY
    }

    SnapshotInfo takeSnapshot(SnapshotInfo snapshot);

    SnapshotInfo backupSnapshot(SnapshotInfo snapshot);

    boolean deleteSnapshot(Long snapshotId, Long zoneId);

    boolean revertSnapshot(SnapshotInfo snapshot);

    StrategyPriority canHandle(Snapshot snapshot, Long zoneId, SnapshotOperation op);

    void postSnapshotCreation(SnapshotInfo snapshot);

    default void copySnapshot(DataObject snapshotSource, DataObject snapshotDest, AsyncCompletionCallback<CreateCmdResult> caller) {
    }
}
