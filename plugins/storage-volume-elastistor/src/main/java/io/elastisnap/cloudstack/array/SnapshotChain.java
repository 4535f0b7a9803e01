// Licensed under the Apache License, Version 2.0. See LICENSE in the project root.
package io.elastisnap.cloudstack.array;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/** ElastiStor is ZFS underneath: a rollback destroys every snapshot newer than its target. */
public final class SnapshotChain {
    private SnapshotChain() {
    }

    /**
     * The names of the snapshots a rollback of {@code volumeId} to {@code snapshotPath} would destroy (empty when the
     * target is the newest); empty Optional when the target no longer exists.
     */
    public static Optional<List<String>> destroyedByRollback(ElastiStorArray array, String volumeId, String snapshotPath) {
        List<ArraySnapshotRef> all = array.listSnapshots(volumeId);
        for (int i = 0; i < all.size(); i++) {
            if (snapshotPath.equals(all.get(i).path())) {
                List<String> newer = new ArrayList<>();
                for (ArraySnapshotRef ref : all.subList(i + 1, all.size())) {
                    newer.add(ref.name());
                }
                return Optional.of(newer);
            }
        }
        return Optional.empty();
    }
}
