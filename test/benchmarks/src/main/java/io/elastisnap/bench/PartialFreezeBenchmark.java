// Licensed under the Apache License, Version 2.0. See LICENSE in the project root.
package io.elastisnap.bench;

import io.elastisnap.engine.ConsistencyEngine;
import io.elastisnap.engine.ConsistencyPolicy;
import io.elastisnap.engine.ConsistentSnapshotRequest;
import io.elastisnap.engine.ConsistentSnapshotResult;
import io.elastisnap.engine.FreezeLimits;
import io.elastisnap.engine.FreezeScope;
import io.elastisnap.engine.journal.FreezeJournal;
import java.io.PrintStream;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.UUID;
import java.util.function.Consumer;
import java.util.stream.Collectors;

/**
 * Benchmark 4: a snapshot of one data volume of a real guest with 4 and 8 volumes (each its own ext4), partial freeze
 * (only the file system on that volume) side by side with the whole-guest freeze, alternating in one run, and against
 * a guest with a single file system. The whole-guest side is the same request without the volume's disk, so the
 * engine cannot map it and freezes everything, as before partial freezes existed.
 */
final class PartialFreezeBenchmark {
    private static final double TARGET_VS_SINGLE = 1.20;
    private static final int WARM_UP_RUNS = 3;

    private final PrintStream out;
    private final Map<String, String> env;
    private final Path workDir;
    private final List<Integer> volumeCounts;
    private final int repeats;
    private final Duration snapshotLatency;
    private final Consumer<String> progress;

    PartialFreezeBenchmark(PrintStream out, Map<String, String> env, Path workDir, List<Integer> volumeCounts, int repeats,
            Duration snapshotLatency) {
        this.out = out;
        this.env = env;
        this.workDir = workDir;
        this.volumeCounts = volumeCounts;
        this.repeats = repeats;
        this.snapshotLatency = snapshotLatency;
        this.progress = m -> out.println("  " + m);
    }

    /** Medians of one guest: partial and whole-guest freeze call and frozen window, in ms. */
    private static final class Row {
        final int fileSystems;
        final double partialFreeze;
        final double wholeFreeze;
        final double partialWindow;
        final double wholeWindow;
        final String scope;

        Row(int fileSystems, double partialFreeze, double wholeFreeze, double partialWindow, double wholeWindow, String scope) {
            this.fileSystems = fileSystems;
            this.partialFreeze = partialFreeze;
            this.wholeFreeze = wholeFreeze;
            this.partialWindow = partialWindow;
            this.wholeWindow = wholeWindow;
            this.scope = scope;
        }
    }

    /** @return whether the partial freeze stayed within 20 % of the single-file-system guest (freeze call and window) */
    boolean run() throws Exception {
        List<Row> rows = new ArrayList<>();
        Row single = measure(1);
        for (int n : volumeCounts) {
            rows.add(measure(n));
        }
        Table table = new Table("guest", "snapshot of", "freeze call: partial / whole (ratio)",
                "frozen window: partial / whole (ratio)", "partial vs 1-fs guest: freeze call / window",
                "within 20 %", "scope of the partial run");
        table.row("1 volume, 1 fs", "vda", fmt(single.partialFreeze), fmt(single.partialWindow), "1.00 / 1.00", "-", single.scope);
        boolean met = true;
        for (Row r : rows) {
            double freezeVsSingle = r.partialFreeze / single.partialFreeze;
            double windowVsSingle = r.partialWindow / single.partialWindow;
            boolean within = freezeVsSingle <= TARGET_VS_SINGLE && windowVsSingle <= TARGET_VS_SINGLE;
            met &= within;
            table.row(r.fileSystems + " volumes, " + r.fileSystems + " fs", "vdb (1 of " + r.fileSystems + ")",
                    fmt(r.partialFreeze) + " / " + fmt(r.wholeFreeze) + " (" + ratio(r.wholeFreeze / r.partialFreeze) + ")",
                    fmt(r.partialWindow) + " / " + fmt(r.wholeWindow) + " (" + ratio(r.wholeWindow / r.partialWindow) + ")",
                    String.format(Locale.ROOT, "%.2f / %.2f", freezeVsSingle, windowVsSingle), within ? "yes" : "NO", r.scope);
        }
        out.println();
        table.print(out);
        return met;
    }

    private Row measure(int volumeCount) throws Exception {
        Path dir = workDir.resolve("partial-" + volumeCount);
        try (Guests guests = Guests.realGuest(env, dir, progress, volumeCount).orElseThrow(
                () -> new IllegalStateException("the partial-freeze benchmark needs the e2e fixture (resources/e2e/fixture.sh start)"));
             ArrayEndpoint array = new ArrayEndpoint(snapshotLatency, 4, null)) {
            String domain = guests.domains().get(0);
            String volume = array.simulator.provisionVolume("partial-bench-" + volumeCount, 1L << 30).id();
            ConsistencyEngine engine = new ConsistencyEngine(guests.quiescer(), array.snapshotter,
                    new FreezeJournal(dir.resolve("journal")));
            String disk = volumeCount == 1 ? "vda" : "vdb";
            List<Double> partialFreeze = new ArrayList<>();
            List<Double> wholeFreeze = new ArrayList<>();
            List<Double> partialWindow = new ArrayList<>();
            List<Double> wholeWindow = new ArrayList<>();
            String scope = "";
            for (int r = 0; r < WARM_UP_RUNS + repeats; r++) {
                ConsistentSnapshotResult partial = snapshot(engine, array, domain, volume, disk);
                ConsistentSnapshotResult whole = snapshot(engine, array, domain, volume, null);
                if (whole.freezeScope().map(FreezeScope::isPartial).orElse(true)) {
                    throw new IllegalStateException("the whole-guest run froze " + whole.freezeScope());
                }
                scope = partial.freezeScope().map(FreezeScope::describe).orElse("not frozen");
                if (r >= WARM_UP_RUNS) {
                    partialFreeze.add(Stats.millis(partial.timings().freeze().toNanos()));
                    partialWindow.add(Stats.millis(partial.timings().frozenWindow().toNanos()));
                    wholeFreeze.add(Stats.millis(whole.timings().freeze().toNanos()));
                    wholeWindow.add(Stats.millis(whole.timings().frozenWindow().toNanos()));
                }
            }
            out.printf(Locale.ROOT, "  %d volume(s): freeze call partial %s / whole %s, frozen window partial %s / whole %s; %s%n",
                    volumeCount, fmt(Stats.median(partialFreeze)), fmt(Stats.median(wholeFreeze)),
                    fmt(Stats.median(partialWindow)), fmt(Stats.median(wholeWindow)), scope);
            return new Row(volumeCount, Stats.median(partialFreeze), Stats.median(wholeFreeze), Stats.median(partialWindow),
                    Stats.median(wholeWindow), scope);
        }
    }

    /** One snapshot of {@code volume} attached as {@code disk}; without a disk the engine freezes the whole guest. */
    private static ConsistentSnapshotResult snapshot(ConsistencyEngine engine, ArrayEndpoint array, String domain, String volume,
            String disk) throws Exception {
        ConsistentSnapshotResult result = engine.snapshot(ConsistentSnapshotRequest.builder(domain).policy(ConsistencyPolicy.REQUIRED)
                .limits(FreezeLimits.defaults()).volume(volume, "partial-" + UUID.randomUUID(), disk).build());
        array.deleteAll(result.snapshots().stream().map(ArrayEndpoint::of).collect(Collectors.toList()));
        return result;
    }

    private static String fmt(double ms) {
        return String.format(Locale.ROOT, "%.0f ms", ms);
    }

    private static String ratio(double r) {
        return String.format(Locale.ROOT, "%.2fx", r);
    }
}
