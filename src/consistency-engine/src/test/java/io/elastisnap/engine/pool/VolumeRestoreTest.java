// Licensed under the Apache License, Version 2.0. See LICENSE in the project root.
package io.elastisnap.engine.pool;

import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertTrue;
import static org.junit.Assert.fail;

import io.elastisnap.engine.EventLog;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.Before;
import org.junit.Rule;
import org.junit.Test;
import org.junit.rules.TemporaryFolder;

/** The refusals and the undo of a restore; the restore itself runs on real loop devices in test/e2e. */
public class VolumeRestoreTest {
    @Rule
    public TemporaryFolder tmp = new TemporaryFolder();

    private final EventLog log = new EventLog();
    private final FakePoolArray array = new FakePoolArray(log);
    private PoolSnapshotLedger ledger;
    private Path pool;

    @Before
    public void setUp() throws Exception {
        ledger = new PoolSnapshotLedger(tmp.newFolder("ledger").toPath());
        pool = tmp.newFolder("pool").toPath();
        ledger.begin("g1", "esnap-g1", List.of("pool-1"),
                List.of(new PoolSnapshotRef("g1/db/vda", "db", "vda", "pool-1", "db.qcow2")));
        ledger.commit(array.create("pool-1", "esnap-g1"));
    }

    private VolumeRestore restore(CloneHost host) {
        return new VolumeRestore(array, host, ledger, tmp.getRoot().toPath().resolve("work"));
    }

    @Test
    public void aFailedAttachDeletesTheCloneAndLeavesTheTargetAlone() throws Exception {
        Path target = Files.write(pool.resolve("db.qcow2"), new byte[] {1, 2, 3});
        CloneHost failing = new CloneHost() {
            @Override
            public Path attach(String cloneVolumeId) throws IOException {
                throw new IOException("losetup: no free loop device");
            }

            @Override
            public void detach(Path device, String cloneVolumeId) {
                fail("nothing was attached");
            }
        };
        try {
            restore(failing).restore("g1/db/vda", target, true);
            fail("expected the attach failure");
        } catch (IOException e) {
            assertTrue(e.getMessage(), e.getMessage().contains("no free loop device"));
        }
        assertEquals(1, log.count("clone:"));
        assertEquals(1, log.count("delete-clone:"));
        assertTrue(array.clones().isEmpty());
        assertEquals(3, Files.size(target));
        try (var files = Files.list(pool)) {
            assertEquals("no partial file left", 1, files.count());
        }
        assertTrue("nothing left to recover", restore(failing).recoverInterrupted().isEmpty());
    }

    @Test
    public void aRestoreKilledMidwayIsFinishedByTheNextStart() throws Exception {
        array.cloneSnapshot(array.existing().get(0), "esnap-restore-dead0001");
        Path partial = Files.write(pool.resolve("db.qcow2.esnap-restore-dead0001"), new byte[] {9});
        Process dead = new ProcessBuilder("true").start();
        dead.waitFor();
        Path records = Files.createDirectories(tmp.getRoot().toPath().resolve("ledger/restores"));
        Files.writeString(records.resolve("dead0001.restore.json"), "{\"tag\":\"dead0001\",\"cloneName\":\"esnap-restore-dead0001\","
                + "\"mount\":\"" + tmp.getRoot().toPath().resolve("work/clone-dead0001") + "\",\"partial\":\"" + partial
                + "\",\"ownerPid\":" + dead.pid() + "}");

        List<String> done = restore(new LoopImageCloneHost(pool)).recoverInterrupted();

        assertEquals(done.toString(), 1, done.size());
        assertTrue("the clone, found by name, is deleted", array.clones().isEmpty());
        assertTrue(Files.notExists(partial));
        try (var files = Files.list(records)) {
            assertEquals(0, files.count());
        }
    }

    @Test
    public void aVolumeFromSnapshotNeverReplacesAFile() throws Exception {
        Path existing = Files.write(pool.resolve("copy.qcow2"), new byte[] {1});
        try {
            restore(new LoopImageCloneHost(pool)).restore("g1/db/vda", existing, false);
            fail("expected a refusal");
        } catch (IllegalArgumentException e) {
            assertTrue(e.getMessage(), e.getMessage().contains("choose another path"));
        }
        assertEquals(0, log.count("clone:"));
    }

    @Test
    public void anUnknownReferenceIsNamed() {
        try {
            restore(new LoopImageCloneHost(pool)).restore("g1/web/vda", pool.resolve("web.qcow2"), true);
            fail("expected a refusal");
        } catch (IllegalArgumentException | IOException e) {
            assertTrue(e.getMessage(), e.getMessage().contains("g1/web/vda"));
        }
        assertEquals(0, log.count("clone:"));
    }
}
