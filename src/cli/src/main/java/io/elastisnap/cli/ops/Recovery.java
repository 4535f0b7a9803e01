// Licensed under the Apache License, Version 2.0. See LICENSE in the project root.
package io.elastisnap.cli.ops;

import io.elastisnap.cli.CliContext;
import io.elastisnap.cli.store.SnapshotSet;
import io.elastisnap.cli.store.VolumeRecord;
import java.util.List;
import java.util.stream.Collectors;

/**
 * Finishes what a killed run left behind. Caller must hold the domain's lock: then no other run works on the domain,
 * so every PENDING or DELETING set of it is abandoned. A PENDING create is rolled back (all-or-nothing, like the
 * engine does), a DELETING delete is completed.
 */
final class Recovery {
    private final CliContext ctx;
    private final ArrayView array;

    Recovery(CliContext ctx) {
        this(ctx, new ArrayView(ctx));
    }

    Recovery(CliContext ctx, ArrayView array) {
        this.ctx = ctx;
        this.array = array;
    }

    /** @return the sets that were resolved */
    List<SnapshotSet> resolveInterrupted(String domain) {
        List<SnapshotSet> interrupted = ctx.store().read().stream()
                .filter(s -> s.domain().equals(domain) && s.state() != SnapshotSet.State.COMPLETE)
                .collect(Collectors.toList());
        for (SnapshotSet set : interrupted) {
            for (VolumeRecord v : set.volumes()) {
                array.delete(v.volumeId(), v.snapshotName());
            }
            ctx.store().update(sets -> sets.removeIf(s -> s.id().equals(set.id())));
            ctx.output().warn("finished an interrupted " + (set.state() == SnapshotSet.State.PENDING ? "create" : "delete")
                    + " of " + domain + " (set " + set.id() + ", " + set.created() + "): its array snapshots are deleted");
        }
        return interrupted;
    }
}
