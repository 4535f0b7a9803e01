// Licensed under the Apache License, Version 2.0. See LICENSE in the project root.
package io.elastisnap.engine.pool;

import io.elastisnap.elasticenter.ElastiCenterClient;
import io.elastisnap.elasticenter.ElastiCenterNotFoundException;
import io.elastisnap.engine.ArraySnapshot;
import io.elastisnap.engine.ElastiCenterArraySnapshotter;
import java.util.List;
import java.util.Objects;
import java.util.Optional;

/** {@link PoolArray} on ElastiCenter: snapshots through {@link ElastiCenterArraySnapshotter}, clones with cloneDatasetSnapshot. */
public final class ElastiCenterPoolArray implements PoolArray {
    private final ElastiCenterClient client;
    private final ElastiCenterArraySnapshotter snapshotter;

    public ElastiCenterPoolArray(ElastiCenterClient client) {
        this.client = Objects.requireNonNull(client, "client");
        this.snapshotter = new ElastiCenterArraySnapshotter(client);
    }

    @Override
    public void prepare(List<String> volumeIds) {
        snapshotter.prepare(volumeIds);
    }

    @Override
    public ArraySnapshot create(String volumeId, String snapshotName) {
        return snapshotter.create(volumeId, snapshotName);
    }

    @Override
    public Optional<ArraySnapshot> findAfterFailedCreate(String volumeId, String snapshotName, RuntimeException failure) {
        return snapshotter.findAfterFailedCreate(volumeId, snapshotName, failure);
    }

    @Override
    public void delete(ArraySnapshot snapshot) {
        snapshotter.delete(snapshot);
    }

    @Override
    public Optional<ArraySnapshot> find(String volumeId, String snapshotName) {
        return client.findStorageSnapshot(volumeId, snapshotName)
                .map(s -> new ArraySnapshot(volumeId, snapshotName, s.path(), null));
    }

    @Override
    public String cloneSnapshot(ArraySnapshot snapshot, String cloneName) {
        return client.cloneDatasetSnapshot(snapshot.volumeId(), snapshot.path(), cloneName).id();
    }

    @Override
    public Optional<String> findClone(String cloneName) {
        return client.listFileSystems(null).stream().filter(v -> cloneName.equals(v.name())).map(v -> v.id()).findFirst();
    }

    @Override
    public void deleteClone(String cloneVolumeId) {
        try {
            client.deleteFileSystem(cloneVolumeId, false);
        } catch (ElastiCenterNotFoundException e) {
            // gone already: what the delete wanted
        }
    }
}
