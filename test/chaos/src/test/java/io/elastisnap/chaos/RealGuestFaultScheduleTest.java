// Licensed under the Apache License, Version 2.0. See LICENSE in the project root.
package io.elastisnap.chaos;

import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertTrue;
import static org.junit.Assume.assumeTrue;

import io.elastisnap.cli.CliContext;
import io.elastisnap.cli.CliException;
import io.elastisnap.cli.config.ConfigFile;
import io.elastisnap.demo.E2eFixture;
import io.elastisnap.demo.RealGuest;
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
import io.elastisnap.simulator.ElastiCenterSimulator;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.io.RandomAccessFile;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Random;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import org.junit.Rule;
import org.junit.Test;
import org.junit.rules.TemporaryFolder;
import org.libvirt.Domain;
import org.libvirt.DomainInfo;

/**
 * A share of the fault schedule on the e2e fixture's real QEMU (TCG) guest with qemu-guest-agent, through the CLI's
 * operations: real freezes of ext4, ElastiCenter faults, the domain paused mid-operation, a few shut-offs for
 * rollbacks. After every operation the agent itself must answer guest-fsfreeze-status "thawed". Runs only with
 * -Delastisnap.e2e=true and a started fixture (resources/e2e/fixture.sh start); otherwise skipped, saying why.
 */
public class RealGuestFaultScheduleTest {
    private static final int MAX_ROLLBACKS = 3;

    @Rule
    public TemporaryFolder folder = new TemporaryFolder();

    @Test
    public void realGuestIsNeverLeftFrozenAndRecordsEqualTheArray() throws Exception {
        assumeTrue("real-guest share of the fault schedule skipped: run with -Delastisnap.e2e=true after"
                + " resources/e2e/fixture.sh install && start", ChaosSettings.E2E);
        Optional<E2eFixture> fixture = E2eFixture.detect(System.getenv());
        assumeTrue("real-guest share skipped: no usable fixture.env (resources/e2e/fixture.sh start)", fixture.isPresent());
        assumeTrue("real-guest share skipped: libvirt does not answer at " + fixture.get().libvirtUri(), libvirtAnswers(fixture.get()));
        SecretScanner.installLogCapture();
        String key = SecretScanner.newApiKey();
        List<String> violations = new ArrayList<>();
        ScheduledExecutorService disturber = Executors.newSingleThreadScheduledExecutor();
        Path work = fixture.get().xfsMount().map(p -> p.resolve("chaos-" + ProcessHandle.current().pid()))
                .orElse(folder.newFolder("real").toPath());
        java.nio.file.Files.createDirectories(work);
        Map<String, Path> images = new LinkedHashMap<>();
        for (String disk : List.of("vda", "vdb")) {
            Path image = work.resolve(disk + ".img");
            try (RandomAccessFile f = new RandomAccessFile(image.toFile(), "rw")) {
                f.setLength(64L << 20);
            }
            images.put(disk, image);
        }
        String domain = fixture.get().domainPrefix() + "chaos";
        try (ElastiCenterSimulator sim = ElastiCenterSimulator.builder().apiKey(key).maxConnections(64).start();
             RealGuest guest = RealGuest.start(fixture.get(), work, domain, images, false, m -> System.out.println("real guest: " + m));
             ElastiCenterClient client = new ElastiCenterClient(ElastiCenterConfig.builder(sim.baseUrl(), Secret.of(key))
                     .trust(TlsTrust.pinnedSha256(sim.certificateSha256())).connectTimeout(Duration.ofSeconds(1))
                     .readTimeout(Duration.ofSeconds(1)).connectionRequestTimeout(Duration.ofSeconds(1)).readRetries(1)
                     .jobPolling(Duration.ofMillis(20), Duration.ofMillis(100), Duration.ofMillis(1500)).build())) {
            Map<String, String> volumeByDisk = new LinkedHashMap<>();
            StringBuilder cfg = new StringBuilder();
            for (String disk : images.keySet()) {
                String id = sim.provisionVolume("real-" + disk, 1L << 30).id();
                volumeByDisk.put(disk, id);
                cfg.append("domain.").append(domain).append(".disk.").append(disk).append(" = ").append(id).append('\n');
            }
            ConfigFile config = ConfigFile.parse(cfg.toString(), "chaos real-guest config");
            LibvirtHost libvirt = guest.libvirt();
            RecordStore store = new RecordStore(folder.newFolder("real-state").toPath(), Duration.ofSeconds(30));
            CliRecordsCheck records = new CliRecordsCheck("real", store, config, libvirt, client, sim, volumeByDisk.values(), violations);
            ArrayFaultPlan faults = new ArrayFaultPlan("real", List.of("createStorageSnapshot", "createStorageSnapshot",
                    "listStorageSnapshots", "deleteSnapshot", "listFileSystem"));
            Random random = new Random(ChaosSettings.SEED ^ 0x9EA1L);
            int rollbacks = 0;
            int done = 0;
            long started = System.nanoTime();
            for (; done < ChaosSettings.REAL_GUEST_OPS; done++) {
                Random r = new Random(random.nextLong());
                List<String> injected = faults.inject(sim, r);
                ByteArrayOutputStream out = new ByteArrayOutputStream();
                Output output = new Output(new PrintStream(out, true, StandardCharsets.UTF_8), new PrintStream(out, true, StandardCharsets.UTF_8), false);
                String what = "create";
                boolean paused = false;
                try (CliContext ctx = CliContext.embedded(output, store, config, libvirt, client, Clock.systemUTC())) {
                    List<SnapshotSet> complete = store.read().stream().filter(s -> s.state() == SnapshotSet.State.COMPLETE)
                            .collect(Collectors.toList());
                    int kind = r.nextInt(100);
                    try {
                        if (kind < 3 && rollbacks < MAX_ROLLBACKS && !complete.isEmpty()) {
                            what = "rollback (domain shut off)";
                            rollbacks++;
                            guest.powerOff();
                            ChaosReport.count("real.faults.guest.shutOffForRollback");
                            try {
                                new RollbackOperation(ctx).run(complete.get(complete.size() - 1).id(), List.of(), true);
                                ChaosReport.count("real.rollback.ok");
                            } finally {
                                guest.powerOn();
                            }
                        } else if (kind < 18 && !complete.isEmpty()) {
                            what = "delete";
                            new DeleteOperation(ctx).one(complete.get(r.nextInt(complete.size())).id());
                            ChaosReport.count("real.delete.ok");
                        } else {
                            if (r.nextInt(10) == 0) {
                                paused = true;
                                long delay = r.nextInt(60);
                                disturber.schedule(() -> pauseBriefly(libvirt, domain), delay, TimeUnit.MILLISECONDS);
                                ChaosReport.count("real.faults.guest.pausedMidOperation");
                                ChaosReport.count("all.faults.guest.domainpausedMidOperation");
                            }
                            List<VolumeTarget> targets = new ArrayList<>();
                            volumeByDisk.forEach((disk, id) -> targets.add(new VolumeTarget(disk, id)));
                            CreateOperation.Result result = new CreateOperation(ctx).run(new CreateOperation.Request(domain,
                                    targets, r.nextInt(4) == 0 ? ConsistencyPolicy.BEST_EFFORT : ConsistencyPolicy.REQUIRED,
                                    List.of(), EngineFaultScheduleTest.LIMITS));
                            ChaosReport.count("real.create.ok." + result.set().consistencyLevel());
                            window(result.engineResult().timings().frozenWindow(), violations);
                        }
                    } catch (CliException e) {
                        SecretScanner.scan("exception", e);
                        ChaosReport.count("real.failed." + e.exitCode());
                        if (e.getCause() instanceof ConsistentSnapshotException) {
                            ConsistentSnapshotException c = (ConsistentSnapshotException) e.getCause();
                            ChaosReport.count("real.failed.engineReason." + c.reason());
                            if (c.timings() != null) {
                                window(c.timings().frozenWindow(), violations);
                            }
                        }
                    } catch (RuntimeException e) {
                        violations.add("op " + done + ": untyped " + e);
                    }
                    disturber.submit(() -> { }).get(10, TimeUnit.SECONDS);
                    resumeIfPaused(libvirt, domain);
                    sim.faults().clear();
                }
                String status = agentFreezeStatus(libvirt, domain);
                if (!status.contains("thawed")) {
                    ChaosReport.count("real.frozenGuestLeaks");
                    violations.add("op " + done + " (" + what + ", faults " + injected + (paused ? ", paused" : "")
                            + "): guest-fsfreeze-status says " + status);
                    // thaw by hand, as an operator would, so the next operations test something
                    agentCommand(libvirt, domain, "guest-fsfreeze-thaw");
                }
                SecretScanner.scan("cli-output", out.toString(StandardCharsets.UTF_8));
                records.check(done, what + " (faults " + injected + ")", injected.stream().anyMatch(f -> f.contains("latencyBeyondWindow")));
            }
            ChaosReport.add("real.operations", done);
            ChaosReport.add("real.wallClockSeconds", (System.nanoTime() - started) / 1_000_000_000L);
        } finally {
            disturber.shutdownNow();
        }
        System.out.println(ChaosReport.render("real guest share so far"));
        assertEquals("violations: " + violations, List.of(), violations);
        assertTrue("the real guest must have been frozen at least once", ChaosReport.get("real.create.ok.FS_FROZEN") > 0);
    }

    private static void window(Duration window, List<String> violations) {
        ChaosReport.max("real.maxReportedFrozenWindowMillis", window.toMillis());
        if (window.compareTo(EngineFaultScheduleTest.ASSERTED_MAX_WINDOW) > 0) {
            violations.add("frozen window " + window.toMillis() + " ms exceeds " + EngineFaultScheduleTest.ASSERTED_BOUND);
        }
    }

    private static boolean libvirtAnswers(E2eFixture fixture) {
        try {
            LibvirtHost.connect(fixture.libvirtUri()).close();
            return true;
        } catch (CliException e) {
            System.out.println("real-guest share: " + e.getMessage());
            return false;
        }
    }

    private static void pauseBriefly(LibvirtHost libvirt, String domain) {
        try {
            Domain d = libvirt.domain(domain);
            d.suspend();
            Thread.sleep(300);
            d.resume();
        } catch (Exception e) {
            // racing the operation's own state changes; settled after the operation
        }
    }

    private static void resumeIfPaused(LibvirtHost libvirt, String domain) throws Exception {
        Domain d = libvirt.domain(domain);
        if (d.getInfo().state == DomainInfo.DomainState.VIR_DOMAIN_PAUSED) {
            d.resume();
        }
    }

    /** Asks qemu-ga itself, not the engine. */
    private static String agentFreezeStatus(LibvirtHost libvirt, String domain) {
        return agentCommand(libvirt, domain, "guest-fsfreeze-status");
    }

    private static String agentCommand(LibvirtHost libvirt, String domain, String command) {
        try {
            return libvirt.domain(domain).qemuAgentCommand("{\"execute\":\"" + command + "\"}", 10, 0);
        } catch (Exception e) {
            return "unknown: " + e.getMessage();
        }
    }
}
