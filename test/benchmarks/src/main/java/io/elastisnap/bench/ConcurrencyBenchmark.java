// Licensed under the Apache License, Version 2.0. See LICENSE in the project root.
package io.elastisnap.bench;

import io.elastisnap.engine.ConsistencyEngine;
import io.elastisnap.engine.ConsistencyPolicy;
import io.elastisnap.engine.ConsistentSnapshotRequest;
import io.elastisnap.engine.ConsistentSnapshotResult;
import io.elastisnap.engine.FreezeLimits;
import io.elastisnap.engine.journal.FreezeJournal;
import io.elastisnap.simulator.SimVolume;
import java.io.PrintStream;
import java.lang.management.ManagementFactory;
import java.lang.management.MemoryPoolMXBean;
import java.lang.management.MemoryType;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Locale;
import java.util.UUID;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;

/**
 * Benchmark 3: many domains snapshotted at the same moment through one engine (one agent process), each domain with
 * its own volumes, against one ElastiCenter with a fixed snapshot latency. Reports total time, throughput, frozen
 * window percentiles and the peak heap of the run.
 */
final class ConcurrencyBenchmark {
    private static final int WARM_UP_ROUNDS = 3;
    private final PrintStream out;
    private final Guests guests;
    private final Path workDir;
    private final List<Integer> vmCounts;
    private final Duration latency;
    private final int volumesPerVm;
    private final int repeats;

    ConcurrencyBenchmark(PrintStream out, Guests guests, Path workDir, List<Integer> vmCounts, Duration latency,
                         int volumesPerVm, int repeats) {
        this.out = out;
        this.guests = guests;
        this.workDir = workDir;
        this.vmCounts = vmCounts;
        this.latency = latency;
        this.volumesPerVm = volumesPerVm;
        this.repeats = repeats;
    }

    /** @return whether p99 at the largest count stayed within 2x the single-VM window */
    boolean run() throws Exception {
        int maxVms = vmCounts.stream().mapToInt(Integer::intValue).max().orElse(1);
        int connections = maxVms * volumesPerVm + 16;
        Table table = new Table("VMs at once", "volumes", "total time p50", "throughput", "guest frozen p50",
                "guest frozen p99", "p99 / single-VM p50", "engine window p99", "peak heap");
        boolean met = true;
        try (ArrayEndpoint array = new ArrayEndpoint(latency, connections, null)) {
            List<List<String>> volumes = new ArrayList<>();
            for (int vm = 0; vm < maxVms; vm++) {
                List<String> ids = new ArrayList<>();
                for (int v = 0; v < volumesPerVm; v++) {
                    SimVolume sv = array.simulator.provisionVolume("vm" + vm + "-vol" + v, 1024L * 1024 * 1024);
                    ids.add(sv.id());
                }
                volumes.add(ids);
            }
            ConsistencyEngine engine = new ConsistencyEngine(guests.quiescer(), array.snapshotter,
                    new FreezeJournal(workDir.resolve("concurrency-journal")));
            ExecutorService pool = Executors.newFixedThreadPool(maxVms);
            try {
                // JIT and one pooled TLS connection per concurrent call, outside the measurements
                for (int warmUp = 0; warmUp < WARM_UP_ROUNDS; warmUp++) {
                    round(engine, array, pool, volumes, maxVms);
                    for (int vm = 0; vm < maxVms; vm++) {
                        guests.quiescer().takeFrozenMillis(guests.domains().get(vm));
                    }
                }
                double single = -1;
                for (int vms : vmCounts) {
                    List<Double> windows = new ArrayList<>();
                    List<Double> bounds = new ArrayList<>();
                    List<Double> totals = new ArrayList<>();
                    long peakHeap = 0;
                    for (int r = 0; r < repeats; r++) {
                        System.gc();
                        resetPeakHeap();
                        long t0 = System.nanoTime();
                        bounds.addAll(round(engine, array, pool, volumes, vms));
                        totals.add(Stats.millis(System.nanoTime() - t0));
                        for (int vm = 0; vm < vms; vm++) {
                            windows.add(guests.quiescer().takeFrozenMillis(guests.domains().get(vm)));
                        }
                        peakHeap = Math.max(peakHeap, peakHeap());
                    }
                    double p50 = Stats.median(windows);
                    double p99 = Stats.percentile(windows, 99);
                    if (single < 0) {
                        single = p50;
                    }
                    double total = Stats.median(totals);
                    double ratio = p99 / single;
                    if (vms == maxVms) {
                        met = ratio <= 2.0;
                    }
                    table.row(vms, vms * volumesPerVm, WindowBenchmark.fmt(total),
                            String.format(Locale.ROOT, "%.1f VMs/s", vms / (total / 1000.0)),
                            WindowBenchmark.fmt(p50), WindowBenchmark.fmt(p99), String.format(Locale.ROOT, "%.2fx", ratio),
                            WindowBenchmark.fmt(Stats.percentile(bounds, 99)), String.format(Locale.ROOT, "%.0f MiB", peakHeap / 1048576.0));
                    out.printf(Locale.ROOT, "  %2d VM(s): total %s, window p50 %s p99 %s%n", vms, WindowBenchmark.fmt(total),
                            WindowBenchmark.fmt(p50), WindowBenchmark.fmt(p99));
                }
            } finally {
                pool.shutdownNow();
                pool.awaitTermination(30, TimeUnit.SECONDS);
            }
        }
        out.println();
        table.print(out);
        return met;
    }

    /** Starts {@code vms} snapshots at the same instant; returns their frozen windows (ms) and deletes the snapshots. */
    private List<Double> round(ConsistencyEngine engine, ArrayEndpoint array, ExecutorService pool,
                               List<List<String>> volumes, int vms) throws Exception {
        CountDownLatch start = new CountDownLatch(1);
        List<Future<ConsistentSnapshotResult>> futures = new ArrayList<>();
        for (int vm = 0; vm < vms; vm++) {
            String domain = guests.domains().get(vm);
            List<String> ids = volumes.get(vm);
            futures.add(pool.submit(() -> {
                start.await();
                String set = UUID.randomUUID().toString();
                ConsistentSnapshotRequest.Builder b = ConsistentSnapshotRequest.builder(domain)
                        .policy(ConsistencyPolicy.REQUIRED).limits(FreezeLimits.defaults());
                for (int i = 0; i < ids.size(); i++) {
                    b.volume(ids.get(i), "c-" + i + "-" + set);
                }
                return engine.snapshot(b.build());
            }));
        }
        start.countDown();
        List<Double> windows = new ArrayList<>();
        List<ConsistentSnapshotResult> results = new ArrayList<>();
        for (Future<ConsistentSnapshotResult> f : futures) {
            ConsistentSnapshotResult r = f.get(5, TimeUnit.MINUTES);
            results.add(r);
            windows.add(Stats.millis(r.timings().frozenWindow().toNanos()));
        }
        for (ConsistentSnapshotResult r : results) {
            array.deleteAll(r.snapshots().stream().map(ArrayEndpoint::of).collect(Collectors.toList()));
        }
        return Collections.unmodifiableList(windows);
    }

    private static void resetPeakHeap() {
        for (MemoryPoolMXBean pool : ManagementFactory.getMemoryPoolMXBeans()) {
            if (pool.getType() == MemoryType.HEAP) {
                pool.resetPeakUsage();
            }
        }
    }

    private static long peakHeap() {
        long sum = 0;
        for (MemoryPoolMXBean pool : ManagementFactory.getMemoryPoolMXBeans()) {
            if (pool.getType() == MemoryType.HEAP) {
                sum += pool.getPeakUsage().getUsed();
            }
        }
        return sum;
    }
}
