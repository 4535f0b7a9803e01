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
 * (only the file system on that volume) side by side with the whole-guest freeze, and against a guest with a single
 * file system. The three guests run at once and are measured round after round, so the shared machine's load varies
 * alike for all of them. The whole-guest side is the same request without the volume's disk, so the
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

    /** One booted guest and its samples: partial and whole-guest freeze call and frozen window, in ms. */
    private static final class GuestUnderTest implements AutoCloseable {
        final int volumes;
        final Guests guests;
        final ConsistencyEngine engine;
        final String domain;
        final String disk;
        final List<Double> partialFreeze = new ArrayList<>();
        final List<Double> wholeFreeze = new ArrayList<>();
        final List<Double> partialWindow = new ArrayList<>();
        final List<Double> wholeWindow = new ArrayList<>();
        String scope = "";

        GuestUnderTest(int volumes, Guests guests, ConsistencyEngine engine) {
            this.volumes = volumes;
            this.guests = guests;
            this.engine = engine;
            this.domain = guests.domains().get(0);
            this.disk = volumes == 1 ? "vda" : "vdb";
        }

        @Override
        public void close() {
            guests.close();
        }
    }

    /** @return whether the partial freeze stayed within 20 % of the single-file-system guest (freeze call and window) */
    boolean run() throws Exception {
        List<GuestUnderTest> guests = new ArrayList<>();
        try (ArrayEndpoint array = new ArrayEndpoint(snapshotLatency, 4, null)) {
            String volume = array.simulator.provisionVolume("partial-bench", 1L << 30).id();
            List<Integer> counts = new ArrayList<>();
            counts.add(1);
            counts.addAll(volumeCounts);
            for (int n : counts) {
                Path dir = workDir.resolve("partial-" + n);
                Guests booted = Guests.realGuest(env, dir, progress, n).orElseThrow(() -> new IllegalStateException(
                        "the partial-freeze benchmark needs the e2e fixture (resources/e2e/fixture.sh start)"));
                guests.add(new GuestUnderTest(n, booted, new ConsistencyEngine(booted.quiescer(), array.snapshotter,
                        new FreezeJournal(dir.resolve("journal")))));
            }
            // round after round over every guest, so a change of the shared machine's load hits all of them alike
            for (int r = 0; r < WARM_UP_RUNS + repeats; r++) {
                for (GuestUnderTest g : guests) {
                    measureOnce(g, array, volume, r >= WARM_UP_RUNS);
                }
            }
        } finally {
            guests.forEach(GuestUnderTest::close);
        }
        return print(guests);
    }

    private static void measureOnce(GuestUnderTest g, ArrayEndpoint array, String volume, boolean keep) throws Exception {
        ConsistentSnapshotResult partial = snapshot(g.engine, array, g.domain, volume, g.disk);
        ConsistentSnapshotResult whole = snapshot(g.engine, array, g.domain, volume, null);
        if (whole.freezeScope().map(FreezeScope::isPartial).orElse(true)) {
            throw new IllegalStateException("the whole-guest run froze " + whole.freezeScope());
        }
        g.scope = partial.freezeScope().map(FreezeScope::describe).orElse("not frozen");
        if (keep) {
            g.partialFreeze.add(Stats.millis(partial.timings().freeze().toNanos()));
            g.partialWindow.add(Stats.millis(partial.timings().frozenWindow().toNanos()));
            g.wholeFreeze.add(Stats.millis(whole.timings().freeze().toNanos()));
            g.wholeWindow.add(Stats.millis(whole.timings().frozenWindow().toNanos()));
        }
    }

    private boolean print(List<GuestUnderTest> guests) {
        Table table = new Table("guest", "snapshot of", "freeze call: partial / whole (ratio)",
                "frozen window: partial / whole (ratio)", "partial vs 1-fs guest: freeze call / window",
                "within 20 %", "scope of the partial run");
        GuestUnderTest single = guests.get(0);
        double singleFreeze = Stats.median(single.partialFreeze);
        double singleWindow = Stats.median(single.partialWindow);
        table.row("1 volume, 1 fs", "vda", fmt(singleFreeze), fmt(singleWindow), "1.00 / 1.00", "-", single.scope);
        boolean met = true;
        for (GuestUnderTest g : guests.subList(1, guests.size())) {
            double partialFreeze = Stats.median(g.partialFreeze);
            double wholeFreeze = Stats.median(g.wholeFreeze);
            double partialWindow = Stats.median(g.partialWindow);
            double wholeWindow = Stats.median(g.wholeWindow);
            double freezeVsSingle = partialFreeze / singleFreeze;
            double windowVsSingle = partialWindow / singleWindow;
            boolean within = freezeVsSingle <= TARGET_VS_SINGLE && windowVsSingle <= TARGET_VS_SINGLE;
            met &= within;
            out.printf(Locale.ROOT, "  %d volumes: freeze call partial %s / whole %s, frozen window partial %s / whole %s%n",
                    g.volumes, fmt(partialFreeze), fmt(wholeFreeze), fmt(partialWindow), fmt(wholeWindow));
            table.row(g.volumes + " volumes, " + g.volumes + " fs", "vdb (1 of " + g.volumes + ")",
                    fmt(partialFreeze) + " / " + fmt(wholeFreeze) + " (" + ratio(wholeFreeze / partialFreeze) + ")",
                    fmt(partialWindow) + " / " + fmt(wholeWindow) + " (" + ratio(wholeWindow / partialWindow) + ")",
                    String.format(Locale.ROOT, "%.2f / %.2f", freezeVsSingle, windowVsSingle), within ? "yes" : "NO", g.scope);
        }
        out.println();
        table.print(out);
        return met;
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
