// Licensed under the Apache License, Version 2.0. See LICENSE in the project root.
package io.elastisnap.e2e;

import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.function.Function;
import java.util.stream.Collectors;

import io.elastisnap.elasticenter.ElastiCenterClient;
import io.elastisnap.engine.ConsistencyEngine;
import io.elastisnap.engine.ConsistencyLevel;
import io.elastisnap.engine.ConsistencyPolicy;
import io.elastisnap.engine.ConsistentSnapshotRequest;
import io.elastisnap.engine.ConsistentSnapshotResult;
import io.elastisnap.engine.Timings;
import io.elastisnap.simulator.ElastiCenterSimulator;
import io.elastisnap.simulator.SimVolume;

/**
 * Measures the frozen window of the real engine on a real guest (not a test): for 1, 4 and 8 volumes, a TCG guest
 * with that many ext4 data disks, the simulator answering createStorageSnapshot after a fixed latency, policy
 * REQUIRED, the median of N runs of the engine's own timings. Needs the e2e fixture (resources/e2e/fixture.sh start).
 *
 * <pre>mvn -B -q -pl test/e2e test-compile exec:java [-Dexec.args="runs latencyMs volumeCounts..."]</pre>
 * Defaults: 25 runs, 50 ms, volume counts 1 4 8. Target: window &le; latency + 100 ms whatever the volume count.
 */
public final class FrozenWindowOnRealGuest {

    private static final long VOLUME_BYTES = 1L << 30;
    private static final int WARM_UP_RUNS = 3;
    private static final Duration TARGET_MARGIN = Duration.ofMillis(100);

    private FrozenWindowOnRealGuest() {
    }

    public static void main(String[] args) throws Exception {
        int runs = args.length > 0 ? Integer.parseInt(args[0]) : 25;
        Duration latency = Duration.ofMillis(args.length > 1 ? Long.parseLong(args[1]) : 50);
        List<Integer> volumeCounts = args.length > 2
                ? Arrays.stream(args, 2, args.length).map(Integer::valueOf).collect(Collectors.toList())
                : List.of(1, 4, 8);
        Fixture fixture = Fixture.loadOrThrow();

        List<String> rows = new ArrayList<>();
        for (int volumes : volumeCounts) {
            rows.add(measure(fixture, volumes, runs, latency));
        }
        System.out.println();
        System.out.printf("Frozen window on a real guest (QEMU TCG, qemu-ga, libvirt qemu:///system), policy REQUIRED,"
                + " simulator snapshot latency %d ms, median of %d runs (p90 in brackets), reflink store: %s%n",
                latency.toMillis(), runs, fixture.reflink());
        System.out.println("window = start of the freeze call until the agent confirmed 'thawed' (engine timings);"
                + " after freeze = window minus the freeze call (all file systems frozen until thawed)");
        System.out.printf("%-8s | %-15s | %-15s | %-15s | %-15s | %-15s | %-15s | %s%n", "volumes", "frozen window",
                "after freeze", "freeze call", "snapshots", "thaw call", "total", "window <= latency + 100 ms");
        rows.forEach(System.out::println);
    }

    private static String measure(Fixture fixture, int volumeCount, int runs, Duration latency) throws Exception {
        try (StoreDirectory store = StoreDirectory.create(fixture, "frozen-window-");
             ElastiCenterSimulator simulator = ElastiCenterSimulator.builder().dataDirectory(store.path())
                .snapshotLatency(latency).start();
             ElastiCenterClient client = EngineWiring.client(simulator.baseUrl(), simulator.apiKey(),
                     simulator.certificateSha256())) {
            List<SimVolume> volumes = new ArrayList<>();
            List<Path> images = new ArrayList<>();
            for (int i = 0; i < volumeCount; i++) {
                SimVolume volume = simulator.provisionVolume("window-" + volumeCount + "-" + i, VOLUME_BYTES);
                Ext4Image.format(volume.imagePath());
                volumes.add(volume);
                images.add(volume.imagePath());
            }
            try (GuestVm guest = GuestVm.boot(fixture, "window-" + volumeCount, images, false);
                 EngineWiring wiring = EngineWiring.create(fixture.libvirtUri(), client, store.path().resolve("journal"))) {
                ConsistencyEngine engine = wiring.engine();
                List<Timings> timings = new ArrayList<>();
                for (int run = 0; run < WARM_UP_RUNS + runs; run++) {
                    ConsistentSnapshotRequest.Builder request = ConsistentSnapshotRequest.builder(guest.name())
                            .policy(ConsistencyPolicy.REQUIRED);
                    String name = "window-run-" + run;
                    volumes.forEach(volume -> request.volume(volume.id(), name));
                    ConsistentSnapshotResult result = engine.snapshot(request.build());
                    if (result.level() != ConsistencyLevel.FS_FROZEN) {
                        throw new IllegalStateException("run " + run + " was not frozen: " + result);
                    }
                    if (run >= WARM_UP_RUNS) {
                        timings.add(result.timings());
                    }
                    // the engine's thaw keeper releases the domain just after snapshot() returned
                    if (!engine.awaitIdle(Duration.ofSeconds(30))) {
                        throw new IllegalStateException("engine still busy 30 s after run " + run);
                    }
                }
                if (!"thawed".equals(guest.freezeStatus())) {
                    throw new IllegalStateException(guest.name() + " is left frozen");
                }
                Duration window = median(timings, Timings::frozenWindow);
                boolean met = window.compareTo(latency.plus(TARGET_MARGIN)) <= 0;
                return String.format("%-8d | %-15s | %-15s | %-15s | %-15s | %-15s | %-15s | %s", volumeCount,
                        cell(timings, Timings::frozenWindow), cell(timings, t -> t.frozenWindow().minus(t.freeze())),
                        cell(timings, Timings::freeze),
                        cell(timings, Timings::snapshots), cell(timings, Timings::thaw), cell(timings, Timings::total),
                        (met ? "yes (" + window.toMillis() + " <= " : "NO (" + window.toMillis() + " > ")
                                + latency.plus(TARGET_MARGIN).toMillis() + ")");
            }
        }
    }

    private static String cell(List<Timings> timings, Function<Timings, Duration> phase) {
        return median(timings, phase).toMillis() + " ms [" + percentile(timings, phase, 0.9).toMillis() + "]";
    }

    private static Duration median(List<Timings> timings, Function<Timings, Duration> phase) {
        return percentile(timings, phase, 0.5);
    }

    private static Duration percentile(List<Timings> timings, Function<Timings, Duration> phase, double fraction) {
        List<Duration> values = timings.stream().map(phase).sorted().collect(Collectors.toList());
        if (values.isEmpty()) {
            return Duration.ZERO;
        }
        int index = (int) Math.ceil(fraction * values.size()) - 1;
        return values.get(Math.max(0, Math.min(values.size() - 1, index)));
    }
}
