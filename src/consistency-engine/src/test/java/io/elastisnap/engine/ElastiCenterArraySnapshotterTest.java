// Licensed under the Apache License, Version 2.0. See LICENSE in the project root.
package io.elastisnap.engine;

import static io.elastisnap.engine.ConsistencyEngineTest.expectFailure;
import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertFalse;
import static org.junit.Assert.assertTrue;
import static org.junit.Assert.fail;

import io.elastisnap.elasticenter.ElastiCenterClient;
import io.elastisnap.elasticenter.ElastiCenterConfig;
import io.elastisnap.elasticenter.ElastiCenterConflictException;
import io.elastisnap.elasticenter.ElastiCenterException;
import io.elastisnap.elasticenter.Secret;
import io.elastisnap.elasticenter.TlsTrust;
import io.elastisnap.engine.ConsistentSnapshotException.Reason;
import io.elastisnap.engine.VolumeOutcome.State;
import io.elastisnap.simulator.ElastiCenterSimulator;
import io.elastisnap.simulator.Fault;
import io.elastisnap.simulator.SimVolume;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.List;
import java.util.stream.Collectors;
import java.util.concurrent.TimeUnit;
import org.junit.After;
import org.junit.Before;
import org.junit.Rule;
import org.junit.Test;

/** The ElastiCenter adapter against the simulator over real HTTPS on loopback. */
public class ElastiCenterArraySnapshotterTest {
    private static final long MIB = 1024 * 1024;

    @Rule
    public final EngineFixture f = new EngineFixture();

    private ElastiCenterSimulator simulator;
    private ElastiCenterClient client;
    private ElastiCenterArraySnapshotter snapshotter;
    private final List<SimVolume> volumes = new ArrayList<>();
    private final List<ElastiCenterClient> closeLater = new ArrayList<>();

    @Before
    public void start() {
        simulator = ElastiCenterSimulator.builder().start();
        client = new ElastiCenterClient(ElastiCenterConfig.builder(simulator.baseUrl(), Secret.of(simulator.apiKey()))
                .trust(TlsTrust.pinnedSha256(simulator.certificateSha256()))
                .readTimeout(Duration.ofSeconds(2))
                .maxConnections(16)
                .build());
        snapshotter = new ElastiCenterArraySnapshotter(client);
        for (int i = 0; i < 3; i++) {
            volumes.add(simulator.provisionVolume("vol" + i, 16 * MIB));
        }
    }

    @After
    public void stop() {
        closeLater.forEach(ElastiCenterClient::close);
        client.close();
        simulator.close();
    }

    @Test
    public void createsWithOneCallPerVolumeOncePreparedAndDeletes() {
        SimVolume volume = volumes.get(0);
        snapshotter.prepare(Collections.singletonList(volume.id()));
        simulator.requestLog().clear();

        ArraySnapshot snapshot = snapshotter.create(volume.id(), "snap-a");

        assertEquals(volume.zfsPath() + "@snap-a", snapshot.path());
        assertEquals(Collections.singletonList("createStorageSnapshot"), simulator.requestLog().commands());
        assertEquals(Collections.singletonList(snapshot.path()), simulator.snapshotPaths(volume.id()));

        snapshotter.delete(snapshot);
        assertTrue(simulator.snapshotPaths(volume.id()).isEmpty());
        snapshotter.delete(snapshot);
    }

    @Test
    public void aDeleteWithAStalePathStillDeletesTheSnapshotOfThatName() {
        SimVolume volume = volumes.get(2);
        ArraySnapshot real = snapshotter.create(volume.id(), "snap-d");

        snapshotter.delete(new ArraySnapshot(volume.id(), "snap-d", "wrong/dataset@snap-d", null));

        assertEquals(Collections.emptyList(), simulator.snapshotPaths(volume.id()));
        snapshotter.delete(real);
    }

    @Test
    public void withoutPreparationThePathIsListed() {
        SimVolume volume = volumes.get(1);

        ArraySnapshot snapshot = snapshotter.create(volume.id(), "snap-b");

        assertEquals(volume.zfsPath() + "@snap-b", snapshot.path());
        assertEquals(Arrays.asList("createStorageSnapshot", "listStorageSnapshots"), simulator.requestLog().commands());
    }

    @Test
    public void preparingAnUnknownVolumeFailsWithItsId() {
        try {
            snapshotter.prepare(Arrays.asList(volumes.get(0).id(), "no-such-volume"));
            fail("expected a failure");
        } catch (IllegalArgumentException e) {
            assertTrue(e.getMessage(), e.getMessage().contains("volume no-such-volume does not exist"));
        }
    }

    @Test
    public void aLostAnswerIsFoundAfterwardsButANameConflictIsNot() {
        SimVolume volume = volumes.get(0);
        simulator.faults().inject("createStorageSnapshot", Fault.malformedJson().times(1));

        RuntimeException lost = createExpectingFailure(volume.id(), "snap-c");
        assertTrue(((ElastiCenterException) lost).outcomeUnknown());
        assertEquals(volume.zfsPath() + "@snap-c",
                snapshotter.findAfterFailedCreate(volume.id(), "snap-c", lost).map(ArraySnapshot::path).orElse("none"));

        RuntimeException conflict = createExpectingFailure(volume.id(), "snap-c");
        assertTrue(conflict.toString(), conflict instanceof ElastiCenterConflictException);
        assertFalse("someone else's snapshot is never deleted", snapshotter.findAfterFailedCreate(volume.id(), "snap-c", conflict).isPresent());
    }

    @Test
    public void theEngineSnapshotsEveryVolumeOnTheArray() throws Exception {
        ConsistentSnapshotResult result = engine().snapshot(request("backup-1"));

        assertEquals(ConsistencyLevel.FS_FROZEN, result.level());
        for (int i = 0; i < volumes.size(); i++) {
            assertEquals(volumes.get(i).zfsPath() + "@backup-1", result.snapshots().get(i).path());
            assertEquals(Collections.singletonList(result.snapshots().get(i).path()), simulator.snapshotPaths(volumes.get(i).id()));
        }
        assertFalse(f.guest.isFrozen());
    }

    @Test
    public void aHangingArrayLeavesNoSnapshotAndNoFrozenGuest() throws Exception {
        simulator.faults().inject("createStorageSnapshot", Fault.hang().times(1));
        FreezeLimits limits = EngineFixture.fastLimits().maxFrozenWindow(Duration.ofMillis(500)).freezeTimeout(Duration.ofMillis(200)).build();
        ConsistencyEngine engine = engine();

        ConsistentSnapshotException e = expectFailure(engine, request("backup-2", limits));

        assertEquals(Reason.WINDOW_EXCEEDED, e.reason());
        assertFalse(f.guest.isFrozen());
        e.lateCleanup().get(20, TimeUnit.SECONDS);
        assertTrue(engine.awaitIdle(Duration.ofSeconds(10)));
        for (SimVolume volume : volumes) {
            assertEquals(Collections.emptyList(), simulator.snapshotPaths(volume.id()));
        }
    }

    @Test
    public void aSnapshotWhoseAnswerWasLostIsDeletedByTheEngine() throws Exception {
        simulator.faults().inject("createStorageSnapshot", Fault.malformedJson().times(1));

        ConsistentSnapshotException e = expectFailure(engine(), request("backup-3"));

        assertEquals(Reason.SNAPSHOT_FAILED, e.reason());
        List<VolumeOutcome> settled = e.lateCleanup().get(20, TimeUnit.SECONDS);
        assertTrue(settled.toString(), settled.stream().anyMatch(o -> o.state() == State.FAILED
                && o.error().orElse("").contains("anyway, it was deleted")));
        for (SimVolume volume : volumes) {
            assertEquals(Collections.emptyList(), simulator.snapshotPaths(volume.id()));
        }
    }

    @Test
    public void aCreateThatLandsAfterItsTimeoutIsFoundByNameAndDeletedBeforeTheOutcomesAreFinal() throws Exception {
        simulator.faults().inject("createStorageSnapshot", Fault.latency(Duration.ofMillis(900)).times(1));
        ConsistencyEngine engine = engineWithShortTimeout(Duration.ofMillis(300), Duration.ofSeconds(2));

        ConsistentSnapshotException e = expectFailure(engine, request("backup-late"));

        assertEquals(Reason.SNAPSHOT_FAILED, e.reason());
        assertTrue(e.getMessage(), e.getMessage().contains("its outcome is unknown"));
        assertEquals("undecided until the window has passed, like a call still out", 1, e.volumeOutcomes().stream()
                .filter(o -> o.state() == State.PENDING).count());
        List<VolumeOutcome> settled = e.lateCleanup().get(20, TimeUnit.SECONDS);
        List<VolumeOutcome> landed = settled.stream().filter(VolumeOutcome::isLandedLate).collect(Collectors.toList());
        assertEquals(settled.toString(), 1, landed.size());
        assertEquals(State.DELETED, landed.get(0).state());
        assertTrue(landed.get(0).toString(), landed.get(0).error().orElse("").contains("landed on the array after the failure"));
        for (SimVolume volume : volumes) {
            assertEquals("all-or-nothing without any reconcile", Collections.emptyList(), simulator.snapshotPaths(volume.id()));
        }
    }

    @Test
    public void aCreateOfUnknownOutcomeThatNeverLandsIsReportedNotCreatedAfterTheWindow() throws Exception {
        simulator.faults().inject("createStorageSnapshot", Fault.hang().times(1));
        ConsistencyEngine engine = engineWithShortTimeout(Duration.ofMillis(300), Duration.ofMillis(700));

        ConsistentSnapshotException e = expectFailure(engine, request("backup-never"));

        List<VolumeOutcome> settled = e.lateCleanup().get(20, TimeUnit.SECONDS);
        assertTrue(settled.toString(), settled.stream().anyMatch(o -> o.state() == State.FAILED && !o.isLandedLate()
                && o.error().orElse("").contains("not on the array 700 ms after the failure")));
        for (SimVolume volume : volumes) {
            assertEquals(Collections.emptyList(), simulator.snapshotPaths(volume.id()));
        }
    }

    @Test
    public void aCompensatingDeleteOfUnknownOutcomeIsSettledByName() throws Exception {
        simulator.faults().inject("createStorageSnapshot", Fault.error(530, "no space").times(1));
        simulator.faults().inject("deleteSnapshot", Fault.latency(Duration.ofMillis(700)).times(1));
        ConsistencyEngine engine = engineWithShortTimeout(Duration.ofMillis(300), Duration.ofSeconds(2));

        ConsistentSnapshotException e = expectFailure(engine, request("backup-delete"));

        List<VolumeOutcome> settled = e.lateCleanup().get(20, TimeUnit.SECONDS);
        assertTrue(settled.toString(), settled.stream().noneMatch(o -> o.state() == State.DELETE_FAILED));
        assertEquals(settled.toString(), 2, settled.stream().filter(o -> o.state() == State.DELETED).count());
        for (SimVolume volume : volumes) {
            assertEquals(Collections.emptyList(), simulator.snapshotPaths(volume.id()));
        }
    }

    /** An engine whose client gives up after {@code readTimeout} and watches a call of unknown outcome for {@code window}. */
    private ConsistencyEngine engineWithShortTimeout(Duration readTimeout, Duration window) {
        ElastiCenterClient impatient = new ElastiCenterClient(ElastiCenterConfig.builder(simulator.baseUrl(),
                Secret.of(simulator.apiKey())).trust(TlsTrust.pinnedSha256(simulator.certificateSha256()))
                .readTimeout(readTimeout).readRetries(0).maxConnections(16).build());
        closeLater.add(impatient);
        return new ConsistencyEngine(f.guest, new ElastiCenterArraySnapshotter(impatient, window), f.journal(), f.runtime(),
                ConsistencyEngineListener.NONE);
    }

    @Test
    public void theApiKeyAppearsInNoFailureMessage() {
        simulator.faults().inject("createStorageSnapshot", Fault.error(530, "internal server error"));

        ConsistentSnapshotException e = expectFailure(engine(), request("backup-4"));

        assertEquals(Reason.SNAPSHOT_FAILED, e.reason());
        assertFalse(e.getMessage(), e.getMessage().contains(simulator.apiKey()));
        e.volumeOutcomes().forEach(o -> assertFalse(o.toString().contains(simulator.apiKey())));
    }

    private RuntimeException createExpectingFailure(String volumeId, String name) {
        try {
            snapshotter.create(volumeId, name);
            throw new AssertionError("expected a failure");
        } catch (RuntimeException e) {
            return e;
        }
    }

    private ConsistencyEngine engine() {
        return new ConsistencyEngine(f.guest, snapshotter, f.journal(), f.runtime(), ConsistencyEngineListener.NONE);
    }

    private ConsistentSnapshotRequest request(String snapshotName) {
        return request(snapshotName, EngineFixture.fastLimits().build());
    }

    private ConsistentSnapshotRequest request(String snapshotName, FreezeLimits limits) {
        ConsistentSnapshotRequest.Builder builder = ConsistentSnapshotRequest.builder(f.domain).limits(limits);
        volumes.forEach(v -> builder.volume(v.id(), snapshotName));
        return builder.build();
    }
}
