// Licensed under the Apache License, Version 2.0. See LICENSE in the project root.
package io.elastisnap.bench;

import io.elastisnap.demo.E2eFixture;
import java.io.PrintStream;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.Callable;
import java.util.stream.Stream;
import org.apache.logging.log4j.Level;
import org.apache.logging.log4j.core.config.Configurator;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code java -jar elastisnap-benchmarks.jar}: the three benchmarks, measured side by side in one run. */
@Command(name = "elastisnap-benchmarks", mixinStandardHelpOptions = true, sortOptions = false,
        description = {"1 window: frozen window vs volume count, ours vs a model of CloudStack's StorageVMSnapshotStrategy.",
                "2 size: snapshot time vs volume size, ours (reflink array) vs CloudStack's qemu-img convert copy.",
                "3 concurrency: many VMs at once through one engine.",
                "4 export: a snapshot copied off the array vs reading it and vs local qemu-img convert; size; incremental.",
                "5 partial: a snapshot of 1 of 4 and 1 of 8 volumes of a real guest, partial vs whole-guest freeze.",
                "Prints Markdown tables. The size benchmark needs root (XFS loop mount), unless --plain-dir."})
public final class BenchmarkMain implements Callable<Integer> {
    @Option(names = "--bench", split = ",", paramLabel = "NAME", description = "window,size,concurrency,export,partial,pool"
            + " (default: all but pool; partial only with the e2e fixture's real guest).")
    List<String> benches = List.of("window", "size", "concurrency", "export", "partial");

    @Option(names = "--group-vms", split = ",", description = "Pool: group sizes (default 1,4,16).")
    List<Integer> groupVms = List.of(1, 4, 16);

    @Option(names = "--restore-volume-mib", split = ",", description = "Pool: restored volume sizes in MiB (default 64,256,1024).")
    List<Integer> restoreVolumeMiB = List.of(64, 256, 1024);

    @Option(names = "--restore-pool-gib", split = ",", description = "Pool: pool sizes in GiB; the volume-size"
            + " rows use the second (default 8,32,128).")
    List<Integer> restorePoolGiB = List.of(8, 32, 128);

    @Option(names = "--pool-parts", split = ",", description = "Pool: group-window,restore (default: both).")
    List<String> poolParts = List.of("group-window", "restore");

    @Option(names = "--restore-repeats", description = "Pool: restores per cell, median reported (default ${DEFAULT-VALUE}).")
    int restoreRepeats = 3;

    @Option(names = "--work-dir", paramLabel = "DIR", description = "Scratch space; each run works in a subdirectory it"
            + " removes at the end (default ${DEFAULT-VALUE}).")
    Path workRoot = Path.of("/var/tmp/elastisnap-bench");

    private Path workDir;

    @Option(names = "--partial-volumes", split = ",", description = "Partial: volume counts of the guests (default 4,8).")
    List<Integer> partialVolumes = List.of(4, 8);

    @Option(names = "--partial-repeats", description = "Partial: runs of each kind per guest (default ${DEFAULT-VALUE}).")
    int partialRepeats = 25;

    @Option(names = "--partial-latency-ms", description = "Partial: simulated snapshot latency (default ${DEFAULT-VALUE}).")
    int partialLatencyMs = 50;

    @Option(names = "--guest", paramLabel = "MODE", description = "window benchmark's guest: auto (the e2e fixture's"
            + " real QEMU guest when it is up, else modeled), modeled, real (default ${DEFAULT-VALUE}).")
    String guest = "auto";

    @Option(names = "--freeze-ms", description = "Modeled guest-fsfreeze-freeze latency (default ${DEFAULT-VALUE}).")
    long freezeMs = 90;

    @Option(names = "--thaw-ms", description = "Modeled guest-fsfreeze-thaw latency (default ${DEFAULT-VALUE}).")
    long thawMs = 40;

    @Option(names = "--agent-call-ms", description = "Modeled latency of other agent calls: ping, info, status"
            + " (default ${DEFAULT-VALUE}).")
    long agentCallMs = 10;

    @Option(names = "--volumes", split = ",", description = "Window: volume counts (default 1,2,4,8,16).")
    List<Integer> volumes = List.of(1, 2, 4, 8, 16);

    @Option(names = "--latencies-ms", split = ",", description = "Window: simulated snapshot latencies (default 20,50,100).")
    List<Integer> latencies = List.of(20, 50, 100);

    @Option(names = "--repeats", description = "Window: runs per cell, median reported (default ${DEFAULT-VALUE}).")
    int repeats = 5;

    @Option(names = "--cs-agent-rtt-ms", description = "Window: modeled CloudStack management-server -> agent -> management"
            + " round trip of one FreezeThawVMCommand, transport only (default ${DEFAULT-VALUE}).")
    long agentRttMs = 30;

    @Option(names = "--sizes-gib", split = ",", description = "Size: volume sizes in GiB (default 1,10,100).")
    List<Integer> sizes = List.of(1, 10, 100);

    @Option(names = "--written-gib", description = "Size: data written per volume, capped at its size (default ${DEFAULT-VALUE}).")
    int writtenGiB = 2;

    @Option(names = "--store-size", description = "Size: sparse XFS image size (default ${DEFAULT-VALUE}).")
    String storeSize = "160G";

    @Option(names = "--plain-dir", description = "Size: no loop mount (no root needed); snapshots become full copies.")
    boolean plainDir;

    @Option(names = "--export-sizes-gib", split = ",", description = "Export: volume sizes in GiB (default 1,10,100).")
    List<Integer> exportSizes = List.of(1, 10, 100);

    @Option(names = "--export-data-mib", description = "Export: data written per volume (default ${DEFAULT-VALUE}).")
    int exportDataMiB = 1024;

    @Option(names = "--export-parts", split = ",", description = "Export: throughput,size,incremental (default: all).")
    List<String> exportParts = List.of("throughput", "size", "incremental");

    @Option(names = "--export-repeats", description = "Export: runs per measurement, median reported (default ${DEFAULT-VALUE}).")
    int exportRepeats = 3;

    @Option(names = "--vms", split = ",", description = "Concurrency: VM counts (default 1,8,32,64).")
    List<Integer> vms = List.of(1, 8, 32, 64);

    @Option(names = "--concurrency-latency-ms", description = "Concurrency: snapshot latency (default ${DEFAULT-VALUE}).")
    long concurrencyLatencyMs = 50;

    @Option(names = "--volumes-per-vm", description = "Concurrency: volumes per VM (default ${DEFAULT-VALUE}).")
    int volumesPerVm = 1;

    @Option(names = "--concurrency-repeats", description = "Concurrency: rounds per VM count (default ${DEFAULT-VALUE}).")
    int concurrencyRepeats = 5;

    private String[] arguments = new String[0];

    public static void main(String[] args) {
        Configurator.setRootLevel(Level.ERROR);
        BenchmarkMain main = new BenchmarkMain();
        main.arguments = args.clone();
        System.exit(new CommandLine(main).execute(args));
    }

    @Override
    public Integer call() throws Exception {
        Files.createDirectories(workRoot);
        workDir = Files.createTempDirectory(workRoot, "run-");
        try {
            return runSelected(System.out);
        } finally {
            deleteTree(workDir);
        }
    }

    private int runSelected(PrintStream out) throws Exception {
        Guests.AgentLatencies modeled = new Guests.AgentLatencies(Duration.ofMillis(freezeMs), Duration.ofMillis(thawMs),
                Duration.ofMillis(agentCallMs));
        out.println("# ElastiSnap benchmarks");
        out.println("machine: " + Machine.describe());
        out.println("started: " + Instant.now() + "; command: java -jar elastisnap-benchmarks.jar "
                + String.join(" ", arguments));
        List<String> missed = new ArrayList<>();
        if (benches.contains("window")) {
            out.println();
            out.println("## 1. Frozen window vs volume count");
            try (Guests g = windowGuests(modeled)) {
                out.println("guest: " + g.description());
                out.println("array: ElastiCenter simulator over loopback HTTPS (real client, pinned certificate),"
                        + " createStorageSnapshot delayed by the latency below");
                out.println("CloudStack model: freeze and thaw each cross one management-server <-> agent round trip of "
                        + agentRttMs + " ms (transport only), snapshots one volume after another");
                out.println("before: " + Machine.load());
                if (!new WindowBenchmark(out, g, workDir, volumes, latencies, repeats, Duration.ofMillis(agentRttMs)).run()) {
                    missed.add("window: ours exceeded latency + 100 ms");
                }
            }
        }
        if (benches.contains("size")) {
            out.println();
            out.println("## 2. Snapshot time vs volume size");
            out.println("before: " + Machine.load());
            if (!new SizeBenchmark(out, workDir.resolve("size"), sizes, writtenGiB, plainDir, storeSize).run()) {
                missed.add("size: our snapshot time grew with the volume size");
            }
        }
        if (benches.contains("export")) {
            out.println();
            out.println("## 4. Export of a snapshot off the array");
            out.println("before: " + Machine.load());
            if (!new ExportBenchmark(out, workDir.resolve("export"), exportSizes, exportDataMiB, exportRepeats, exportParts).run()) {
                missed.add("export: throughput ratio below 0.8, time not flat in size, or incremental not 10x smaller");
            }
        }
        if (benches.contains("concurrency")) {
            out.println();
            out.println("## 3. Concurrency: VMs snapshotted at once through one engine");
            int maxVms = vms.stream().mapToInt(Integer::intValue).max().orElse(1);
            try (Guests g = Guests.testDriver(workDir, maxVms, modeled)) {
                out.println("guests: " + g.description());
                out.println("array: one simulator, createStorageSnapshot latency " + concurrencyLatencyMs + " ms; "
                        + volumesPerVm + " volume(s) per VM; heap = peak of this JVM, which also runs the simulator");
                out.println("before: " + Machine.load());
                if (!new ConcurrencyBenchmark(out, g, workDir, vms, Duration.ofMillis(concurrencyLatencyMs), volumesPerVm,
                        concurrencyRepeats).run()) {
                    missed.add("concurrency: p99 window above 2x the single-VM window");
                }
            }
        }
        if (benches.contains("partial")) {
            out.println();
            out.println("## 5. Partial freeze: a snapshot of one volume freezes only its file system");
            if (E2eFixture.detect(System.getenv()).isEmpty()) {
                out.println("skipped: needs the e2e fixture's real guest (resources/e2e/fixture.sh start)");
            } else {
                out.println("guests: REAL QEMU guests (TCG, qemu-guest-agent), 1, then " + partialVolumes + " volumes, each its own"
                        + " ext4; whole = the same request without the volume's disk (the engine cannot map it); "
                        + partialRepeats + " runs of each, alternating, median; array: simulator, snapshot latency "
                        + partialLatencyMs + " ms");
                out.println("before: " + Machine.load());
                if (!new PartialFreezeBenchmark(out, System.getenv(), workDir, partialVolumes, partialRepeats,
                        Duration.ofMillis(partialLatencyMs)).run()) {
                    missed.add("partial: a partial freeze above 1.2x the single-file-system guest");
                }
            }
        }
        if (benches.contains("pool")) {
            out.println();
            out.println("## 6. Pool-level mode: group snapshots and per-volume restore");
            out.println("array: simulator over loopback HTTPS, createStorageSnapshot latency 50 ms; syncfs = sync -f of a"
                    + " directory standing for the pool's mount point; no thaw guard (the same in both columns)");
            out.println("before: " + Machine.load());
            PoolBenchmark pool = new PoolBenchmark(out, workDir);
            if (poolParts.contains("group-window")) {
                Optional<Guests> real = guest.equals("modeled") ? Optional.empty()
                        : Guests.realGuest(System.getenv(), workDir, m -> System.out.println("  " + m));
                if (real.isPresent()) {
                    try (Guests g = real.get()) {
                        out.println("guest for 1 VM: " + g.description());
                        pool.groupWindow(g, List.of(1), repeats, Duration.ofMillis(50), "real");
                    }
                }
                int maxVms = groupVms.stream().mapToInt(Integer::intValue).max().orElse(1);
                try (Guests g = Guests.testDriver(workDir, maxVms, modeled)) {
                    out.println("modeled guests: " + g.description());
                    pool.groupWindow(g, groupVms, repeats, Duration.ofMillis(50), "modeled");
                }
            }
            if (poolParts.contains("restore")) {
                out.println("before restores: " + Machine.load());
                pool.restoreTime(restoreVolumeMiB, restorePoolGiB, 256, 25, restoreRepeats);
            }
        }
        out.println();
        out.println("finished: " + Instant.now() + ", " + Machine.load());
        out.println(missed.isEmpty() ? "all targets met" : "targets missed: " + String.join("; ", missed));
        return missed.isEmpty() ? 0 : 1;
    }

    private static void deleteTree(Path root) throws IOException {
        try (Stream<Path> walk = Files.walk(root)) {
            for (Path p : (Iterable<Path>) walk.sorted(Comparator.reverseOrder())::iterator) {
                Files.deleteIfExists(p);
            }
        }
    }

    private Guests windowGuests(Guests.AgentLatencies modeled) throws Exception {
        if (!guest.equals("modeled")) {
            Optional<Guests> real = Guests.realGuest(System.getenv(), workDir, m -> System.out.println("  " + m));
            if (real.isPresent()) {
                return real.get();
            }
            if (guest.equals("real")) {
                throw new IllegalStateException("--guest real: no e2e fixture (start resources/e2e/fixture.sh)");
            }
        }
        return Guests.testDriver(workDir, 1, modeled);
    }
}
