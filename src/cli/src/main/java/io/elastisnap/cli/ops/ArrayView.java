// Licensed under the Apache License, Version 2.0. See LICENSE in the project root.
package io.elastisnap.cli.ops;

import io.elastisnap.cli.CliContext;
import io.elastisnap.elasticenter.DatasetSnapshot;
import io.elastisnap.elasticenter.ElastiCenterException;
import io.elastisnap.elasticenter.ElastiCenterNotFoundException;
import java.util.Collections;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/** The array's snapshots per volume, fetched once per volume and run (listStorageSnapshots, oldest first). */
final class ArrayView {
    private final CliContext ctx;
    private final Map<String, List<DatasetSnapshot>> byVolume = new HashMap<>();
    private final Set<String> missingVolumes = new HashSet<>();

    ArrayView(CliContext ctx) {
        this.ctx = ctx;
    }

    List<DatasetSnapshot> snapshots(String volumeId) {
        return byVolume.computeIfAbsent(volumeId, id -> {
            try {
                return ctx.client().listStorageSnapshots(id);
            } catch (ElastiCenterNotFoundException e) {
                missingVolumes.add(id);
                return Collections.emptyList();
            } catch (ElastiCenterException e) {
                throw Errors.elastiCenter(e, ctx.endpoint(), "listing the snapshots of volume " + id);
            }
        });
    }

    Optional<DatasetSnapshot> find(String volumeId, String snapshotName) {
        return snapshots(volumeId).stream().filter(s -> s.name().equals(snapshotName)).findFirst();
    }

    /** Volumes the array does not know (deleted, or a wrong id in the records/config). */
    Set<String> missingVolumes() {
        return Collections.unmodifiableSet(missingVolumes);
    }

    /** Forgets a volume's listing after a change (rollback, delete), so the next look is fresh. */
    void invalidate(String volumeId) {
        byVolume.remove(volumeId);
    }

    /**
     * Deletes one array snapshot, addressed by the path the array lists for its (unique) name; one that is already
     * gone counts as deleted.
     */
    void delete(String volumeId, String snapshotName) {
        Optional<DatasetSnapshot> found = find(volumeId, snapshotName);
        if (found.isEmpty()) {
            return;
        }
        String path = found.get().path();
        try {
            ctx.client().deleteSnapshot(volumeId, path);
        } catch (ElastiCenterNotFoundException e) {
            // already gone: the goal of the delete is reached
        } catch (ElastiCenterException e) {
            throw Errors.elastiCenter(e, ctx.endpoint(), "deleting snapshot " + path);
        } finally {
            invalidate(volumeId);
        }
    }
}
