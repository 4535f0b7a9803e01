// Licensed under the Apache License, Version 2.0. See LICENSE in the project root.
package io.elastisnap.engine.pool;

import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertFalse;
import static org.junit.Assert.assertTrue;
import static org.junit.Assert.fail;
import static org.junit.Assume.assumeTrue;

import io.elastisnap.elasticenter.FileSystem;
import io.elastisnap.simulator.ElastiCenterSimulator;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.List;
import org.junit.After;
import org.junit.Rule;
import org.junit.Test;
import org.junit.rules.TemporaryFolder;

/**
 * {@link NfsCloneHost} in a whole restore. A stand-in: this kernel has no NFS client, so a fake {@code mount} records
 * its arguments and bind-mounts a directory standing for the clone's share; the array is the simulator's NFS share
 * (its clone is an NFS file system with {@code ipaddress} and path {@code /<mountpoint>}).
 */
public class NfsCloneHostTest {
    @Rule
    public TemporaryFolder tmp = new TemporaryFolder();

    private SimulatedClones array;

    @After
    public void tearDown() {
        if (array != null) {
            array.close();
        }
    }

    @Test
    public void aVolumeIsRestoredFromTheClonesShareMountedByNfs() throws Exception {
        assumeTrue("needs root (bind mount)", "root".equals(System.getProperty("user.name")));
        array = new SimulatedClones(ElastiCenterSimulator.builder(), true);
        Path dir = tmp.getRoot().toPath();
        Path share = Files.createDirectories(dir.resolve("share"));
        Path volume = share.resolve("db.qcow2");
        run("qemu-img", "create", "-q", "-f", "qcow2", volume.toString(), "16M");
        run("qemu-io", "-c", "write -P 0x5a 0 1M", volume.toString());
        Path log = dir.resolve("mount.log");
        Path fakeMount = dir.resolve("mount");
        Files.writeString(fakeMount, "#!/bin/bash\necho \"$*\" >> " + log + "\nexec mount --bind " + share + " \"${@: -1}\"\n");
        Files.setPosixFilePermissions(fakeMount, PosixFilePermissions.fromString("rwx------"));
        PoolSnapshotLedger ledger = new PoolSnapshotLedger(dir.resolve("ledger"));
        ElastiCenterPoolArray poolArray = new ElastiCenterPoolArray(array.client);
        ledger.begin("g1", "esnap-g1", List.of(array.pool.id()),
                List.of(new PoolSnapshotRef("g1/db/vda", "db", "vda", array.pool.id(), "db.qcow2")));
        ledger.commit(poolArray.create(array.pool.id(), "esnap-g1"));
        Path target = dir.resolve("restored.qcow2");

        new VolumeRestore(poolArray, new NfsCloneHost(array.client, fakeMount.toString(), "vers=3,nolock"), ledger,
                dir.resolve("work")).restore("g1/db/vda", target, false);

        List<String> mounts = Files.readAllLines(log);
        assertEquals(1, mounts.size());
        assertTrue(mounts.get(0), mounts.get(0).matches("-t nfs -o vers=3,nolock 192\\.0\\.2\\.41:/\\S+ " + dir.resolve("work")
                + "/clone-\\w+"));
        assertEquals("", run("qemu-img", "compare", "-q", volume.toString(), target.toString()));
        assertFalse(Files.readString(Path.of("/proc/self/mounts")).contains(dir.toString()));
        assertEquals("clone deleted", List.of(array.pool.id()), array.client.listFileSystems(null).stream()
                .map(FileSystem::id).collect(java.util.stream.Collectors.toList()));
    }

    @Test
    public void aCloneWithoutNfsIsRefusedNamingTheOtherAttach() throws Exception {
        array = new SimulatedClones(ElastiCenterSimulator.builder(), false);
        String clone = array.clone("esnap-restore-n2");
        try {
            new NfsCloneHost(array.client, null).attach(clone);
            fail("an iSCSI clone attached by NFS");
        } catch (IOException e) {
            assertTrue(e.getMessage(), e.getMessage().contains("is not exported over NFS")
                    && e.getMessage().contains("use the iSCSI clone attach"));
        }
    }

    private static String run(String... argv) throws Exception {
        Process p = new ProcessBuilder(argv).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes()).trim();
        assertEquals(String.join(" ", argv) + ": " + out, 0, p.waitFor());
        return out;
    }
}
