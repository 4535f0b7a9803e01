// Licensed under the Apache License, Version 2.0. See LICENSE in the project root.
package io.elastisnap.cloudstack.pool;

import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertFalse;
import static org.junit.Assert.assertTrue;
import static org.junit.Assert.fail;
import static org.junit.Assume.assumeTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.time.Duration;
import java.util.List;
import java.util.stream.Collectors;

import org.apache.cloudstack.engine.subsystem.api.storage.CopyCommandResult;
import org.apache.cloudstack.engine.subsystem.api.storage.SnapshotInfo;
import org.apache.cloudstack.engine.subsystem.api.storage.SnapshotStrategy.SnapshotOperation;
import org.apache.cloudstack.engine.subsystem.api.storage.StrategyPriority;
import org.junit.After;
import org.junit.Before;
import org.junit.Rule;
import org.junit.Test;
import org.junit.rules.TemporaryFolder;

import com.cloud.utils.exception.CloudRuntimeException;
import com.cloud.vm.VirtualMachine;

import io.elastisnap.cloudstack.testsupport.Entities;
import io.elastisnap.cloudstack.testsupport.RecordingCallback;
import io.elastisnap.engine.pool.CloneHost;
import io.elastisnap.engine.pool.LoopImageCloneHost;
import io.elastisnap.simulator.SimVolume;

/**
 * Revert of one volume on an adopted pool through the real agent wrapper and the engine's restore: the simulator's pool
 * volume is an image file with ext4, loop-mounted where a KVM host would mount the SharedMountPoint pool; the pool
 * snapshot is a copy of that image; the restore clones it, attaches the clone on a second loop device (standing in for
 * the iSCSI login a real ElastiStor clone needs), mounts it and copies the one file back. Needs root and loop devices
 * (skipped otherwise); the failing-attach case needs neither.
 */
public class AdoptedPoolRevertTest {
    private static final Duration STEP = Duration.ofSeconds(60);

    /** Runs a host tool; its output, or an IOException naming the command and its output. */
    private static String run(String... argv) throws IOException {
        Process process = new ProcessBuilder(argv).redirectErrorStream(true).start();
        try {
            if (!process.waitFor(STEP.getSeconds(), java.util.concurrent.TimeUnit.SECONDS)) {
                process.destroyForcibly();
                throw new IOException(String.join(" ", argv) + " did not finish in " + STEP);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IOException(e);
        }
        String output = new String(process.getInputStream().readAllBytes(), java.nio.charset.StandardCharsets.UTF_8).trim();
        if (process.exitValue() != 0) {
            throw new IOException(String.join(" ", argv) + " failed (" + process.exitValue() + "): " + output);
        }
        return output;
    }

    private static void runQuietly(String... argv) {
        try {
            run(argv);
        } catch (IOException e) {
            System.err.println(e.getMessage());
        }
    }

    @Rule
    public TemporaryFolder temp = new TemporaryFolder();

    private AdoptedPoolTestBed bed;
    private CloneHost attach;
    private SimVolume poolVolume;
    private String poolDevice;

    @Before
    public void setUp() throws Exception {
        Path mount = temp.newFolder("pool-mount").toPath();
        bed = new AdoptedPoolTestBed(temp.getRoot().toPath(), mount, new CloneHost() {
            @Override
            public Path attach(String cloneVolumeId) throws IOException {
                return attach.attach(cloneVolumeId);
            }

            @Override
            public void detach(Path device, String cloneVolumeId) throws IOException {
                attach.detach(device, cloneVolumeId);
            }
        });
        attach = new LoopImageCloneHost(temp.getRoot().toPath().resolve("array").resolve("volumes"));
        poolVolume = bed.ec.provisionVolume("pool-fs", 64L << 20);
        bed.adopt(poolVolume.id());
        bed.vm.state = VirtualMachine.State.Stopped;
    }

    @After
    public void tearDown() {
        if (poolDevice != null) {
            runQuietly("umount", bed.mountPoint.toString());
            runQuietly("losetup", "--detach", poolDevice);
        }
        bed.close();
    }

    /** The pool's file system on the pool volume, mounted as the host would have it. */
    private void mountPool() throws IOException {
        assumeTrue("needs root for loop devices and mounts", "root".equals(System.getProperty("user.name")));
        try {
            run("mkfs.ext4", "-q", "-F", poolVolume.imagePath().toString());
            poolDevice = run("losetup", "--find", "--show", poolVolume.imagePath().toString()).trim();
        } catch (IOException e) {
            assumeTrue("no loop device here: " + e.getMessage(), false);
        }
        run("mount", poolDevice, bed.mountPoint.toString());
    }

    private Path qcow2(String name, int megabytes) throws IOException {
        Path raw = temp.getRoot().toPath().resolve(name + ".raw");
        run("dd", "if=/dev/urandom", "of=" + raw, "bs=1M", "count=" + megabytes, "status=none");
        Path file = bed.mountPoint.resolve(name);
        run("qemu-img", "convert", "-f", "raw", "-O", "qcow2", raw.toString(), file.toString());
        Files.delete(raw);
        return file;
    }

    private static String sha256(Path file) throws Exception {
        MessageDigest digest = MessageDigest.getInstance("SHA-256");
        digest.update(Files.readAllBytes(file));
        StringBuilder hex = new StringBuilder();
        for (byte b : digest.digest()) {
            hex.append(String.format("%02x", b));
        }
        return hex.toString();
    }

    private List<String> restoreClonesOnArray() {
        return bed.pools.arrays.client(AdoptedPoolTestBed.POOL).listFileSystems(null).stream().map(v -> v.name())
                .filter(n -> n.startsWith("esnap-restore-")).collect(Collectors.toList());
    }

    private String loopDevices() throws IOException {
        return run("losetup", "--list", "--noheadings", "--output", "NAME");
    }

    @Test
    public void revertBringsBackTheOneFileAndLeavesTheRestOfThePoolAlone() throws Exception {
        mountPool();
        Path root = qcow2("root-0001.qcow2", 4);
        Path other = qcow2("other-0002.qcow2", 2);
        String rootAtSnapshot = sha256(root);
        Entities.Vol volume = bed.volume(11, "root-0001.qcow2");
        SnapshotInfo snapshot = bed.snapshotOf(volume, 41);
        bed.strategy.takeSnapshot(snapshot);

        qcow2("root-0001.qcow2.new", 4);
        Files.move(bed.mountPoint.resolve("root-0001.qcow2.new"), root, java.nio.file.StandardCopyOption.REPLACE_EXISTING);
        Files.write(other, new byte[] {7}, java.nio.file.StandardOpenOption.APPEND);
        String otherNow = sha256(other);
        assertFalse(rootAtSnapshot.equals(sha256(root)));
        String devicesBefore = loopDevices();

        assertEquals(StrategyPriority.HIGHEST, bed.strategy.canHandle(bed.db.snapshots.get(41L), null, SnapshotOperation.REVERT));
        long start = System.nanoTime();
        assertTrue(bed.strategy.revertSnapshot(snapshot));
        long millis = (System.nanoTime() - start) / 1_000_000;
        System.out.println("revert of a 4 MiB volume file on a 64 MiB adopted pool: " + millis + " ms");

        assertEquals("the volume's file is back as it was in the snapshot", rootAtSnapshot, sha256(root));
        assertEquals("the other file on the pool is untouched", otherNow, sha256(other));
        assertTrue("no restore clone left on the array", restoreClonesOnArray().isEmpty());
        assertEquals("no clone loop device left", devicesBefore, loopDevices());
        assertEquals("the pool snapshot stays", 1, bed.ec.snapshotPaths(poolVolume.id()).size());
        try (java.util.stream.Stream<Path> files = Files.list(bed.mountPoint)) {
            assertEquals("no partial file left", List.of("lost+found", "other-0002.qcow2", "root-0001.qcow2"),
                    files.map(p -> p.getFileName().toString()).sorted().collect(Collectors.toList()));
        }
    }

    @Test
    public void aRevertWhoseCloneCannotBeAttachedLeavesTheFileAndDeletesTheClone() throws Exception {
        Path root = Files.write(bed.mountPoint.resolve("root-0001.qcow2"), new byte[] {1, 2, 3});
        Entities.Vol volume = bed.volume(11, "root-0001.qcow2");
        SnapshotInfo snapshot = bed.snapshotOf(volume, 41);
        bed.strategy.takeSnapshot(snapshot);
        attach = new CloneHost() {
            @Override
            public Path attach(String cloneVolumeId) throws IOException {
                throw new IOException("iscsiadm: login to the clone failed");
            }

            @Override
            public void detach(Path device, String cloneVolumeId) {
                fail("nothing was attached");
            }
        };
        try {
            bed.strategy.revertSnapshot(snapshot);
            fail("the clone could not be attached");
        } catch (CloudRuntimeException e) {
            assertTrue(e.getMessage(), e.getMessage().contains("login to the clone failed"));
            assertTrue(e.getMessage(), e.getMessage().contains("the volume's file is unchanged"));
        }
        assertTrue("the clone was deleted", restoreClonesOnArray().isEmpty());
        assertEquals(3, Files.size(root));
        assertEquals("the pool snapshot stays for another try", 1, bed.ec.snapshotPaths(poolVolume.id()).size());
    }

    @Test
    public void revertToAVmSnapshotRestoresEachOfTheVmsFiles() throws Exception {
        mountPool();
        Path root = qcow2("root-0001.qcow2", 2);
        Path data = qcow2("data-0002.qcow2", 2);
        String rootAtSnapshot = sha256(root);
        String dataAtSnapshot = sha256(data);
        bed.volume(11, "root-0001.qcow2");
        bed.volume(12, "data-0002.qcow2");
        Entities.VmSnap vmSnapshot = bed.db.vmSnapshot(100, AdoptedPoolTestBed.VM);
        bed.vmStrategy.takeVMSnapshot(vmSnapshot);
        Files.write(root, new byte[] {9}, java.nio.file.StandardOpenOption.APPEND);
        Files.write(data, new byte[] {9}, java.nio.file.StandardOpenOption.APPEND);

        assertTrue(bed.vmStrategy.revertVMSnapshot(vmSnapshot));

        assertEquals(rootAtSnapshot, sha256(root));
        assertEquals(dataAtSnapshot, sha256(data));
        assertTrue(restoreClonesOnArray().isEmpty());
        assertTrue(bed.vmStrategy.deleteVMSnapshot(vmSnapshot));
        assertTrue(bed.ec.snapshotPaths(poolVolume.id()).isEmpty());
    }

    @Test
    public void aVolumeFromAPoolSnapshotIsANewFileOnThePool() throws Exception {
        mountPool();
        Path root = qcow2("root-0001.qcow2", 2);
        String rootAtSnapshot = sha256(root);
        Entities.Vol volume = bed.volume(11, "root-0001.qcow2");
        SnapshotInfo snapshot = bed.snapshotOf(volume, 41);
        bed.strategy.takeSnapshot(snapshot);
        Files.write(root, new byte[] {9}, java.nio.file.StandardOpenOption.APPEND);
        Entities.Vol copy = bed.db.volume(14, AdoptedPoolTestBed.POOL, null);

        assertEquals(StrategyPriority.HIGHEST, bed.dataMotion.canHandle(snapshot, bed.volumeInfo(copy)));
        RecordingCallback<CopyCommandResult> done = new RecordingCallback<>();
        bed.dataMotion.copyAsync(snapshot, bed.volumeInfo(copy), null, done);

        assertTrue(done.single().getResult(), done.single().isSuccess());
        assertEquals(copy.uuid, done.single().getPath());
        assertEquals("the new volume's file holds the snapshot's data", rootAtSnapshot, sha256(bed.mountPoint.resolve(copy.uuid)));
        assertFalse("the original file is untouched", rootAtSnapshot.equals(sha256(root)));
        assertTrue(restoreClonesOnArray().isEmpty());

        RecordingCallback<CopyCommandResult> again = new RecordingCallback<>();
        bed.dataMotion.copyAsync(snapshot, bed.volumeInfo(copy), null, again);
        assertFalse("a volume from a snapshot never replaces a file", again.single().isSuccess());
        assertTrue(again.single().getResult(), again.single().getResult().contains("exists"));
        assertEquals(rootAtSnapshot, sha256(bed.mountPoint.resolve(copy.uuid)));
    }
}
