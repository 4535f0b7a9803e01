// Licensed under the Apache License, Version 2.0. See LICENSE in the project root.
package io.elastisnap.engine;

import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertFalse;
import static org.junit.Assert.assertNotEquals;
import static org.junit.Assert.assertTrue;
import static org.junit.Assert.fail;

import io.elastisnap.engine.ConsistentSnapshotException.Reason;
import io.elastisnap.engine.journal.JournalEntry;
import io.elastisnap.engine.journal.JournalOwner;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import java.util.stream.Collectors;
import org.junit.Rule;
import org.junit.Test;

public class ConsistencyEngineTest {
    @Rule
    public final EngineFixture f = new EngineFixture();

    @Test
    public void snapshotsAllVolumesWhileTheGuestIsFrozen() throws Exception {
        ConsistentSnapshotResult result = f.engine().snapshot(f.request(3).build());

        assertEquals(ConsistencyLevel.FS_FROZEN, result.level());
        assertFalse(result.quiesceFailure().isPresent());
        assertEquals(2, result.frozenFileSystems());
        assertEquals(Arrays.asList("vol-0", "vol-1", "vol-2"), volumeIds(result.snapshots()));
        VolumeSnapshot first = result.snapshots().get(0);
        assertEquals("pool/vol-0@snap-1", first.path());
        assertEquals("snap-1", first.snapshotName());
        assertEquals(Optional.of("id-vol-0"), first.snapshotId());
        assertEquals(Optional.of("vda"), first.diskLabel());
        assertFalse(f.guest.isFrozen());
        assertEquals(3, f.array.existing().size());
        assertTrue(result.warnings().isEmpty());

        int frozen = f.log.indexOf("frozen");
        int firstCreate = f.log.firstIndexOfPrefix("create:");
        int lastCreated = f.log.lastIndexOfPrefix("created:");
        int thawed = f.log.indexOf("thawed");
        assertTrue("snapshots start after the freeze: " + f.log.events(), frozen >= 0 && frozen < firstCreate);
        assertTrue("thaw comes after every snapshot: " + f.log.events(), lastCreated < thawed);
        List<String> guestAndArray = f.log.events().stream().filter(e -> !e.startsWith("guard-")).collect(Collectors.toList());
        assertEquals("status confirmed thawed last: " + f.log.events(), "status:thawed", last(guestAndArray));
    }

    @Test
    public void preflightChecksAndArrayPreparationRunBeforeTheFreezeAndTheStateIsCheckedAgainRightBeforeIt() throws Exception {
        f.engine().snapshot(f.request(1).build());

        List<String> events = f.log.events();
        List<String> untilFreeze = events.subList(0, events.indexOf("freeze"));
        // only the thaw guard's arming and its FREEZE line lie between the last state check and the freeze
        assertEquals(Arrays.asList("state", "ping", "status:thawed", "info", "disks", "prepare:vol-0", "guard-arm", "state",
                "guard-freeze"),
                untilFreeze);
        assertEquals("status:frozen", events.get(events.indexOf("frozen") + 1));
    }

    @Test
    public void reportsTimingsOfEveryPhase() throws Exception {
        Timings timings = f.engine().snapshot(f.request(2).build()).timings();

        assertFalse(timings.frozenWindow().isZero());
        assertFalse(timings.total().isZero());
        assertTrue(timings.frozenWindow().compareTo(timings.freeze()) >= 0);
        assertTrue(timings.frozenWindow().compareTo(timings.snapshots()) >= 0);
        assertTrue(timings.total().compareTo(timings.frozenWindow()) >= 0);
        assertTrue(timings.toString().contains("frozenWindow="));
    }

    @Test
    public void journalEntryIsDurableBeforeTheFreezeAndGoneAfterTheConfirmedThaw() throws Exception {
        AtomicReference<Optional<JournalEntry>> atFreeze = new AtomicReference<>();
        f.guest.onFreeze(domain -> {
            try {
                atFreeze.set(f.journal().read(domain));
            } catch (Exception e) {
                throw new AssertionError(e);
            }
        });
        ConsistencyEngine engine = f.engine();

        engine.snapshot(f.request(1).mountPoints(Collections.singletonList("/data")).build());
        assertTrue(engine.awaitIdle(Duration.ofSeconds(5)));

        JournalEntry entry = atFreeze.get().orElseThrow(() -> new AssertionError("no journal entry at freeze time"));
        assertEquals(f.domain, entry.domainName());
        assertEquals(f.journal().owner(), entry.owner());
        assertEquals(Collections.singletonList("/data"), entry.mountPoints());
        assertEquals(Duration.ofSeconds(10), entry.maxFrozenWindow());
        assertFalse(f.journal().read(f.domain).isPresent());
        assertTrue(f.journal().list().isEmpty());
    }

    @Test
    public void mountPointsArePassedToTheFreezeAndNeedFreezeList() throws Exception {
        List<String> mountPoints = Arrays.asList("/data", "/var/lib/mysql");
        ConsistentSnapshotResult result = f.engine().snapshot(f.request(1).mountPoints(mountPoints).build());

        assertEquals(mountPoints, f.guest.lastMountPoints());
        assertEquals(ConsistencyLevel.FS_FROZEN, result.level());
        assertEquals(2, result.frozenFileSystems());
    }

    @Test
    public void mountPointsWithoutFreezeListInTheAgentAreUnsupported() throws Exception {
        Set<String> withoutList = new HashSet<>(FakeGuest.ALL_COMMANDS);
        withoutList.remove(AgentCapabilities.FREEZE_LIST);
        f.guest.enabledCommands(withoutList);

        ConsistentSnapshotException e = expectFailure(f.engine(), f.request(1).mountPoints(Collections.singletonList("/data")).build());

        assertEquals(Reason.FREEZE_UNSUPPORTED, e.reason());
        assertTrue(e.getMessage(), e.getMessage().contains("guest-fsfreeze-freeze-list"));
        assertEquals(0, f.guest.freezeCalls());
    }

    @Test
    public void disabledThawMeansNoFreezeAtAll() throws Exception {
        Set<String> withoutThaw = new HashSet<>(FakeGuest.ALL_COMMANDS);
        withoutThaw.remove(AgentCapabilities.THAW);
        f.guest.enabledCommands(withoutThaw);

        ConsistentSnapshotException e = expectFailure(f.engine(), f.request(1).build());

        assertEquals(Reason.FREEZE_UNSUPPORTED, e.reason());
        assertTrue(e.getMessage(), e.getMessage().contains("guest-fsfreeze-thaw"));
        assertEquals(0, f.guest.freezeCalls());
    }

    @Test
    public void allVolumeSnapshotsAreInFlightAtOnce() throws Exception {
        f.array.requireInFlightTogether(8);

        ConsistentSnapshotResult result = f.engine().snapshot(f.request(8).build());

        assertEquals(8, result.snapshots().size());
        assertEquals(ConsistencyLevel.FS_FROZEN, result.level());
    }

    @Test
    public void manyFrozenDomainsThroughOneEngineHaveAllTheirSnapshotCallsInFlightTogether() throws Exception {
        int domains = 12;
        int volumesEach = 4;
        EventLog log = new EventLog();
        GuestPerDomain guests = new GuestPerDomain(log);
        FakeArray array = new FakeArray(log).requireInFlightTogether(domains * volumesEach);
        ConsistencyEngine engine = new ConsistencyEngine(guests, array, f.journal(), f.runtime(), ConsistencyEngineListener.NONE);
        ExecutorService callers = Executors.newFixedThreadPool(domains);
        try {
            List<Future<ConsistentSnapshotResult>> results = new ArrayList<>();
            for (int d = 0; d < domains; d++) {
                ConsistentSnapshotRequest.Builder request = ConsistentSnapshotRequest.builder(f.domain + "-d" + d)
                        .limits(EngineFixture.fastLimits().build());
                for (int v = 0; v < volumesEach; v++) {
                    request.volume("d" + d + "-vol-" + v, "snap-1");
                }
                ConsistentSnapshotRequest built = request.build();
                results.add(callers.submit(() -> engine.snapshot(built)));
            }
            for (Future<ConsistentSnapshotResult> result : results) {
                ConsistentSnapshotResult done = result.get(30, TimeUnit.SECONDS);
                assertEquals(ConsistencyLevel.FS_FROZEN, done.level());
                assertEquals(volumesEach, done.snapshots().size());
            }
        } finally {
            callers.shutdownNow();
        }
        assertEquals(domains * volumesEach, array.existing().size());
        assertEquals(domains, guests.count());
        assertFalse(guests.anyFrozen());
    }

    @Test
    public void aSecondSnapshotOfTheSameDomainIsRefusedWhileTheFirstRuns() throws Exception {
        CountDownLatch gate = new CountDownLatch(1);
        f.array.blockCreate("vol-0", gate);
        ConsistencyEngine engine = f.engine();
        ExecutorService caller = Executors.newSingleThreadExecutor();
        try {
            Future<ConsistentSnapshotResult> first = caller.submit(() -> engine.snapshot(f.request(1).build()));
            assertTrue(f.array.awaitCreateStarted("vol-0", 10));

            ConsistentSnapshotException e = expectFailure(engine, f.request(1).build());

            assertEquals(Reason.DOMAIN_BUSY, e.reason());
            assertEquals(1, f.guest.freezeCalls());
            gate.countDown();
            assertEquals(ConsistencyLevel.FS_FROZEN, first.get(10, TimeUnit.SECONDS).level());
        } finally {
            gate.countDown();
            caller.shutdownNow();
        }
        assertEquals(ConsistencyLevel.FS_FROZEN, engine.snapshot(f.request(1).volume("vol-9", "snap-2").build()).level());
    }

    @Test
    public void aDomainFrozenByALiveProcessIsBusyNotThawed() throws Exception {
        f.guest.frozen(true);
        f.journal().record(new JournalEntry(f.domain, "other-session", livingOtherProcess(), "host", Instant.now(),
                Duration.ofSeconds(8), Collections.emptyList()));

        ConsistentSnapshotException e = expectFailure(f.engine(), f.request(1).build());

        assertEquals(Reason.DOMAIN_BUSY, e.reason());
        assertTrue(f.guest.isFrozen());
        assertEquals(0, f.guest.thawCalls());
    }

    @Test
    public void arrayCapacityIsReservedBeforeTheFreeze() throws Exception {
        EngineFixture small = new EngineFixture(4);
        small.before();
        try {
            CountDownLatch gate = new CountDownLatch(1);
            for (int i = 0; i < 3; i++) {
                small.array.blockCreate("vol-" + i, gate);
            }
            ConsistencyEngine engine = small.engine();
            ExecutorService caller = Executors.newSingleThreadExecutor();
            try {
                Future<ConsistentSnapshotResult> first = caller.submit(() -> engine.snapshot(small.request(3).build()));
                for (int i = 0; i < 3; i++) {
                    assertTrue(small.array.awaitCreateStarted("vol-" + i, 10));
                }
                FakeGuest otherGuest = new FakeGuest(new EventLog());
                ConsistencyEngine other = new ConsistencyEngine(otherGuest, small.array, small.journal(), small.runtime(),
                        ConsistencyEngineListener.NONE);
                FreezeLimits quick = EngineFixture.fastLimits().preflightTimeout(Duration.ofMillis(50)).build();
                ConsistentSnapshotRequest needsTwo = ConsistentSnapshotRequest.builder(small.domain + "-other").limits(quick)
                        .volume("x-0", "s").volume("x-1", "s").build();

                ConsistentSnapshotException e = expectFailure(other, needsTwo);

                assertEquals(Reason.ENGINE_BUSY, e.reason());
                assertEquals("no freeze without array capacity", 0, otherGuest.freezeCalls());
                gate.countDown();
                first.get(10, TimeUnit.SECONDS);
                assertEquals(2, other.snapshot(needsTwo).snapshots().size());
            } finally {
                gate.countDown();
                caller.shutdownNow();
            }
        } finally {
            small.after();
        }
    }

    @Test
    public void moreVolumesThanTheEngineCanSnapshotAtOnceIsAnInvalidRequest() throws Exception {
        EngineFixture small = new EngineFixture(2);
        small.before();
        try {
            ConsistentSnapshotException e = expectFailure(small.engine(), small.request(3).build());
            assertEquals(Reason.INVALID_REQUEST, e.reason());
            assertTrue(e.getMessage(), e.getMessage().contains("3 volumes exceed"));
        } finally {
            small.after();
        }
    }

    @Test
    public void listenerSeesFreezeAndThaw() throws Exception {
        List<String> seen = Collections.synchronizedList(new ArrayList<>());
        CountDownLatch thawed = new CountDownLatch(1);
        ConsistencyEngine engine = f.engine(new ConsistencyEngineListener() {
            @Override
            public void onFrozen(String domainName) {
                seen.add("frozen:" + domainName + ":" + f.guest.isFrozen());
            }

            @Override
            public void onThawed(String domainName, Duration frozenWindow, boolean byWatchdog) {
                seen.add("thawed:" + domainName + ":" + byWatchdog);
                thawed.countDown();
            }
        });

        engine.snapshot(f.request(1).build());

        assertTrue(thawed.await(5, TimeUnit.SECONDS));
        assertEquals(Arrays.asList("frozen:" + f.domain + ":true", "thawed:" + f.domain + ":false"), seen);
    }

    @Test
    public void aThrowingListenerDoesNotBreakTheSnapshot() throws Exception {
        ConsistencyEngine engine = f.engine(new ConsistencyEngineListener() {
            @Override
            public void onFrozen(String domainName) {
                throw new IllegalStateException("metrics backend down");
            }
        });

        assertEquals(ConsistencyLevel.FS_FROZEN, engine.snapshot(f.request(1).build()).level());
        assertFalse(f.guest.isFrozen());
    }

    static ConsistentSnapshotException expectFailure(ConsistencyEngine engine, ConsistentSnapshotRequest request) {
        try {
            ConsistentSnapshotResult result = engine.snapshot(request);
            fail("expected a failure, got " + result);
            return null;
        } catch (ConsistentSnapshotException e) {
            return e;
        }
    }

    static List<String> volumeIds(List<VolumeSnapshot> snapshots) {
        List<String> ids = new ArrayList<>();
        snapshots.forEach(s -> ids.add(s.volumeId()));
        return ids;
    }

    private static String last(List<String> events) {
        return events.get(events.size() - 1);
    }

    /** The parent of this JVM: a process that certainly runs while the test does. */
    static JournalOwner livingOtherProcess() {
        ProcessHandle parent = ProcessHandle.current().parent().orElseThrow(() -> new AssertionError("no parent process"));
        assertNotEquals(ProcessHandle.current().pid(), parent.pid());
        return JournalOwner.of(parent.pid(), parent.info().startInstant().orElse(null));
    }

    /** One fake guest per domain name, created on first use. */
    private static final class GuestPerDomain implements GuestQuiescer {
        private final EventLog log;
        private final Map<String, FakeGuest> guests = new ConcurrentHashMap<>();

        GuestPerDomain(EventLog log) {
            this.log = log;
        }

        private FakeGuest of(String domainName) {
            return guests.computeIfAbsent(domainName, d -> new FakeGuest(log));
        }

        int count() {
            return guests.size();
        }

        boolean anyFrozen() {
            return guests.values().stream().anyMatch(FakeGuest::isFrozen);
        }

        @Override
        public DomainRunState runState(String domainName, Duration timeout) throws GuestAgentException {
            return of(domainName).runState(domainName, timeout);
        }

        @Override
        public void ping(String domainName, Duration timeout) throws GuestAgentException {
            of(domainName).ping(domainName, timeout);
        }

        @Override
        public AgentCapabilities capabilities(String domainName, Duration timeout) {
            return of(domainName).capabilities(domainName, timeout);
        }

        @Override
        public FreezeStatus freezeStatus(String domainName, Duration timeout) throws GuestAgentException {
            return of(domainName).freezeStatus(domainName, timeout);
        }

        @Override
        public int freeze(String domainName, List<String> mountPoints, Duration timeout) throws GuestAgentException {
            return of(domainName).freeze(domainName, mountPoints, timeout);
        }

        @Override
        public int thaw(String domainName, Duration timeout) throws GuestAgentException {
            return of(domainName).thaw(domainName, timeout);
        }
    }
}
