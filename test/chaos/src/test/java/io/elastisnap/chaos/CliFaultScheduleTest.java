// Licensed under the Apache License, Version 2.0. See LICENSE in the project root.
package io.elastisnap.chaos;

import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertTrue;

import io.elastisnap.cli.CliContext;
import io.elastisnap.cli.CliException;
import io.elastisnap.cli.config.ConfigFile;
import io.elastisnap.cli.libvirt.LibvirtHost;
import io.elastisnap.cli.ops.CreateOperation;
import io.elastisnap.cli.ops.DeleteOperation;
import io.elastisnap.cli.ops.RollbackOperation;
import io.elastisnap.cli.ops.VolumeTarget;
import io.elastisnap.cli.output.Output;
import io.elastisnap.cli.store.RecordStore;
import io.elastisnap.cli.store.SnapshotSet;
import io.elastisnap.elasticenter.ElastiCenterClient;
import io.elastisnap.elasticenter.ElastiCenterConfig;
import io.elastisnap.elasticenter.Secret;
import io.elastisnap.elasticenter.TlsTrust;
import io.elastisnap.engine.ConsistencyPolicy;
import io.elastisnap.engine.ConsistentSnapshotException;
import io.elastisnap.engine.FreezeStatus;
import io.elastisnap.simulator.ElastiCenterSimulator;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import org.junit.Rule;
import org.junit.Test;
import org.junit.rules.TemporaryFolder;
import org.libvirt.Domain;
import org.libvirt.DomainInfo;
import org.libvirt.LibvirtException;

/**
 * The fault schedule through the CLI's own operations (create, delete, retention, rollback, list, reconcile) and its
 * record store, in-process on libvirt's test driver, with ElastiCenter faults and domains paused or shut off at
 * random moments of an operation. After every operation: the engine journal is empty and the guest thawed, records and
 * array agree (after the CLI's reconcile when a failure left drift), every failure is a {@link CliException} with a
 * message and a fix.
 */
public class CliFaultScheduleTest {
    private static final List<String> DOMAINS = List.of("vm-cli-a", "i-7-77-VM");
    private static final List<String> DISKS = List.of("vda", "vdb");

    @Rule
    public TemporaryFolder folder = new TemporaryFolder();

    private ElastiCenterSimulator sim;
    private ElastiCenterClient client;
    private LibvirtHost libvirt;
    private RecordStore store;
    private ConfigFile config;
    private CliRecordsCheck records;
    private final Map<String, Map<String, String>> volumes = new LinkedHashMap<>();
    private final List<String> violations = new ArrayList<>();
    private final ScheduledExecutorService disturber = Executors.newSingleThreadScheduledExecutor();
    private ScheduledFuture<?> pendingDisturbance;

    @Test
    public void cliOperationsUnderFaultsKeepRecordsAndArrayEqual() throws Exception {
        SecretScanner.installLogCapture();
        int operations = Math.max(1, ChaosSettings.OPS - ChaosSettings.OPS * 6 / 10);
        long deadline = System.nanoTime() + ChaosSettings.DURATION.toNanos() * 4 / 10;
        String key = SecretScanner.newApiKey();
        try (ElastiCenterSimulator s = ElastiCenterSimulator.builder().apiKey(key).maxConnections(64).start()) {
            sim = s;
            client = new ElastiCenterClient(ElastiCenterConfig.builder(sim.baseUrl(), Secret.of(key))
                    .trust(TlsTrust.pinnedSha256(sim.certificateSha256()))
                    .connectTimeout(Duration.ofSeconds(1)).readTimeout(Duration.ofSeconds(1))
                    .connectionRequestTimeout(Duration.ofSeconds(1)).readRetries(1).maxConnections(32)
                    .jobPolling(Duration.ofMillis(20), Duration.ofMillis(100), Duration.ofMillis(1500)).build());
            StringBuilder cfg = new StringBuilder();
            for (String d : DOMAINS) {
                Map<String, String> byDisk = new LinkedHashMap<>();
                for (String disk : DISKS) {
                    String id = sim.provisionVolume(d.replaceAll("[^a-z0-9]", "") + disk, 1L << 30).id();
                    byDisk.put(disk, id);
                    cfg.append("domain.").append(d).append(".disk.").append(disk).append(" = ").append(id).append('\n');
                }
                volumes.put(d, byDisk);
            }
            config = ConfigFile.parse(cfg.toString(), "chaos config");
            libvirt = LibvirtHost.connect("test://" + testDriverNode());
            store = new RecordStore(folder.newFolder("state").toPath(), Duration.ofSeconds(30));
            records = new CliRecordsCheck("cli", store, config, libvirt, client, sim, volumes.values().stream()
                    .flatMap(m -> m.values().stream()).collect(Collectors.toList()), violations);
            ArrayFaultPlan faults = new ArrayFaultPlan("cli", List.of("createStorageSnapshot", "createStorageSnapshot",
                    "listStorageSnapshots", "deleteSnapshot", "rollbackToSnapshot", "listFileSystem"));
            Random random = new Random(ChaosSettings.SEED ^ 0x5EED);
            int done = 0;
            long started = System.nanoTime();
            for (; done < operations && System.nanoTime() < deadline; done++) {
                operation(done, new Random(random.nextLong()), faults);
            }
            ChaosReport.add("cli.operations", done);
            ChaosReport.add("cli.wallClockSeconds", (System.nanoTime() - started) / 1_000_000_000L);
            client.close();
            libvirt.close();
        } finally {
            disturber.shutdownNow();
        }
        System.out.println(ChaosReport.render("cli schedule so far"));
        assertEquals("violations: " + violations, List.of(), violations);
        assertTrue("the schedule must have taken snapshots", ChaosReport.get("cli.create.ok") > 0);
    }

    private Path testDriverNode() throws Exception {
        StringBuilder xml = new StringBuilder("<node>\n");
        for (String d : DOMAINS) {
            xml.append("  <domain type='test'><name>").append(d).append("</name><memory>524288</memory><vcpu>1</vcpu>")
                    .append("<os><type>hvm</type></os><devices>\n");
            for (String disk : DISKS) {
                Path image = folder.newFile(d + "-" + disk + ".img").toPath();
                xml.append("    <disk type='file' device='disk'><source file='").append(image).append("'/><target dev='")
                        .append(disk).append("' bus='virtio'/></disk>\n");
            }
            xml.append("  </devices></domain>\n");
        }
        xml.append("</node>\n");
        return Files.writeString(folder.newFile("node.xml").toPath(), xml.toString());
    }

    private void operation(int index, Random random, ArrayFaultPlan faults) throws Exception {
        String domain = DOMAINS.get(random.nextInt(DOMAINS.size()));
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        Output output = new Output(new PrintStream(out, true, StandardCharsets.UTF_8), new PrintStream(err, true, StandardCharsets.UTF_8), false);
        List<String> injected = faults.inject(sim, random);
        String disturbance = disturb(domain, random);
        String what;
        try (CliContext ctx = CliContext.embedded(output, store, config, libvirt, client, Clock.systemUTC())) {
            int kind = random.nextInt(100);
            List<SnapshotSet> complete = store.read().stream().filter(s -> s.state() == SnapshotSet.State.COMPLETE)
                    .collect(Collectors.toList());
            try {
                if (kind < 50 || complete.isEmpty()) {
                    what = "create " + domain;
                    create(ctx, domain, random);
                } else if (kind < 70) {
                    SnapshotSet set = complete.get(random.nextInt(complete.size()));
                    what = "delete " + set.id();
                    new DeleteOperation(ctx).one(set.id());
                    ChaosReport.count("cli.delete.ok");
                } else if (kind < 80) {
                    what = "retention " + domain;
                    new DeleteOperation(ctx).retention(domain, null, 1 + random.nextInt(3), false);
                    ChaosReport.count("cli.retention.ok");
                } else {
                    SnapshotSet set = complete.get(random.nextInt(complete.size()));
                    what = "rollback " + set.id();
                    rollback(ctx, set, random);
                }
            } catch (CliException e) {
                what = "failed operation";
                failure(e);
            } catch (RuntimeException e) {
                what = "failed operation";
                violations.add("op " + index + ": untyped " + e + " (faults " + injected + ", " + disturbance + ")");
            }
            settle(domain);
            sim.faults().clear();
            checkThawed(ctx, index, domain, disturbance);
        }
        SecretScanner.scan("cli-output", out.toString(StandardCharsets.UTF_8) + err.toString(StandardCharsets.UTF_8));
        records.check(index, what + " (faults " + injected + ", " + disturbance + ")",
                injected.stream().anyMatch(f -> f.contains("latencyBeyondWindow")));
    }

    private void create(CliContext ctx, String domain, Random random) {
        List<VolumeTarget> targets = new ArrayList<>();
        volumes.get(domain).forEach((disk, id) -> targets.add(new VolumeTarget(disk, id)));
        if (random.nextBoolean()) {
            targets.remove(1);
        }
        ConsistencyPolicy[] policies = {ConsistencyPolicy.REQUIRED, ConsistencyPolicy.BEST_EFFORT, ConsistencyPolicy.OFF};
        CreateOperation.Result r = new CreateOperation(ctx).run(new CreateOperation.Request(domain, targets,
                policies[random.nextInt(policies.length)], List.of(), EngineFaultScheduleTest.LIMITS));
        ChaosReport.count("cli.create.ok");
        ChaosReport.count("cli.create.ok." + r.set().consistencyLevel());
        frozenWindow(r.engineResult().timings().frozenWindow());
    }

    private void rollback(CliContext ctx, SnapshotSet set, Random random) throws LibvirtException {
        boolean stopFirst = random.nextInt(3) != 0;
        Domain d = libvirt.domain(set.domain());
        if (stopFirst && d.isActive() == 1) {
            d.destroy();
        }
        RollbackOperation.Result r = new RollbackOperation(ctx).run(set.id(), List.of(), random.nextBoolean());
        ChaosReport.count("cli.rollback.ok");
        ChaosReport.add("cli.rollback.destroyedNewer", r.volumes().stream().mapToLong(v -> v.destroyed().size()).sum());
    }

    private void failure(CliException e) {
        SecretScanner.scan("exception", e);
        ChaosReport.count("cli.failed." + e.exitCode());
        if (e.getMessage().isBlank()) {
            violations.add("a CliException without a message: " + e.exitCode());
        }
        if (e.getCause() instanceof ConsistentSnapshotException) {
            ConsistentSnapshotException cause = (ConsistentSnapshotException) e.getCause();
            ChaosReport.count("cli.failed.engineReason." + cause.reason());
            if (cause.timings() != null) {
                frozenWindow(cause.timings().frozenWindow());
            }
        }
    }

    private void frozenWindow(Duration window) {
        ChaosReport.max("cli.maxReportedFrozenWindowMillis", window.toMillis());
        if (window.compareTo(EngineFaultScheduleTest.ASSERTED_MAX_WINDOW) > 0) {
            violations.add("frozen window " + window.toMillis() + " ms exceeds " + EngineFaultScheduleTest.ASSERTED_BOUND);
        }
    }

    /** Pauses or shuts off the domain now or a few milliseconds into the operation. */
    private String disturb(String domain, Random random) throws LibvirtException {
        int roll = random.nextInt(10);
        if (roll >= 4) {
            return "domain undisturbed";
        }
        boolean pause = roll < 2;
        long delay = random.nextBoolean() ? 0 : random.nextInt(40);
        String kind = (pause ? "paused" : "shutOff") + (delay == 0 ? "Before" : "MidOperation");
        ChaosReport.count("cli.faults.guest." + kind);
        ChaosReport.count("all.faults.guest.domain" + kind);
        Runnable act = () -> {
            try {
                Domain d = libvirt.domain(domain);
                if (d.isActive() == 1) {
                    if (pause) {
                        d.suspend();
                    } else {
                        d.destroy();
                    }
                }
            } catch (LibvirtException | CliException e) {
                // racing the operation: the domain may be changing state right now
            }
        };
        if (delay == 0) {
            act.run();
        } else {
            pendingDisturbance = disturber.schedule(act, delay, TimeUnit.MILLISECONDS);
        }
        return kind + "(" + delay + " ms)";
    }

    /** After the operation: resume or restart the domain for the next one. */
    private void settle(String domain) throws Exception {
        if (pendingDisturbance != null) {
            pendingDisturbance.get(5, TimeUnit.SECONDS); // a delayed pause/shut-off must be over before settling
            pendingDisturbance = null;
        }
        for (String name : DOMAINS) {
            Domain d = libvirt.domain(name);
            DomainInfo.DomainState state = d.getInfo().state;
            if (state == DomainInfo.DomainState.VIR_DOMAIN_PAUSED) {
                d.resume();
            } else if (d.isActive() != 1) {
                d.create();
            }
        }
    }

    private void checkThawed(CliContext ctx, int index, String domain, String disturbance) throws Exception {
        try (var entries = Files.list(store.journalDirectory())) {
            List<Path> left = entries.collect(Collectors.toList());
            if (!left.isEmpty()) {
                ChaosReport.count("cli.frozenGuestLeaks");
                violations.add("op " + index + ": freeze journal not empty after the operation (" + disturbance + "): " + left);
            }
        } catch (java.nio.file.NoSuchFileException e) {
            // no freeze was ever attempted
        }
        // FsFreezeQuiescer's status is what this process froze; a test-driver domain destroyed and started again
        // during the operation lost its freeze with its memory, so only the journal speaks for it
        if (!disturbance.startsWith("shutOff") && ctx.quiescer().freezeStatus(domain, Duration.ofSeconds(2)) != FreezeStatus.THAWED) {
            ChaosReport.count("cli.frozenGuestLeaks");
            violations.add("op " + index + ": " + domain + " still frozen (" + disturbance + ")");
        }
    }
}
