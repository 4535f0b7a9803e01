// Licensed under the Apache License, Version 2.0. See LICENSE in the project root.
package io.elastisnap.chaos;

import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertTrue;

import io.elastisnap.engine.pool.PoolSnapshotLedger;
import io.elastisnap.engine.pool.PoolSnapshotRef;
import io.elastisnap.simulator.ElastiCenterSimulator;
import io.elastisnap.simulator.Fault;
import io.elastisnap.simulator.SimVolume;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.Set;
import java.util.TreeSet;
import java.util.stream.Collectors;
import org.junit.Rule;
import org.junit.Test;
import org.junit.rules.TemporaryFolder;

/**
 * Reference counting of pool snapshots under kill -9: random group creates ({@code create --group}) and releases of
 * random volume snapshots, each a CLI child JVM, a third of them killed at a random moment. After every step: no pool
 * snapshot that the ledger still counts references to is missing on the array (never deleted while referenced).
 * After every kill, {@code reconcile}: no pool snapshot on the array that the ledger does not hold committed, and no
 * PENDING or DELETING entry left (no orphan), and no restore's clone volume, loop device, mount or partial file left.
 * Restores ({@code restore-volume --to}, which attach and mount a clone of the pool volume, an ext4 image filled with
 * the domains' files) run only as root.
 */
public class PoolLedgerChaosTest {
    private static final String KEY = "CHAOSKEY-pool-5f3a8c1e";
    private static final int DOMAINS = 4;

    @Rule
    public TemporaryFolder tmp = new TemporaryFolder();

    @Test
    public void noPoolSnapshotOrphanedAndNoneDeletedWhileReferenced() throws Exception {
        int ops = Integer.getInteger("chaos.poolOps", 30);
        Random random = new Random(ChaosSettings.SEED);
        Path dir = tmp.newFolder("pool-chaos").toPath();
        Path mount = Files.createDirectories(dir.resolve("pool-mount"));
        boolean restores = "root".equals(System.getProperty("user.name"));
        Path data = Files.createDirectories(dir.resolve("array"));
        try (ElastiCenterSimulator sim = ElastiCenterSimulator.builder().apiKey(KEY).dataDirectory(data)
                .snapshotLatency(Duration.ofMillis(300)).start()) {
            SimVolume pool = sim.provisionVolume("pool", 64L << 20);
            Path config = config(dir, sim, node(dir, mount));
            // the pool volume carries the domains' files, so a restore finds them in a clone of any pool snapshot
            run("mkfs.ext4", "-q", "-F", "-d", mount.toString(), pool.imagePath().toString());
            // windows for the kills: each array call of a create, release and restore takes a while
            sim.faults().inject("deleteSnapshot", Fault.latency(Duration.ofMillis(400)));
            sim.faults().inject("cloneDatasetSnapshot", Fault.latency(Duration.ofMillis(300)));
            PoolSnapshotLedger ledger = new PoolSnapshotLedger(dir.resolve("state/pool-ledger"));
            int kills = 0;
            int creates = 0;
            int releases = 0;
            int maxRefs = 0;
            int killsMidOperation = 0;
            int restoreOps = 0;
            int killsMidRestore = 0;
            long reconciledDeletes = 0;
            for (int i = 0; i < ops; i++) {
                List<String> args = new ArrayList<>();
                List<String> refs = ledger.entries().stream().filter(e -> e.state() == PoolSnapshotLedger.State.COMMITTED)
                        .flatMap(e -> e.refs().stream()).map(PoolSnapshotRef::id).collect(Collectors.toList());
                int pick = random.nextInt(100);
                if (!refs.isEmpty() && restores && pick < 25) {
                    args.addAll(List.of("restore-volume", refs.get(random.nextInt(refs.size())), "--to",
                            dir.resolve("restored-" + i + ".img").toString(), "--clone-images", data.resolve("volumes").toString()));
                    restoreOps++;
                } else if (refs.isEmpty() || pick < 65) {
                    args.addAll(List.of("create", "--group", "c" + i, "--pool", pool.id() + "=" + mount));
                    for (int d = 0; d < DOMAINS; d++) {
                        if (d == 0 || random.nextBoolean()) {
                            args.add("dom-" + d);
                        }
                    }
                    creates++;
                } else {
                    args.add("release");
                    java.util.Collections.shuffle(refs, random);
                    args.addAll(refs.subList(0, Math.min(refs.size(), 1 + random.nextInt(2))));
                    releases++;
                }
                boolean kill = random.nextInt(3) == 0;
                ChildJvm child = cli(dir, "op-" + i, config, args);
                if (kill && inCriticalSection(child, args.get(0), dir, ledger, "c" + i)) {
                    // a random moment inside the operation: the array calls take 300-400 ms each
                    Thread.sleep(random.nextInt(args.get(0).equals("restore-volume") ? 1500 : 600));
                    child.kill();
                    kills++;
                } else {
                    kill = false;
                    int rc = child.await(Duration.ofMinutes(2));
                    assertEquals("op " + i + " " + args + ": " + child.stderr(), 0, rc);
                }
                assertNothingDeletedWhileReferenced(sim, pool, ledger, "after op " + i + " " + args + (kill ? " (killed)" : ""));
                maxRefs = Math.max(maxRefs, ledger.entries().stream().mapToInt(e -> e.refs().size()).max().orElse(0));
                if (kill) {
                    if (ledger.entries().stream().anyMatch(e -> e.state() != PoolSnapshotLedger.State.COMMITTED)) {
                        killsMidOperation++;
                    }
                    Path restoreRecords = Files.createDirectories(dir.resolve("state/pool-ledger/restores"));
                    try (var records = Files.list(restoreRecords)) {
                        killsMidRestore += records.count() > 0 ? 1 : 0;
                    }
                    ChildJvm reconcile = cli(dir, "reconcile-" + i, config, List.of("reconcile"));
                    int rc = reconcile.await(Duration.ofMinutes(2));
                    assertEquals("reconcile after op " + i + " exit", 0, rc);
                    reconciledDeletes += reconcile.stdout().lines().filter(l -> l.startsWith("pool snapshot ")
                            && l.endsWith(": deleted")).count();
                    assertNoOrphan(sim, pool, ledger, "after op " + i + " and reconcile");
                    assertNoRestoreLeft(sim, dir, data, "after op " + i + " and reconcile");
                }
            }
            cli(dir, "release-all", config, List.of("reconcile")).await(Duration.ofMinutes(2));
            for (PoolSnapshotLedger.Entry e : ledger.entries()) {
                for (PoolSnapshotRef r : e.refs()) {
                    ledger.release(r.id(), new io.elastisnap.engine.pool.ElastiCenterPoolArray(client(sim)));
                }
            }
            assertEquals("every pool snapshot gone with its last reference", List.of(), sim.snapshotPaths(pool.id()));
            ChaosReport.add("pool.operations", ops);
            ChaosReport.add("pool.kills", kills);
            System.out.println("POOL CHAOS SUMMARY: " + ops + " operations (" + creates + " creates, " + releases + " releases, "
                    + restoreOps + " restores; " + kills + " kill -9 + reconcile (" + killsMidOperation + " left a PENDING or DELETING ledger entry, " + killsMidRestore + " an unfinished restore; reconcile"
                    + " resolved " + reconciledDeletes + " entries, deleting their pool snapshot where the array had one), max " + maxRefs + " references on one pool"
                    + " snapshot, orphaned pool snapshots: 0, deleted while referenced: 0");
        }
    }

    private static void assertNothingDeletedWhileReferenced(ElastiCenterSimulator sim, SimVolume pool, PoolSnapshotLedger ledger,
            String when) {
        Set<String> onArray = names(sim, pool);
        for (PoolSnapshotLedger.Entry e : ledger.entries()) {
            if (e.state() == PoolSnapshotLedger.State.COMMITTED && !e.refs().isEmpty()) {
                assertTrue(when + ": " + e + " is referenced but gone from the array " + onArray, onArray.contains(e.snapshotName()));
            }
        }
    }

    private static void assertNoOrphan(ElastiCenterSimulator sim, SimVolume pool, PoolSnapshotLedger ledger, String when) {
        Set<String> committed = new TreeSet<>();
        for (PoolSnapshotLedger.Entry e : ledger.entries()) {
            assertEquals(when + ": " + e, PoolSnapshotLedger.State.COMMITTED, e.state());
            committed.add(e.snapshotName());
        }
        assertEquals(when + ": array snapshots vs committed ledger entries", committed, names(sim, pool));
    }

    /**
     * Waits (bounded) until the child has written its first ledger or restore-journal step, so the kill lands inside
     * the operation rather than in the JVM's start-up; false when the child ended first.
     */
    private static boolean inCriticalSection(ChildJvm child, String command, Path dir, PoolSnapshotLedger ledger, String group)
            throws Exception {
        long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
        Path restores = dir.resolve("state/pool-ledger/restores");
        int before = ledger.entries().stream().mapToInt(e -> e.refs().size()).sum();
        while (child.alive() && System.nanoTime() < deadline) {
            boolean started;
            if (command.equals("create")) {
                started = ledger.entries().stream().anyMatch(e -> e.groupId().equals(group));
            } else if (command.equals("restore-volume")) {
                try (var files = Files.list(Files.createDirectories(restores))) {
                    started = files.findAny().isPresent();
                }
            } else {
                started = ledger.entries().stream().mapToInt(e -> e.refs().size()).sum() < before;
            }
            if (started) {
                return true;
            }
            Thread.sleep(5);
        }
        return false;
    }

    /** A killed restore's clone volume, loop device, mount and partial file are all gone after reconcile. */
    private static void assertNoRestoreLeft(ElastiCenterSimulator sim, Path dir, Path data, String when) throws Exception {
        try (io.elastisnap.elasticenter.ElastiCenterClient client = client(sim)) {
            assertEquals(when + ": clone volumes", List.of(), client.listFileSystems(null).stream().map(v -> v.name())
                    .filter(n -> n.startsWith("esnap-restore-")).collect(Collectors.toList()));
        }
        assertTrue(when + ": loop devices on the array's images", !run("losetup", "--list").contains(data.toString()));
        assertTrue(when + ": mounts of clones", !Files.readString(Path.of("/proc/self/mounts")).contains(dir.toString()));
        try (var files = Files.list(dir)) {
            assertEquals(when + ": partial files", List.of(), files.map(p -> p.getFileName().toString())
                    .filter(n -> n.contains(".esnap-restore-")).collect(Collectors.toList()));
        }
    }

    private static String run(String... command) throws Exception {
        Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes(), java.nio.charset.StandardCharsets.UTF_8);
        assertEquals(String.join(" ", command) + ": " + out, 0, p.waitFor());
        return out;
    }

    private static Set<String> names(ElastiCenterSimulator sim, SimVolume pool) {
        return sim.snapshotPaths(pool.id()).stream().map(p -> p.substring(p.indexOf('@') + 1)).collect(Collectors.toCollection(TreeSet::new));
    }

    private static io.elastisnap.elasticenter.ElastiCenterClient client(ElastiCenterSimulator sim) {
        return new io.elastisnap.elasticenter.ElastiCenterClient(io.elastisnap.elasticenter.ElastiCenterConfig
                .builder(sim.baseUrl(), io.elastisnap.elasticenter.Secret.of(sim.apiKey()))
                .trust(io.elastisnap.elasticenter.TlsTrust.pinnedSha256(sim.certificateSha256())).build());
    }

    private static ChildJvm cli(Path dir, String name, Path config, List<String> args) throws Exception {
        List<String> all = new ArrayList<>(args);
        all.addAll(List.of("--config", config.toString(), "--log-file", dir.resolve(name + ".log").toString()));
        return ChildJvm.start(dir, name, "io.elastisnap.cli.Main", all);
    }

    private static String node(Path dir, Path mount) throws Exception {
        StringBuilder xml = new StringBuilder("<node>\n");
        for (int d = 0; d < DOMAINS; d++) {
            Path file = Files.write(mount.resolve("dom-" + d + ".qcow2"), new byte[] {(byte) d});
            xml.append("  <domain type='test'><name>dom-").append(d).append("</name><memory>524288</memory><vcpu>1</vcpu>")
                    .append("<os><type>hvm</type></os><devices><disk type='file' device='disk'><source file='")
                    .append(file).append("'/><target dev='vda' bus='virtio'/></disk></devices></domain>\n");
        }
        Path node = dir.resolve("node.xml");
        Files.writeString(node, xml.append("</node>\n").toString());
        return "test://" + node.toAbsolutePath();
    }

    private static Path config(Path dir, ElastiCenterSimulator sim, String uri) throws Exception {
        Path key = dir.resolve("api-key");
        Files.writeString(key, KEY + "\n");
        Files.setPosixFilePermissions(key, PosixFilePermissions.fromString("rw-------"));
        Path config = dir.resolve("elastisnap.conf");
        Files.writeString(config, String.join("\n", "elasticenter.url = " + sim.baseUrl(), "elasticenter.api-key-file = " + key,
                "elasticenter.pin-sha256 = " + sim.certificateSha256(), "libvirt.uri = " + uri,
                "state-dir = " + dir.resolve("state"), ""));
        return config;
    }
}
