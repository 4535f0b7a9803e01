// Licensed under the Apache License, Version 2.0. See LICENSE in the project root.
package io.elastisnap.engine.pool;

import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertFalse;
import static org.junit.Assert.assertTrue;
import static org.junit.Assert.fail;

import io.elastisnap.engine.ArraySnapshot;
import io.elastisnap.engine.EventLog;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.Before;
import org.junit.Rule;
import org.junit.Test;
import org.junit.rules.TemporaryFolder;

public class PoolSnapshotLedgerTest {
    @Rule
    public TemporaryFolder tmp = new TemporaryFolder();

    private final EventLog log = new EventLog();
    private final FakePoolArray array = new FakePoolArray(log);
    private PoolSnapshotLedger ledger;
    private Path dir;

    @Before
    public void setUp() throws Exception {
        dir = tmp.newFolder("ledger").toPath();
        ledger = new PoolSnapshotLedger(dir);
    }

    private static PoolSnapshotRef ref(String domain) {
        return new PoolSnapshotRef(PoolSnapshotRef.idOf("g1", domain, "vda"), domain, "vda", "pool-1", domain + ".qcow2");
    }

    private void committedWithTwoRefs() {
        ledger.begin("g1", "esnap-g1", List.of("pool-1"), List.of(ref("db"), ref("app")));
        ledger.commit(array.create("pool-1", "esnap-g1"));
    }

    @Test
    public void deletesThePoolSnapshotOnlyWithItsLastReference() {
        committedWithTwoRefs();

        PoolSnapshotLedger.Released first = ledger.release("g1/db/vda", array);
        assertFalse(first.deletedOnArray());
        assertEquals(1, array.existing().size());
        assertEquals(1, first.entry().refs().size());

        PoolSnapshotLedger.Released last = ledger.release("g1/app/vda", array);
        assertTrue(last.deletedOnArray());
        assertTrue(array.existing().isEmpty());
        assertTrue(ledger.entries().isEmpty());
    }

    @Test
    public void aHandedOverPoolSnapshotLeavesTheLedgerButStaysOnTheArray() {
        committedWithTwoRefs();
        ArraySnapshot taken = ledger.entries().get(0).snapshot().orElseThrow();

        ledger.handOver(taken);

        assertTrue(ledger.entries().isEmpty());
        assertEquals(1, array.existing().size());
        assertTrue("nothing left for reconcile to delete", ledger.reconcile(array).deleted.isEmpty());
        assertEquals(1, array.existing().size());
        try {
            ledger.handOver(taken);
            fail("a second hand-over has nothing to hand over");
        } catch (IllegalStateException e) {
            assertTrue(e.getMessage(), e.getMessage().contains("pool-1@esnap-g1"));
        }
    }

    @Test
    public void releasingAnUnknownReferenceNamesIt() {
        committedWithTwoRefs();
        try {
            ledger.release("g9/x/vda", array);
            fail("expected a refusal");
        } catch (IllegalArgumentException e) {
            assertTrue(e.getMessage(), e.getMessage().contains("g9/x/vda"));
        }
        assertEquals(1, array.existing().size());
    }

    @Test
    public void aFailedArrayDeleteLeavesTheEntryDeletingForReconcile() {
        committedWithTwoRefs();
        ledger.release("g1/db/vda", array);
        array.failDelete(new IllegalStateException("array unreachable"));
        try {
            ledger.release("g1/app/vda", array);
            fail("expected the delete failure");
        } catch (IllegalStateException e) {
            assertEquals("array unreachable", e.getMessage());
        }
        assertEquals(PoolSnapshotLedger.State.DELETING, ledger.entries().get(0).state());
        array.failDelete(null);

        PoolSnapshotLedger.Reconciled r = ledger.reconcile(array);
        // this (live) process wrote DELETING, but nothing refers to the snapshot: finishing the delete is always right
        assertEquals(1, r.deleted.size());
        assertTrue(array.existing().isEmpty());
        assertTrue(ledger.entries().isEmpty());
    }

    @Test
    public void reconcileDeletesWhatDeadProcessesLeftAndNeverAReferencedSnapshot() throws Exception {
        committedWithTwoRefs();
        ledger.begin("g2", "esnap-g2", List.of("pool-1"), List.of(ref("db")));
        array.put("pool-1", "esnap-g2"); // created by a process killed before it could commit
        ownedByADeadProcess("pool-1@esnap-g2");
        ledger.begin("g3", "esnap-g3", List.of("pool-1"), List.of(ref("db"))); // this process is still at it

        PoolSnapshotLedger.Reconciled r = ledger.reconcile(array);

        assertEquals(List.of("pool-1@esnap-g2 (was PENDING)"), r.deleted);
        assertEquals(1, r.inProgress.size());
        assertTrue(array.find("pool-1", "esnap-g1").isPresent());
        assertFalse(array.find("pool-1", "esnap-g2").isPresent());
        assertEquals(2, ledger.entries().size());
    }

    @Test
    public void reconcileOfOnePoolVolumeLeavesTheOthersEntriesAlone() throws Exception {
        ledger.begin("g2", "esnap-g2", List.of("pool-1"), List.of(ref("db")));
        array.put("pool-1", "esnap-g2");
        ownedByADeadProcess("pool-1@esnap-g2");
        ledger.begin("g4", "esnap-g4", List.of("pool-2"), List.of(ref("app")));
        array.put("pool-2", "esnap-g4");
        ownedByADeadProcess("pool-2@esnap-g4");

        assertEquals(List.of("pool-2@esnap-g4 (was PENDING)"), ledger.reconcile(array, "pool-2").deleted);

        assertTrue("another ElastiCenter's entry is not touched", array.find("pool-1", "esnap-g2").isPresent());
        assertFalse(array.find("pool-2", "esnap-g4").isPresent());
        assertEquals(1, ledger.entries().size());
    }

    @Test
    public void aTornOrForeignFileIsNamedWithTheFix() throws Exception {
        Files.write(dir.resolve("x@y.pool-snapshot.json"), "{\"state\":".getBytes(StandardCharsets.UTF_8));
        try {
            ledger.entries();
            fail("expected a refusal");
        } catch (IllegalStateException e) {
            assertTrue(e.getMessage(), e.getMessage().contains("x@y.pool-snapshot.json") && e.getMessage().contains("move it aside"));
        }
    }

    @Test
    public void entryOfFindsTheCommittedPoolSnapshotOfAReference() {
        committedWithTwoRefs();
        ArraySnapshot snapshot = ledger.entryOf("g1/app/vda").orElseThrow().snapshot().orElseThrow();
        assertEquals("pool/pool-1@esnap-g1", snapshot.path());
        assertFalse(ledger.entryOf("g1/none/vda").isPresent());
    }

    /** Rewrites an entry as a process that no longer runs would have left it. */
    private void ownedByADeadProcess(String name) throws Exception {
        Path file = dir.resolve(name + ".pool-snapshot.json");
        Process dead = new ProcessBuilder("true").start();
        dead.waitFor();
        String json = new String(Files.readAllBytes(file), StandardCharsets.UTF_8)
                .replaceFirst("\"ownerPid\": \\d+", "\"ownerPid\": " + dead.pid());
        Files.write(file, json.getBytes(StandardCharsets.UTF_8));
    }
}
