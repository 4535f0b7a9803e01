// Licensed under the Apache License, Version 2.0. See LICENSE in the project root.
package io.elastisnap.engine.pool;

import io.elastisnap.engine.ArraySnapshot;
import io.elastisnap.engine.EventLog;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;

/** An in-memory array of pool snapshots and clones, logging every call. */
final class FakePoolArray implements PoolArray {
    private final EventLog log;
    private final Map<String, ArraySnapshot> snapshots = new ConcurrentHashMap<>();
    private final Map<String, String> clones = new ConcurrentHashMap<>();
    private volatile RuntimeException createFailure;
    private volatile boolean createTakesEffectAnyway;
    private volatile RuntimeException deleteFailure;

    FakePoolArray(EventLog log) {
        this.log = log;
    }

    FakePoolArray failCreate(RuntimeException e, boolean takesEffect) {
        createFailure = e;
        createTakesEffectAnyway = takesEffect;
        return this;
    }

    FakePoolArray failDelete(RuntimeException e) {
        deleteFailure = e;
        return this;
    }

    List<ArraySnapshot> existing() {
        return new ArrayList<>(snapshots.values());
    }

    Map<String, String> clones() {
        return clones;
    }

    void put(String volumeId, String name) {
        ArraySnapshot s = new ArraySnapshot(volumeId, name, "pool/" + volumeId + "@" + name, null);
        snapshots.put(s.path(), s);
    }

    @Override
    public ArraySnapshot create(String volumeId, String snapshotName) {
        log.add("create:" + volumeId);
        ArraySnapshot s = new ArraySnapshot(volumeId, snapshotName, "pool/" + volumeId + "@" + snapshotName, null);
        if (createFailure != null) {
            if (createTakesEffectAnyway) {
                snapshots.put(s.path(), s);
            }
            throw createFailure;
        }
        snapshots.put(s.path(), s);
        return s;
    }

    @Override
    public Optional<ArraySnapshot> findAfterFailedCreate(String volumeId, String snapshotName, RuntimeException failure) {
        return find(volumeId, snapshotName);
    }

    @Override
    public void delete(ArraySnapshot snapshot) {
        log.add("delete:" + snapshot.volumeId() + "@" + snapshot.snapshotName());
        if (deleteFailure != null) {
            throw deleteFailure;
        }
        snapshots.remove(snapshot.path());
    }

    @Override
    public Optional<ArraySnapshot> find(String volumeId, String snapshotName) {
        return Optional.ofNullable(snapshots.get("pool/" + volumeId + "@" + snapshotName));
    }

    @Override
    public String cloneSnapshot(ArraySnapshot snapshot, String cloneName) {
        log.add("clone:" + snapshot.snapshotName());
        clones.put(cloneName, snapshot.path());
        return cloneName;
    }

    @Override
    public Optional<String> findClone(String cloneName) {
        return clones.containsKey(cloneName) ? Optional.of(cloneName) : Optional.empty();
    }

    @Override
    public void deleteClone(String cloneVolumeId) {
        log.add("delete-clone:" + cloneVolumeId);
        clones.remove(cloneVolumeId);
    }
}
