// Licensed under the Apache License, Version 2.0. See LICENSE in the project root.
package io.elastisnap.engine.pool;

import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertFalse;
import static org.junit.Assert.assertTrue;
import static org.junit.Assert.fail;

import io.elastisnap.engine.ConsistencyEngineListener;
import io.elastisnap.engine.ConsistencyLevel;
import io.elastisnap.engine.ConsistencyPolicy;
import io.elastisnap.engine.ConsistentSnapshotResult;
import io.elastisnap.engine.EngineFixture;
import io.elastisnap.engine.EngineRuntime;
import io.elastisnap.engine.EventLog;
import io.elastisnap.engine.FakeThawGuard;
import io.elastisnap.engine.FreezeLimits;
import io.elastisnap.engine.GuestAgentException;
import io.elastisnap.engine.journal.FreezeJournal;
import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import org.junit.After;
import org.junit.Before;
import org.junit.Rule;
import org.junit.Test;
import org.junit.rules.TemporaryFolder;

public class GroupSnapshotterTest {
    @Rule
    public TemporaryFolder tmp = new TemporaryFolder();

    private final Guests guests = new Guests();
    private final FakePoolArray array = new FakePoolArray(guests.log);
    private final List<Path> flushed = new CopyOnWriteArrayList<>();
    private PoolFlusher flusher = (mount, timeout) -> {
        guests.log.add("syncfs:" + mount.getFileName());
        flushed.add(mount);
    };
    private EngineRuntime runtime;
    private PoolSnapshotLedger ledger;
    private FreezeJournal journal;
    private final PoolVolume pool1 = new PoolVolume("pool-1", Path.of("/mnt/pool1"));
    private final PoolVolume pool2 = new PoolVolume("pool-2", Path.of("/mnt/pool2"));

    @Before
    public void setUp() throws IOException {
        runtime = EngineRuntime.create(64);
        journal = new FreezeJournal(tmp.newFolder("journal").toPath());
        ledger = new PoolSnapshotLedger(tmp.newFolder("ledger").toPath());
    }

    @After
    public void tearDown() {
        runtime.close();
    }

    private GroupSnapshotter snapshotter() {
        return new GroupSnapshotter(guests, array, journal, runtime, ConsistencyEngineListener.NONE,
                new FakeThawGuard(new EventLog()), (mount, timeout) -> flusher.flush(mount, timeout), ledger);
    }

    private static GroupMember member(String domain, ConsistencyPolicy policy, GroupMember.Disk... disks) {
        return new GroupMember(domain, policy, List.of(), EngineFixture.fastLimits().build(), List.of(disks));
    }

    private GroupMember.Disk disk(String label, PoolVolume pool, String file) {
        return new GroupMember.Disk(label, pool, pool.mountPoint().resolve(file));
    }

    private GroupSnapshotRequest twoOnOnePool() {
        return new GroupSnapshotRequest("g1", "esnap-g1", List.of(
                member("db", ConsistencyPolicy.REQUIRED, disk("vda", pool1, "db-root.qcow2"), disk("vdb", pool1, "db-data.qcow2")),
                member("app", ConsistencyPolicy.REQUIRED, disk("vda", pool1, "app.qcow2"))));
    }

    @Test
    public void freezesEveryMemberBeforeTheOnePoolSnapshotAndThawsThemAfter() throws Exception {
        GroupSnapshotResult result = snapshotter().snapshot(twoOnOnePool());

        List<String> events = guests.log.events();
        int create = events.indexOf("create:pool-1");
        assertTrue(events.toString(), create > events.indexOf("frozen:db") && create > events.indexOf("frozen:app"));
        assertTrue(events.toString(), events.indexOf("syncfs:pool1") < create);
        assertTrue(events.toString(), events.indexOf("thaw:db") > create && events.indexOf("thaw:app") > create);
        assertEquals("one array snapshot for the whole pool", 1, guests.log.count("create:"));
        assertEquals(1, array.existing().size());
        assertFalse(guests.anyFrozen());
        assertEquals(2, result.members().size());
        result.members().forEach(m -> assertEquals(ConsistencyLevel.FS_FROZEN, m.level()));
        assertTrue(result.groupFrozenWindow().compareTo(maxMemberWindow(result)) >= 0);

        PoolSnapshotLedger.Entry entry = ledger.entries().get(0);
        assertEquals(PoolSnapshotLedger.State.COMMITTED, entry.state());
        assertEquals(List.of("g1/db/vda", "g1/db/vdb", "g1/app/vda"), ids(entry));
        assertEquals("db-data.qcow2", entry.refs().get(1).file());
        assertEquals("pool/pool-1@esnap-g1", entry.snapshot().get().path());
    }

    @Test
    public void oneSnapshotPerPoolWhenTheGroupSpansPools() throws Exception {
        GroupSnapshotResult result = snapshotter().snapshot(new GroupSnapshotRequest("g2", "esnap-g2", List.of(
                member("db", ConsistencyPolicy.REQUIRED, disk("vda", pool1, "db.qcow2"), disk("vdb", pool2, "db-log.qcow2")),
                member("app", ConsistencyPolicy.REQUIRED, disk("vda", pool2, "app.qcow2")))));

        assertEquals(2, result.poolSnapshots().size());
        assertEquals(1, guests.log.count("create:pool-1"));
        assertEquals(1, guests.log.count("create:pool-2"));
        assertEquals(2, flushed.size());
        assertEquals(2, ledger.entries().size());
    }

    @Test
    public void aMemberThatCannotFreezeBreaksTheGroupAndNothingIsCreated() {
        guests.guest("app").failFreeze(new GuestAgentException(GuestAgentException.Kind.COMMAND_FAILED, "failed to freeze /data"));
        try {
            snapshotter().snapshot(twoOnOnePool());
            fail("a REQUIRED member that cannot freeze must fail the group");
        } catch (GroupSnapshotException e) {
            assertTrue(e.getMessage(), e.memberFailures().containsKey("app"));
            assertTrue(e.getMessage(), e.getMessage().contains("nothing left on the array"));
        }
        assertEquals(0, guests.log.count("create:"));
        assertFalse(guests.anyFrozen());
        assertTrue(array.existing().isEmpty());
        assertTrue(ledger.entries().isEmpty());
    }

    @Test
    public void aFailedPoolSnapshotThatTookEffectAnywayIsDeleted() {
        array.failCreate(new IllegalStateException("read timed out"), true);
        try {
            snapshotter().snapshot(twoOnOnePool());
            fail("expected the group to fail");
        } catch (GroupSnapshotException e) {
            assertEquals(2, e.memberFailures().size());
            assertTrue(e.outstanding().isEmpty());
        }
        assertFalse(guests.anyFrozen());
        assertTrue(array.existing().isEmpty());
        assertTrue(ledger.entries().isEmpty());
    }

    @Test
    public void aFailedSyncfsTakesNoSnapshot() {
        flusher = (mount, timeout) -> {
            throw new IOException("syncfs of " + mount + " failed: EIO");
        };
        try {
            snapshotter().snapshot(twoOnOnePool());
            fail("expected the group to fail");
        } catch (GroupSnapshotException e) {
            assertTrue(e.getMessage(), e.getMessage().contains("EIO"));
        }
        assertEquals(0, guests.log.count("create:"));
        assertFalse(guests.anyFrozen());
        assertTrue(ledger.entries().isEmpty());
    }

    @Test
    public void aMemberFailingAfterTheSnapshotFailsTheGroupAndThePoolSnapshotGoes() {
        guests.guest("app").failThawAlways(new GuestAgentException(GuestAgentException.Kind.COMMAND_FAILED, "thaw failed"));
        try {
            snapshotter().snapshot(twoOnOnePool());
            fail("expected the group to fail");
        } catch (GroupSnapshotException e) {
            assertEquals(List.of("app"), new ArrayList<>(e.memberFailures().keySet()));
        }
        assertEquals(1, guests.log.count("create:"));
        assertTrue("the pool snapshot is deleted", array.existing().isEmpty());
        assertTrue(ledger.entries().isEmpty());
        assertFalse(guests.guest("db").isFrozen());
    }

    @Test
    public void bestEffortMemberThatCannotFreezeJoinsCrashConsistent() throws Exception {
        guests.guest("app").failFreeze(new GuestAgentException(GuestAgentException.Kind.COMMAND_FAILED, "failed to freeze /data"));
        GroupSnapshotResult result = snapshotter().snapshot(new GroupSnapshotRequest("g3", "esnap-g3", List.of(
                member("db", ConsistencyPolicy.REQUIRED, disk("vda", pool1, "db.qcow2")),
                member("app", ConsistencyPolicy.BEST_EFFORT, disk("vda", pool1, "app.qcow2")))));

        assertEquals(ConsistencyLevel.FS_FROZEN, result.members().get(0).level());
        assertEquals(ConsistencyLevel.QUIESCE_FAILED, result.members().get(1).level());
        assertEquals(1, array.existing().size());
    }

    @Test
    public void aSlowMemberNeverStretchesAnotherMembersFreezeBeyondItsWindow() throws Exception {
        CountDownLatch slowFreeze = new CountDownLatch(1);
        guests.guest("app").blockFreezeUntil(slowFreeze, true);
        FreezeLimits shortWindow = EngineFixture.fastLimits().maxFrozenWindow(Duration.ofMillis(600))
                .freezeTimeout(Duration.ofMillis(300)).build();
        GroupSnapshotRequest request = new GroupSnapshotRequest("g5", "esgroup-g5", List.of(
                new GroupMember("db", ConsistencyPolicy.REQUIRED, List.of(), shortWindow, List.of(disk("vda", pool1, "db.qcow2"))),
                member("app", ConsistencyPolicy.REQUIRED, disk("vda", pool1, "app.qcow2"))));
        Thread release = new Thread(() -> {
            try {
                Thread.sleep(1500);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            slowFreeze.countDown();
        });
        release.start();
        long start = System.nanoTime();
        GroupSnapshotter group = snapshotter();
        try {
            group.snapshot(request);
            fail("the group cannot be frozen together within db's window");
        } catch (GroupSnapshotException e) {
            assertTrue(e.getMessage(), e.memberFailures().containsKey("db"));
        } finally {
            release.join();
        }
        List<String> events = guests.log.events();
        assertTrue(events.toString(), events.indexOf("thaw:db") >= 0 && events.indexOf("thaw:db") < events.indexOf("frozen:app"));
        assertEquals("nothing created", 0, guests.log.count("create:"));
        assertTrue(group.awaitFreezeSessions(Duration.ofSeconds(10)));
        assertFalse(guests.anyFrozen());
        assertTrue(ledger.entries().isEmpty());
        assertTrue("the group ended within db's window + the slow freeze", System.nanoTime() - start < Duration.ofSeconds(10).toNanos());
    }

    @Test
    public void refusesBadRequestsBeforeTouchingAnything() {
        GroupSnapshotRequest outside = new GroupSnapshotRequest("g4", "esnap-g4", List.of(
                member("db", ConsistencyPolicy.REQUIRED, new GroupMember.Disk("vda", pool1, Path.of("/var/lib/other/db.qcow2"))),
                member("db", ConsistencyPolicy.REQUIRED, disk("vdb", pool1, "x.qcow2"))));
        try {
            snapshotter().snapshot(outside);
            fail("expected a refusal");
        } catch (GroupSnapshotException e) {
            assertTrue(e.invalidRequest());
            assertTrue(e.getMessage(), e.getMessage().contains("not a file under the mount point /mnt/pool1"));
            assertTrue(e.getMessage(), e.getMessage().contains("domain db is listed more than once"));
        }
        assertTrue(guests.log.events().isEmpty());
        assertTrue(ledger.entries().isEmpty());
    }

    @Test
    public void aGroupNameAlreadyInTheLedgerIsRefused() throws Exception {
        snapshotter().snapshot(twoOnOnePool());
        try {
            snapshotter().snapshot(twoOnOnePool());
            fail("expected a refusal");
        } catch (GroupSnapshotException e) {
            assertTrue(e.getMessage(), e.getMessage().contains("already has pool snapshot pool-1@esnap-g1"));
        }
        assertEquals(1, guests.log.count("create:"));
    }

    private static Duration maxMemberWindow(GroupSnapshotResult result) {
        return result.members().stream().map(ConsistentSnapshotResult::timings).map(t -> t.frozenWindow())
                .max(Duration::compareTo).orElseThrow();
    }

    private static List<String> ids(PoolSnapshotLedger.Entry entry) {
        List<String> ids = new ArrayList<>();
        entry.refs().forEach(r -> ids.add(r.id()));
        return ids;
    }
}
