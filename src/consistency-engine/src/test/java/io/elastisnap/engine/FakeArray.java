// Licensed under the Apache License, Version 2.0. See LICENSE in the project root.
package io.elastisnap.engine;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

/** An array that keeps snapshots in memory, with per-volume failures and blocking calls. */
public final class FakeArray implements ArraySnapshotter {
    private final EventLog log;
    private final Map<String, ArraySnapshot> snapshots = new ConcurrentHashMap<>();
    private final Map<String, RuntimeException> createFailures = new ConcurrentHashMap<>();
    private final Map<String, RuntimeException> deleteFailures = new ConcurrentHashMap<>();
    private final Map<String, CountDownLatch> createGates = new ConcurrentHashMap<>();
    private final Map<String, CountDownLatch> createStarted = new ConcurrentHashMap<>();
    private final Map<String, CountDownLatch> created = new ConcurrentHashMap<>();
    private final Map<String, RuntimeException> lostAnswers = new ConcurrentHashMap<>();
    private volatile RuntimeException prepareFailure;
    private volatile CountDownLatch allInFlight;

    public FakeArray(EventLog log) {
        this.log = log;
    }

    public FakeArray failCreate(String volumeId, RuntimeException e) {
        createFailures.put(volumeId, e);
        return this;
    }

    /** The create of this volume makes the snapshot and then fails as if the answer was lost. */
    public FakeArray loseCreateAnswer(String volumeId, RuntimeException e) {
        lostAnswers.put(volumeId, e);
        return this;
    }

    public FakeArray failPrepare(RuntimeException e) {
        prepareFailure = e;
        return this;
    }

    public FakeArray failDelete(String volumeId, RuntimeException e) {
        deleteFailures.put(volumeId, e);
        return this;
    }

    /** The create call of this volume blocks until the gate opens, ignoring interrupts (like a stuck HTTP call). */
    public FakeArray blockCreate(String volumeId, CountDownLatch gate) {
        createGates.put(volumeId, gate);
        createStarted.put(volumeId, new CountDownLatch(1));
        return this;
    }

    public boolean awaitCreateStarted(String volumeId, long seconds) throws InterruptedException {
        return createStarted.get(volumeId).await(seconds, TimeUnit.SECONDS);
    }

    /** Waits until a snapshot of this volume exists. */
    public boolean awaitCreated(String volumeId, long seconds) throws InterruptedException {
        return createdLatch(volumeId).await(seconds, TimeUnit.SECONDS);
    }

    private CountDownLatch createdLatch(String volumeId) {
        return created.computeIfAbsent(volumeId, v -> new CountDownLatch(1));
    }

    /** No create call completes until {@code count} create calls are in flight at the same time. */
    public FakeArray requireInFlightTogether(int count) {
        allInFlight = new CountDownLatch(count);
        return this;
    }

    public List<ArraySnapshot> existing() {
        return new ArrayList<>(snapshots.values());
    }

    @Override
    public void prepare(List<String> volumeIds) {
        log.add("prepare:" + String.join(",", volumeIds));
        if (prepareFailure != null) {
            throw prepareFailure;
        }
    }

    @Override
    public Optional<ArraySnapshot> findAfterFailedCreate(String volumeId, String snapshotName, RuntimeException failure) {
        log.add("find-after-failure:" + volumeId);
        if (failure != lostAnswers.get(volumeId)) {
            return Optional.empty();
        }
        return Optional.ofNullable(snapshots.get(path(volumeId, snapshotName)));
    }

    private static String path(String volumeId, String snapshotName) {
        return "pool/" + volumeId + "@" + snapshotName;
    }

    @Override
    public ArraySnapshot create(String volumeId, String snapshotName) {
        log.add("create:" + volumeId);
        CountDownLatch started = createStarted.get(volumeId);
        if (started != null) {
            started.countDown();
        }
        CountDownLatch together = allInFlight;
        if (together != null) {
            together.countDown();
            try {
                if (!together.await(20, TimeUnit.SECONDS)) {
                    throw new IllegalStateException("the snapshot calls were not all in flight at once");
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException("interrupted");
            }
        }
        CountDownLatch gate = createGates.get(volumeId);
        if (gate != null) {
            FakeGuest.awaitIgnoringInterrupts(gate);
        }
        RuntimeException failure = createFailures.get(volumeId);
        if (failure != null) {
            log.add("create-failed:" + volumeId);
            throw failure;
        }
        ArraySnapshot snapshot = new ArraySnapshot(volumeId, snapshotName, path(volumeId, snapshotName), "id-" + volumeId);
        snapshots.put(snapshot.path(), snapshot);
        RuntimeException lostAnswer = lostAnswers.get(volumeId);
        if (lostAnswer != null) {
            log.add("answer-lost:" + volumeId);
            throw lostAnswer;
        }
        log.add("created:" + volumeId);
        createdLatch(volumeId).countDown();
        return snapshot;
    }

    @Override
    public void delete(ArraySnapshot snapshot) {
        log.add("delete:" + snapshot.volumeId());
        RuntimeException failure = deleteFailures.get(snapshot.volumeId());
        if (failure != null) {
            throw failure;
        }
        snapshots.remove(snapshot.path());
    }
}
