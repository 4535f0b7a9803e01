// Licensed under the Apache License, Version 2.0. See LICENSE in the project root.
package io.elastisnap.cloudstack.array;

import java.util.ArrayList;
import java.util.List;
import java.util.function.Predicate;

import org.apache.logging.log4j.LogManager;
import org.apache.logging.log4j.Logger;

import com.cloud.utils.exception.CloudRuntimeException;

/** ElastiStor is ZFS underneath: a rollback destroys every snapshot newer than its target. */
public final class SnapshotChain {
    private static final Logger LOG = LogManager.getLogger(SnapshotChain.class);

    private SnapshotChain() {
    }

    /**
     * The one "newer snapshots would be destroyed" guard: refuses a rollback to {@code snapshot} that would destroy newer
     * array snapshots, naming them, or whose target is gone. We never destroy snapshots silently: newer orphans (what a
     * crashed management server left, owned by no CloudStack snapshot) do not block, and are named in the log.
     *
     * @param target what is being reverted to, for the message (e.g. "snapshot daily-1", "VM snapshot v1 (volume 11)")
     * @param isOrphan tells an orphan from a snapshot someone owns, by its name
     */
    public static void refuseToDestroyNewer(ElastiStorArray array, ArraySnapshotLocation snapshot, String target,
                                            Predicate<String> isOrphan) {
        List<ArraySnapshotRef> all = array.listSnapshots(snapshot.esVolumeId());
        for (int i = 0; i < all.size(); i++) {
            if (snapshot.path().equals(all.get(i).path())) {
                List<String> newer = new ArrayList<>();
                List<String> orphans = new ArrayList<>();
                for (ArraySnapshotRef ref : all.subList(i + 1, all.size())) {
                    (isOrphan.test(ref.name()) ? orphans : newer).add(ref.name());
                }
                if (!newer.isEmpty()) {
                    throw new CloudRuntimeException("reverting to " + target + " would destroy the newer ElastiStor snapshots " + newer
                            + "; delete those snapshots (or the VM snapshots that own them) first");
                }
                if (!orphans.isEmpty()) {
                    LOG.warn("Reverting to {} destroys the newer orphaned ElastiStor snapshots {} (no CloudStack snapshot owns"
                            + " them)", target, orphans);
                }
                return;
            }
        }
        throw new CloudRuntimeException("the ElastiStor snapshot " + snapshot.path() + " of " + target + " no longer exists on the array");
    }
}
