// Licensed under the Apache License, Version 2.0. See LICENSE in the project root.
package io.elastisnap.cloudstack.agent;

import java.util.Collections;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentMap;

import io.elastisnap.elasticenter.ElastiCenterClient;
import io.elastisnap.engine.ArraySnapshot;
import io.elastisnap.engine.ArraySnapshotter;
import io.elastisnap.engine.ElastiCenterArraySnapshotter;

/**
 * The agent's one engine serves pools on several ElastiCenters: each command routes its volumes (ElastiStor volume
 * ids are UUIDs, unique across appliances) to the snapshotter of its own ElastiCenter client before the engine runs.
 * One snapshotter per client, so the dataset paths it caches for the frozen window survive between commands.
 */
final class RoutingArraySnapshotter implements ArraySnapshotter {
    private final ConcurrentMap<ElastiCenterClient, ArraySnapshotter> byClient = new ConcurrentHashMap<>();
    private final ConcurrentMap<String, ArraySnapshotter> byVolume = new ConcurrentHashMap<>();

    void route(String volumeId, ElastiCenterClient client) {
        byVolume.put(volumeId, byClient.computeIfAbsent(client, ElastiCenterArraySnapshotter::new));
    }

    /** Routes a stand-in volume to a snapshotter of its own (a freeze lease's hold) until {@link #forget}. */
    void hold(String volumeId, ArraySnapshotter snapshotter) {
        byVolume.put(volumeId, snapshotter);
    }

    void forget(String volumeId) {
        byVolume.remove(volumeId);
    }

    private ArraySnapshotter of(String volumeId) {
        ArraySnapshotter snapshotter = byVolume.get(volumeId);
        if (snapshotter == null) {
            throw new IllegalStateException("No ElastiCenter is known for volume " + volumeId);
        }
        return snapshotter;
    }

    @Override
    public void prepare(List<String> volumeIds) {
        for (String volumeId : volumeIds) {
            of(volumeId).prepare(Collections.singletonList(volumeId));
        }
    }

    @Override
    public ArraySnapshot create(String volumeId, String snapshotName) {
        return of(volumeId).create(volumeId, snapshotName);
    }

    @Override
    public Optional<ArraySnapshot> findAfterFailedCreate(String volumeId, String snapshotName, RuntimeException failure) {
        return of(volumeId).findAfterFailedCreate(volumeId, snapshotName, failure);
    }

    @Override
    public void delete(ArraySnapshot snapshot) {
        of(snapshot.volumeId()).delete(snapshot);
    }
}
