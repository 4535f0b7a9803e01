// Licensed under the Apache License, Version 2.0. See LICENSE in the project root.
package io.elastisnap.engine.pool;

import io.elastisnap.engine.ArraySnapshot;
import io.elastisnap.engine.ArraySnapshotter;
import java.util.Optional;

/**
 * What pool-level snapshots need of the array beyond taking and deleting snapshots: finding one by its (unique) name,
 * after a crash left only the name in the ledger, and cloning one into a temporary volume for a restore.
 */
public interface PoolArray extends ArraySnapshotter {

    /** The snapshot of that name on the volume, if it exists. */
    Optional<ArraySnapshot> find(String volumeId, String snapshotName);

    /** A new volume {@code cloneName} holding the snapshot's data; returns the clone's volume id. */
    String cloneSnapshot(ArraySnapshot snapshot, String cloneName);

    /** The id of the clone volume of that name, if it exists (a restore killed before it learnt the id). */
    Optional<String> findClone(String cloneName);

    /** Deletes a clone volume made by {@link #cloneSnapshot}; a clone that no longer exists counts as deleted. */
    void deleteClone(String cloneVolumeId);
}
