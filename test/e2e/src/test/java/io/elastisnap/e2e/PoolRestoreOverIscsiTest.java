// Licensed under the Apache License, Version 2.0. See LICENSE in the project root.
package io.elastisnap.e2e;

import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertFalse;
import static org.junit.Assert.assertTrue;
import static org.junit.Assume.assumeTrue;

import io.elastisnap.elasticenter.ElastiCenterClient;
import io.elastisnap.elasticenter.ElastiCenterConfig;
import io.elastisnap.elasticenter.Secret;
import io.elastisnap.elasticenter.TlsTrust;
import io.elastisnap.simulator.ElastiCenterSimulator;
import io.elastisnap.simulator.SimVolume;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.junit.After;
import org.junit.Before;
import org.junit.Rule;
import org.junit.Test;
import org.junit.rules.TemporaryFolder;

/**
 * {@code elastisnap restore-volume --clone-attach qsd} end to end: a group snapshot of a domain whose qcow2 disk is a
 * file on a loop-mounted XFS pool volume, then the volume restored from a clone of the pool snapshot that is read
 * over real iSCSI with CHAP — the simulator's tgtd target, QEMU's user-space initiator in qemu-storage-daemon behind
 * a FUSE export and a loop device standing in for a host's kernel initiator (this machine has none). Also a restore
 * killed with -9 while the clone is logged in, finished by reconcile. The domain is libvirt's test driver: no guest is
 * needed for the restore. Needs root, tgt, qemu-storage-daemon with qemu-block-extra, /dev/fuse, xfsprogs.
 */
public class PoolRestoreOverIscsiTest {
    private static final String KEY = "E2EKEY-pool-iscsi-7d41";
    private static final String CHAP_GROUP = "esnap-pool-chap";
    private static final String CHAP_SECRET = "Pool-Chap-9x4k2m";

    @Rule
    public TemporaryFolder tmp = new TemporaryFolder();

    private ElastiCenterSimulator sim;
    private ElastiCenterClient client;
    private Path dir;
    private Path mount;
    private Path config;
    private Path disk;
    private SimVolume pool;
    private String loop;

    @Before
    public void setUp() throws Exception {
        assumeTrue("needs root", "root".equals(System.getProperty("user.name")));
        for (String tool : List.of("/usr/sbin/tgtd", "/usr/bin/qemu-storage-daemon", "/sbin/mkfs.xfs", "/dev/fuse")) {
            assumeTrue("needs " + tool, Files.exists(Path.of(tool)));
        }
        dir = tmp.getRoot().toPath();
        sim = ElastiCenterSimulator.builder().apiKey(KEY).dataDirectory(Files.createDirectories(dir.resolve("array")))
                .iscsiTarget(0).start();
        client = new ElastiCenterClient(ElastiCenterConfig.builder(sim.baseUrl(), Secret.of(KEY))
                .trust(TlsTrust.pinnedSha256(sim.certificateSha256())).build());
        client.addIscsiAuthGroup(sim.defaults().accountId(), CHAP_GROUP, "esnappool", Secret.of(CHAP_SECRET));
        pool = sim.provisionVolume("pool", 512L << 20);
        run("mkfs.xfs", "-q", "-f", pool.imagePath().toString());
        mount = Files.createDirectories(dir.resolve("pool-mount"));
        loop = run("losetup", "--find", "--show", pool.imagePath().toString());
        run("mount", loop, mount.toString());
        disk = mount.resolve("db.qcow2");
        run("qemu-img", "create", "-q", "-f", "qcow2", disk.toString(), "32M");
        run("qemu-io", "-c", "write -P 0x3c 0 4M", "-c", "write -P 0x7e 20M 1M", disk.toString());
        config = config(node());
        assertEquals(0, cli("create", List.of("create", "--group", "g1", "--pool", pool.id() + "=" + mount, "db-VM")).exitValue());
    }

    @After
    public void tearDown() throws Exception {
        if (loop != null) {
            run("umount", mount.toString());
            run("losetup", "--detach", loop);
        }
        if (client != null) {
            client.close();
        }
        if (sim != null) {
            sim.close();
        }
    }

    @Test
    public void aVolumeComesBackFromAPoolCloneReadOverIscsiWithChap() throws Exception {
        Path restored = dir.resolve("db-restored.qcow2");
        Process p = cli("restore", restoreArgs(restored, CHAP_GROUP));
        assertEquals(log("restore"), 0, p.exitValue());
        System.out.println("restore-volume --clone-attach qsd: " + log("restore").trim());
        // the same restore from the simulator's clone image on a loop device, for comparison in one run
        Process fromImage = cli("restore-image", List.of("restore-volume", "g1/db-VM/vda", "--to", dir.resolve("db-image.qcow2")
                .toString(), "--clone-images", dir.resolve("array/volumes").toString()));
        assertEquals(log("restore-image"), 0, fromImage.exitValue());
        System.out.println("restore-volume --clone-attach loop-image: " + log("restore-image").trim());
        assertEquals("", run("qemu-img", "compare", "-q", disk.toString(), restored.toString()));
        assertNothingLeft();

        Process unknownGroup = cli("unknown-group", restoreArgs(dir.resolve("never.qcow2"), "no-such-group"));
        assertEquals(log("unknown-group"), 1, unknownGroup.exitValue());
        assertTrue(log("unknown-group"), log("unknown-group").contains("has no iSCSI auth group 'no-such-group'"));
        assertFalse(Files.exists(dir.resolve("never.qcow2")));
        assertNothingLeft();
        for (String file : List.of("restore.log", "unknown-group.log", "cli.log")) {
            assertFalse("CHAP secret in " + file, Files.readString(dir.resolve(file)).contains(CHAP_SECRET));
        }
    }

    @Test
    public void aRestoreKilledWhileTheCloneIsLoggedInIsFinishedByReconcile() throws Exception {
        Path runDir = dir.resolve("state/restore/iscsi");
        Process p = ChildJvm.cli(withConfig(restoreArgs(dir.resolve("killed.qcow2"), CHAP_GROUP)), Map.of(), dir.resolve("killed.log"));
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(120);
        while (p.isAlive() && !hasPidFile(runDir) && System.nanoTime() < deadline) {
            Thread.sleep(5);
        }
        assertTrue("the restore logged in before it ended: " + log("killed"), hasPidFile(runDir));
        p.destroyForcibly().waitFor();
        assertFalse("a daemon is left for reconcile", List.of().equals(files(runDir)));

        Process reconcile = cli("reconcile", List.of("reconcile"));
        assertEquals(log("reconcile"), 0, reconcile.exitValue());
        assertTrue(log("reconcile"), log("reconcile").contains("cleaned up after its process"));
        assertNothingLeft();
    }

    private List<String> restoreArgs(Path target, String chapGroup) {
        String portal = sim.iscsiPortal().orElseThrow();
        return List.of("restore-volume", "g1/db-VM/vda", "--to", target.toString(), "--clone-attach", "qsd", "--chap-group",
                chapGroup, "--iscsi-port", portal.substring(portal.lastIndexOf(':') + 1), "--iscsi-lun",
                Integer.toString(ElastiCenterSimulator.ISCSI_LUN));
    }

    /** No clone volume, no loop device over an exported LUN, no daemon, no FUSE or clone mount, no partial file. */
    private void assertNothingLeft() throws Exception {
        assertEquals(List.of(), client.listFileSystems(null).stream().map(v -> v.name()).filter(n -> n.startsWith("esnap-restore-"))
                .collect(Collectors.toList()));
        assertFalse(run("losetup", "--list").contains(".lun"));
        String mounts = Files.readString(Path.of("/proc/self/mounts"));
        assertFalse(mounts, mounts.contains(dir.resolve("state").toString()));
        assertEquals(List.of(), files(dir.resolve("state/restore/iscsi")));
        assertTrue(ProcessHandle.allProcesses().noneMatch(h -> h.info().arguments().map(List::of).orElse(List.of()).stream()
                .anyMatch(a -> a.contains(dir.toString()) && a.contains("mountpoint="))));
        try (Stream<Path> files = Files.list(dir)) {
            assertEquals(List.of(), files.map(f -> f.getFileName().toString()).filter(n -> n.contains(".esnap-restore-"))
                    .collect(Collectors.toList()));
        }
    }

    private static boolean hasPidFile(Path runDir) throws Exception {
        return files(runDir).stream().anyMatch(n -> n.endsWith(".pid"));
    }

    private static List<String> files(Path directory) throws Exception {
        if (!Files.isDirectory(directory)) {
            return List.of();
        }
        try (Stream<Path> files = Files.list(directory)) {
            return files.map(f -> f.getFileName().toString()).collect(Collectors.toList());
        }
    }

    private Process cli(String name, List<String> args) throws Exception {
        Process p = ChildJvm.cli(withConfig(args), Map.of(), dir.resolve(name + ".log"));
        assertTrue(name + " finished", p.waitFor(5, TimeUnit.MINUTES));
        return p;
    }

    private List<String> withConfig(List<String> args) {
        List<String> all = new ArrayList<>(args);
        all.addAll(List.of("--config", config.toString(), "--log-file", dir.resolve("cli.log").toString()));
        return all;
    }

    private String log(String name) throws Exception {
        return Files.readString(dir.resolve(name + ".log"), StandardCharsets.UTF_8);
    }

    private String node() throws Exception {
        Path node = dir.resolve("node.xml");
        Files.writeString(node, "<node>\n  <domain type='test'><name>db-VM</name><memory>524288</memory><vcpu>1</vcpu>"
                + "<os><type>hvm</type></os><devices><disk type='file' device='disk'><source file='" + disk
                + "'/><target dev='vda' bus='virtio'/></disk></devices></domain>\n</node>\n");
        return "test://" + node;
    }

    private Path config(String libvirtUri) throws Exception {
        Path key = dir.resolve("api-key");
        Files.writeString(key, KEY + "\n");
        Files.setPosixFilePermissions(key, PosixFilePermissions.fromString("rw-------"));
        Path file = dir.resolve("elastisnap.conf");
        Files.writeString(file, String.join("\n", "elasticenter.url = " + sim.baseUrl(), "elasticenter.api-key-file = " + key,
                "elasticenter.pin-sha256 = " + sim.certificateSha256(), "libvirt.uri = " + libvirtUri,
                "state-dir = " + dir.resolve("state"), ""));
        return file;
    }

    private static String run(String... argv) throws Exception {
        Process p = new ProcessBuilder(argv).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8).trim();
        assertEquals(String.join(" ", argv) + ": " + out, 0, p.waitFor());
        return out;
    }
}
