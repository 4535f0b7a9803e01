// Licensed under the Apache License, Version 2.0. See LICENSE in the project root.
package io.elastisnap.cloudstack.array;

import java.util.List;

/**
 * The array operations the management server needs for one pool's ElastiCenter. Implemented over
 * io.elastisnap.elasticenter.ElastiCenterClient; tests use fakes. Errors are unchecked ElastiCenter exceptions.
 */
public interface ElastiStorArray {
    /** Creates a snapshot of the volume and returns its path as listStorageSnapshots reports it. */
    String createSnapshot(String volumeId, String snapshotName);

    /** Oldest first. */
    List<ArraySnapshotRef> listSnapshots(String volumeId);

    /** Returns false when the snapshot (or the volume) no longer exists; throws when a clone blocks the delete. */
    boolean deleteSnapshot(String volumeId, String snapshotPath);

    /** Rolls the volume back; returns the names of snapshots the array destroyed on the way (empty when none). */
    List<String> rollback(String volumeId, String snapshotPath);
}
