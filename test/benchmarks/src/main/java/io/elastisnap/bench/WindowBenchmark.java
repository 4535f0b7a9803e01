// Licensed under the Apache License, Version 2.0. See LICENSE in the project root.
package io.elastisnap.bench;

import io.elastisnap.engine.ArraySnapshot;
import io.elastisnap.engine.ConsistencyEngine;
import io.elastisnap.engine.ConsistencyPolicy;
import io.elastisnap.engine.ConsistentSnapshotRequest;
import io.elastisnap.engine.ConsistentSnapshotResult;
import io.elastisnap.engine.FreezeLimits;
import io.elastisnap.engine.journal.FreezeJournal;
import io.elastisnap.simulator.SimVolume;
import java.io.PrintStream;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.UUID;
import java.util.stream.Collectors;

/**
 * Benchmark 1: the guest's frozen window against the number of volumes, ours (one freeze on the host, parallel array
 * snapshots) side by side with the CloudStack StorageVMSnapshotStrategy model, same guest, same simulator, same client.
 */
final class WindowBenchmark {
    private static final Duration WARM_UP_LATENCY = Duration.ofMillis(5);

    private final PrintStream out;
    private final Guests guests;
    private final Path workDir;
    private final List<Integer> volumeCounts;
    private final List<Integer> latenciesMs;
    private final int repeats;
    private final Duration agentRoundTrip;

    WindowBenchmark(PrintStream out, Guests guests, Path workDir, List<Integer> volumeCounts, List<Integer> latenciesMs,
                    int repeats, Duration agentRoundTrip) {
        this.out = out;
        this.guests = guests;
        this.workDir = workDir;
        this.volumeCounts = volumeCounts;
        this.latenciesMs = latenciesMs;
        this.repeats = repeats;
        this.agentRoundTrip = agentRoundTrip;
    }

    /** @return whether ours met the target in every cell: median guest-frozen time <= latency + 100 ms */
    boolean run() throws Exception {
        String domain = guests.domains().get(0);
        int maxVolumes = volumeCounts.stream().mapToInt(Integer::intValue).max().orElse(1);
        Table table = new Table("snapshot latency", "volumes", "ours: guest frozen p50 (max)",
                "CloudStack model: guest frozen p50 (max)", "ratio CS / ours", "ours p50 <= latency + 100 ms",
                "ours: engine window p50", "CloudStack model: engine-style window p50");
        boolean allMet = true;
        warmUp(domain);
        for (int latency : latenciesMs) {
            try (ArrayEndpoint array = new ArrayEndpoint(Duration.ofMillis(latency), 2 * maxVolumes + 8, null)) {
                List<String> volumes = provision(array, maxVolumes);
                ConsistencyEngine engine = engine(array, "window-" + latency);
                CloudStackModel cloudStack = new CloudStackModel(guests.quiescer(), array.snapshotter, agentRoundTrip);
                // opens (TLS handshakes) every pooled connection the largest count needs, outside the measurements
                ours(engine, array, domain, volumes);
                guests.quiescer().takeFrozenMillis(domain);
                for (int n : volumeCounts) {
                    List<Double> ours = new ArrayList<>();
                    List<Double> oursBound = new ArrayList<>();
                    List<Double> theirs = new ArrayList<>();
                    List<Double> theirsBound = new ArrayList<>();
                    for (int r = 0; r < repeats; r++) {
                        oursBound.add(ours(engine, array, domain, volumes.subList(0, n)));
                        ours.add(guests.quiescer().takeFrozenMillis(domain));
                        theirsBound.add(cloudStack(cloudStack, array, domain, volumes.subList(0, n)));
                        theirs.add(guests.quiescer().takeFrozenMillis(domain));
                    }
                    double o = Stats.median(ours);
                    double t = Stats.median(theirs);
                    boolean met = o <= latency + 100;
                    boolean maxMet = Stats.percentile(ours, 100) <= latency + 100;
                    allMet &= met;
                    table.row(latency + " ms", n, fmt(o) + " (" + fmt(Stats.percentile(ours, 100)) + ")",
                            fmt(t) + " (" + fmt(Stats.percentile(theirs, 100)) + ")",
                            String.format(Locale.ROOT, "%.1fx", t / o), (met ? "yes" : "NO") + (maxMet ? "" : " (max above)"),
                            fmt(Stats.median(oursBound)), fmt(Stats.median(theirsBound)));
                    out.printf(Locale.ROOT, "  latency %3d ms, %2d volume(s): guest frozen: ours %s, CloudStack model %s%n",
                            latency, n, fmt(o), fmt(t));
                }
            }
        }
        out.println();
        table.print(out);
        return allMet;
    }

    /** JIT, TLS sessions and pooled connections warm up outside the measurements. */
    private void warmUp(String domain) throws Exception {
        try (ArrayEndpoint array = new ArrayEndpoint(WARM_UP_LATENCY, 8, null)) {
            List<String> volumes = provision(array, 2);
            ConsistencyEngine engine = engine(array, "warm-up");
            CloudStackModel cloudStack = new CloudStackModel(guests.quiescer(), array.snapshotter, agentRoundTrip);
            for (int i = 0; i < 3; i++) {
                ours(engine, array, domain, volumes);
                cloudStack(cloudStack, array, domain, volumes);
            }
            guests.quiescer().takeFrozenMillis(domain);
        }
    }

    private ConsistencyEngine engine(ArrayEndpoint array, String journalName) {
        return new ConsistencyEngine(guests.quiescer(), array.snapshotter, new FreezeJournal(workDir.resolve(journalName)));
    }

    private static List<String> provision(ArrayEndpoint array, int count) {
        List<String> ids = new ArrayList<>();
        for (int i = 0; i < count; i++) {
            SimVolume v = array.simulator.provisionVolume("bench-vol-" + i, 1024L * 1024 * 1024);
            ids.add(v.id());
        }
        return ids;
    }

    private static double ours(ConsistencyEngine engine, ArrayEndpoint array, String domain, List<String> volumes)
            throws Exception {
        String set = UUID.randomUUID().toString();
        ConsistentSnapshotRequest.Builder b = ConsistentSnapshotRequest.builder(domain).policy(ConsistencyPolicy.REQUIRED)
                .limits(FreezeLimits.defaults());
        for (int i = 0; i < volumes.size(); i++) {
            b.volume(volumes.get(i), "ours-" + i + "-" + set);
        }
        ConsistentSnapshotResult r = engine.snapshot(b.build());
        array.deleteAll(r.snapshots().stream().map(ArrayEndpoint::of).collect(Collectors.toList()));
        return Stats.millis(r.timings().frozenWindow().toNanos());
    }

    private static double cloudStack(CloudStackModel model, ArrayEndpoint array, String domain, List<String> volumes)
            throws Exception {
        String set = UUID.randomUUID().toString();
        List<String> names = new ArrayList<>();
        for (int i = 0; i < volumes.size(); i++) {
            names.add("cs-" + i + "-" + set);
        }
        CloudStackModel.Outcome o = model.snapshot(domain, volumes, names);
        List<ArraySnapshot> taken = o.snapshots;
        array.deleteAll(taken);
        return Stats.millis(o.frozenWindow.toNanos());
    }

    static String fmt(double ms) {
        return String.format(Locale.ROOT, "%.0f ms", ms);
    }
}
