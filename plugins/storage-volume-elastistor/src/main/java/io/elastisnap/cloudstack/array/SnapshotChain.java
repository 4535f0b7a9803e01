// Licensed under the Apache License, Version 2.0. See LICENSE in the project root.
package io.elastisnap.cloudstack.array;

import java.util.ArrayList;
import java.util.List;

import com.cloud.utils.exception.CloudRuntimeException;

/** ElastiStor is ZFS underneath: a rollback destroys every snapshot newer than its target. */
public final class SnapshotChain {
    private SnapshotChain() {
    }

    /**
     * The one "newer snapshots would be destroyed" guard: refuses a rollback to {@code snapshot} that would destroy newer
     * array snapshots, naming them, or whose target is gone. We never destroy snapshots silently.
     *
     * @param target what is being reverted to, for the message (e.g. "snapshot daily-1", "VM snapshot v1 (volume 11)")
     */
    public static void refuseToDestroyNewer(ElastiStorArray array, ArraySnapshotLocation snapshot, String target) {
        List<ArraySnapshotRef> all = array.listSnapshots(snapshot.esVolumeId());
        for (int i = 0; i < all.size(); i++) {
            if (snapshot.path().equals(all.get(i).path())) {
                List<String> newer = new ArrayList<>();
                for (ArraySnapshotRef ref : all.subList(i + 1, all.size())) {
                    newer.add(ref.name());
                }
                if (!newer.isEmpty()) {
                    throw new CloudRuntimeException("reverting to " + target + " would destroy the newer ElastiStor snapshots " + newer
                            + "; delete those snapshots (or the VM snapshots that own them) first");
                }
                return;
            }
        }
        throw new CloudRuntimeException("the ElastiStor snapshot " + snapshot.path() + " of " + target + " no longer exists on the array");
    }
}
