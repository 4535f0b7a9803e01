// Licensed under the Apache License, Version 2.0. See LICENSE in the project root.
package io.elastisnap.chaos;

import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertTrue;

import io.elastisnap.engine.pool.PoolSnapshotLedger;
import io.elastisnap.engine.pool.PoolSnapshotRef;
import io.elastisnap.simulator.ElastiCenterSimulator;
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
import org.apache.logging.log4j.LogManager;
import org.apache.logging.log4j.Logger;
import org.junit.Rule;
import org.junit.Test;
import org.junit.rules.TemporaryFolder;

/**
 * Reference counting of pool snapshots under kill -9: random group creates ({@code create --group}) and releases of
 * random volume snapshots, each a CLI child JVM, a third of them killed at a random moment. After every step: no pool
 * snapshot that the ledger still counts references to is missing on the array (never deleted while referenced).
 * After every kill, {@code reconcile}: no pool snapshot on the array that the ledger does not hold committed, and no
 * PENDING or DELETING entry left (no orphan). The restore is not in this schedule (it needs loop devices and mounts;
 * its undo runs in test/e2e and the engine's unit tests).
 */
public class PoolLedgerChaosTest {
    private static final Logger LOG = LogManager.getLogger(PoolLedgerChaosTest.class);
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
        try (ElastiCenterSimulator sim = ElastiCenterSimulator.builder().apiKey(KEY).snapshotLatency(Duration.ofMillis(300)).start()) {
            SimVolume pool = sim.provisionVolume("pool", 64L << 20);
            Path config = config(dir, sim, node(dir, mount));
            PoolSnapshotLedger ledger = new PoolSnapshotLedger(dir.resolve("state/pool-ledger"));
            int kills = 0;
            int creates = 0;
            int releases = 0;
            int maxRefs = 0;
            int killsMidOperation = 0;
            long reconciledDeletes = 0;
            for (int i = 0; i < ops; i++) {
                List<String> args = new ArrayList<>();
                List<String> refs = ledger.entries().stream().filter(e -> e.state() == PoolSnapshotLedger.State.COMMITTED)
                        .flatMap(e -> e.refs().stream()).map(PoolSnapshotRef::id).collect(Collectors.toList());
                if (refs.isEmpty() || random.nextInt(100) < 55) {
                    args.addAll(List.of("create", "--group", "c" + i, "--pool", pool.id() + "=" + mount));
                    for (int d = 0; d < DOMAINS; d++) {
                        if (d == 0 || random.nextBoolean()) {
                            args.add("dom-" + d);
                        }
                    }
                    creates++;
                } else {
                    args.add("release");
                    args.add(refs.get(random.nextInt(refs.size())));
                    if (random.nextBoolean()) {
                        args.add(refs.get(random.nextInt(refs.size())));
                    }
                    releases++;
                }
                boolean kill = random.nextInt(3) == 0;
                ChildJvm child = cli(dir, "op-" + i, config, args);
                if (kill) {
                    Thread.sleep(300 + random.nextInt(2200));
                    child.kill();
                    kills++;
                } else {
                    child.await(Duration.ofMinutes(2));
                }
                assertNothingDeletedWhileReferenced(sim, pool, ledger, "after op " + i + " " + args + (kill ? " (killed)" : ""));
                maxRefs = Math.max(maxRefs, ledger.entries().stream().mapToInt(e -> e.refs().size()).max().orElse(0));
                if (kill) {
                    if (ledger.entries().stream().anyMatch(e -> e.state() != PoolSnapshotLedger.State.COMMITTED)) {
                        killsMidOperation++;
                    }
                    ChildJvm reconcile = cli(dir, "reconcile-" + i, config, List.of("reconcile"));
                    int rc = reconcile.await(Duration.ofMinutes(2));
                    assertEquals("reconcile after op " + i + " exit", 0, rc);
                    reconciledDeletes += reconcile.stdout().lines().filter(l -> l.startsWith("pool snapshot ")
                            && l.endsWith(": deleted")).count();
                    assertNoOrphan(sim, pool, ledger, "after op " + i + " and reconcile");
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
            LOG.info("pool ledger chaos: {} operations ({} creates, {} releases), {} kill -9 + reconcile, max {} references on"
                    + " one pool snapshot; 0 orphaned pool snapshots, 0 deleted while referenced", ops, creates, releases,
                    kills, maxRefs);
            System.out.println("POOL CHAOS SUMMARY: " + ops + " operations (" + creates + " creates, " + releases + " releases), "
                    + kills + " kill -9 + reconcile (" + killsMidOperation + " left a PENDING or DELETING ledger entry; reconcile"
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
