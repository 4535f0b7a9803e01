// Licensed under the Apache License, Version 2.0. See LICENSE in the project root.
package io.elastisnap.bench;

import io.elastisnap.engine.ConsistencyEngineListener;
import io.elastisnap.engine.ConsistencyPolicy;
import io.elastisnap.engine.EngineRuntime;
import io.elastisnap.engine.FreezeLimits;
import io.elastisnap.engine.ThawGuard;
import io.elastisnap.engine.journal.FreezeJournal;
import io.elastisnap.engine.pool.ElastiCenterPoolArray;
import io.elastisnap.engine.pool.GroupMember;
import io.elastisnap.engine.pool.GroupSnapshotRequest;
import io.elastisnap.engine.pool.GroupSnapshotResult;
import io.elastisnap.engine.pool.GroupSnapshotter;
import io.elastisnap.engine.pool.LoopImageCloneHost;
import io.elastisnap.engine.pool.PoolFlusher;
import io.elastisnap.engine.pool.PoolSnapshotLedger;
import io.elastisnap.engine.pool.PoolVolume;
import io.elastisnap.engine.pool.VolumeRestore;
import io.elastisnap.simulator.SimVolume;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.UUID;

/**
 * Pool-level mode. (a) The frozen window of a group snapshot of 1, 4, 16 VMs on one pool (all frozen together, one
 * syncfs, one pool snapshot, all thawed) against the same VMs snapshotted one after another (one pool snapshot each),
 * in one run against one simulator. (b) The time to restore one volume from a pool snapshot against the volume's size
 * and against the pool's total size, on a real XFS pool volume loop-mounted, cloned and mounted as in production.
 */
final class PoolBenchmark {
    private static final FreezeLimits LIMITS = FreezeLimits.builder().maxFrozenWindow(Duration.ofSeconds(8)).build();
    private final PrintStream out;
    private final Path workDir;

    PoolBenchmark(PrintStream out, Path workDir) {
        this.out = out;
        this.workDir = workDir;
    }

    /** (a): the guests and the repeats are the caller's; returns the median group windows by VM count. */
    void groupWindow(Guests guests, List<Integer> vmCounts, int repeats, Duration snapshotLatency, String guestLabel) throws Exception {
        Path mount = Files.createDirectories(workDir.resolve("pool-" + UUID.randomUUID()));
        try (ArrayEndpoint array = new ArrayEndpoint(snapshotLatency, 64, null); EngineRuntime runtime = EngineRuntime.create(256)) {
            SimVolume poolVolume = array.simulator.provisionVolume("pool", 1L << 30);
            PoolVolume pool = new PoolVolume(poolVolume.id(), mount);
            ElastiCenterPoolArray poolArray = new ElastiCenterPoolArray(array.client);
            PoolSnapshotLedger ledger = new PoolSnapshotLedger(workDir.resolve("ledger-" + UUID.randomUUID()));
            FrozenSpan span = new FrozenSpan();
            GroupSnapshotter snapshotter = new GroupSnapshotter(guests.quiescer(), poolArray,
                    new FreezeJournal(workDir.resolve("journal")), runtime, span, ThawGuard.NONE, PoolFlusher.SYNCFS, ledger);
            Table table = new Table("guests", "VMs", "group: frozen window (first freeze → last thaw)",
                    "group: syncfs + 1 pool snapshot", "one after another: first freeze → last thaw", "one after another:"
                    + " pool snapshots", "ratio (one after another / group)");
            int run = 0;
            for (int vms : vmCounts) {
                List<Double> group = new ArrayList<>();
                List<Double> flush = new ArrayList<>();
                List<Double> sequential = new ArrayList<>();
                for (int r = 0; r < repeats + 1; r++) {
                    List<GroupMember> members = members(guests, vms, pool);
                    String id = "b" + (run++);
                    GroupSnapshotResult g = snapshotter.snapshot(new GroupSnapshotRequest(id, "esgroup-" + id, members));
                    span.reset();
                    for (GroupMember m : members) {
                        String one = "b" + (run++);
                        snapshotter.snapshot(new GroupSnapshotRequest(one, "esgroup-" + one, List.of(m)));
                    }
                    if (r > 0) { // the first round warms up the JIT, the connections and the guests
                        group.add(g.groupFrozenWindow().toNanos() / 1e6);
                        flush.add(g.flushAndSnapshot().toNanos() / 1e6);
                        sequential.add(span.millis());
                    }
                    for (PoolSnapshotLedger.Entry e : ledger.entries()) {
                        for (var ref : e.refs()) {
                            ledger.release(ref.id(), poolArray);
                        }
                    }
                }
                double gm = Stats.median(group);
                double sm = Stats.median(sequential);
                table.row(guestLabel, vms, fmt(gm), fmt(Stats.median(flush)), fmt(sm), vms, String.format(Locale.ROOT, "%.1f×", sm / gm));
            }
            table.print(out);
        }
    }

    /** First freeze start to last confirmed thaw over the snapshots since {@link #reset}, as the engines report them. */
    private static final class FrozenSpan implements ConsistencyEngineListener {
        private long first = Long.MAX_VALUE;
        private long last = Long.MIN_VALUE;

        synchronized void reset() {
            first = Long.MAX_VALUE;
            last = Long.MIN_VALUE;
        }

        @Override
        public synchronized void onThawed(String domainName, Duration frozenWindow, boolean byWatchdog) {
            long now = System.nanoTime();
            first = Math.min(first, now - frozenWindow.toNanos());
            last = Math.max(last, now);
        }

        synchronized double millis() {
            return (last - first) / 1e6;
        }
    }

    private static List<GroupMember> members(Guests guests, int count, PoolVolume pool) {
        if (guests.domains().size() < count) {
            throw new IllegalArgumentException(count + " VMs asked, " + guests.domains().size() + " guests available");
        }
        List<GroupMember> members = new ArrayList<>();
        for (int i = 0; i < count; i++) {
            String domain = guests.domains().get(i);
            members.add(new GroupMember(domain, ConsistencyPolicy.REQUIRED, List.of(), LIMITS, List.of(
                    new GroupMember.Disk("vda", pool, pool.mountPoint().resolve(domain + ".qcow2")))));
        }
        return members;
    }

    /**
     * (b): one XFS pool volume per pool size, loop-mounted; volumes of each size written with random data; restore in
     * place = clone the pool snapshot, loop-attach, mount (log recovery, nouuid), qemu-img convert, unmount, delete.
     */
    void restoreTime(List<Integer> volumeMiB, List<Integer> poolGiB, int fixedVolumeMiB, int fillerPercent, int repeats) throws Exception {
        try (ReflinkStore store = ReflinkStore.create(workDir, "200G");
             ArrayEndpoint array = new ArrayEndpoint(Duration.ZERO, 8, store.mountPoint().resolve("array"))) {
            out.println("  array: simulator volumes and snapshots as files on XFS reflink=1 (" + store.loopDevice()
                    + "); pool volume = XFS in such a file, loop-mounted; clone attached on a second loop device");
            Table bySize = new Table("volume size", "pool size", "restore total", "clone", "attach + mount", "qemu-img convert",
                    "clean-up");
            for (int mib : volumeMiB) {
                bySize.row(cells(restoreOnce(store, array, poolGiB.get(1), mib, fillerPercent, repeats), mib, poolGiB.get(1)));
            }
            out.println("  restore time vs volume size (pool " + poolGiB.get(1) + " GiB, " + fillerPercent + " % of it"
                    + " allocated by other files):");
            bySize.print(out);
            Table byPool = new Table("volume size", "pool size", "restore total", "clone", "attach + mount", "qemu-img convert",
                    "clean-up");
            for (int gib : poolGiB) {
                byPool.row(cells(restoreOnce(store, array, gib, fixedVolumeMiB, fillerPercent, repeats), fixedVolumeMiB, gib));
            }
            out.println("  restore time vs pool size (volume " + fixedVolumeMiB + " MiB; " + fillerPercent
                    + " % of each pool allocated by other files):");
            byPool.print(out);
        }
    }

    private static Object[] cells(List<VolumeRestore.Timings> runs, int mib, int gib) {
        return new Object[] {mib + " MiB", gib + " GiB", fmt(median(runs, t -> t.total)), fmt(median(runs, t -> t.clone)),
                fmt(median(runs, t -> t.attachAndMount)), fmt(median(runs, t -> t.copy)), fmt(median(runs, t -> t.cleanUp))};
    }

    private static double median(List<VolumeRestore.Timings> runs, java.util.function.Function<VolumeRestore.Timings, Duration> f) {
        List<Double> values = new ArrayList<>();
        runs.forEach(t -> values.add(f.apply(t).toNanos() / 1e6));
        return Stats.median(values);
    }

    private List<VolumeRestore.Timings> restoreOnce(ReflinkStore store, ArrayEndpoint array, int poolGiB, int volumeMiB,
            int fillerPercent, int repeats) throws Exception {
        SimVolume poolVolume = array.simulator.provisionVolume("pool-" + UUID.randomUUID().toString().substring(0, 8),
                (long) poolGiB << 30);
        Path image = poolVolume.imagePath();
        Shell.run(120, "mkfs.xfs", "-q", "-f", image.toString());
        String device = Shell.run(30, "losetup", "-f", "--show", image.toString());
        Path mount = Files.createDirectories(workDir.resolve("mnt-" + poolVolume.id()));
        Shell.run(60, "mount", device, mount.toString());
        try {
            long filler = (long) poolGiB * fillerPercent / 100;
            for (int i = 0; i < filler; i++) {
                Shell.run(60, "fallocate", "-l", "1G", mount.resolve("other-" + i + ".qcow2").toString());
            }
            Path raw = store.mountPoint().resolve("vm-" + poolVolume.id() + ".raw"); // beside the pool: it must not fill it
            Shell.run(600, "dd", "if=/dev/urandom", "of=" + raw, "bs=1M", "count=" + volumeMiB, "status=none");
            Path volume = mount.resolve("vm.qcow2");
            Shell.run(600, "qemu-img", "convert", "-f", "raw", "-O", "qcow2", raw.toString(), volume.toString());
            Files.delete(raw);
            Shell.run(60, "sync", "-f", mount.toString());
            PoolSnapshotLedger ledger = new PoolSnapshotLedger(workDir.resolve("ledger-" + poolVolume.id()));
            ElastiCenterPoolArray poolArray = new ElastiCenterPoolArray(array.client);
            ledger.begin("r", "esgroup-r", List.of(poolVolume.id()), List.of(
                    new io.elastisnap.engine.pool.PoolSnapshotRef("r/vm/vda", "vm", "vda", poolVolume.id(), "vm.qcow2")));
            ledger.commit(poolArray.create(poolVolume.id(), "esgroup-r"));
            VolumeRestore restore = new VolumeRestore(poolArray, new LoopImageCloneHost(image.getParent()), ledger,
                    workDir.resolve("restore"));
            List<VolumeRestore.Timings> runs = new ArrayList<>();
            for (int r = 0; r < repeats; r++) {
                dropCaches();
                runs.add(restore.restore("r/vm/vda", volume, true));
            }
            ledger.release("r/vm/vda", poolArray);
            return runs;
        } finally {
            Shell.run(60, "umount", mount.toString());
            Shell.run(30, "losetup", "-d", device);
            array.client.deleteFileSystem(poolVolume.id(), true);
        }
    }

    private static void dropCaches() {
        try {
            Shell.run(120, "sync");
            Files.writeString(Path.of("/proc/sys/vm/drop_caches"), "3");
        } catch (IOException e) {
            // not root: reads may come from memory, which favours every row alike
        }
    }

    private static String fmt(double millis) {
        return String.format(Locale.ROOT, "%.0f ms", millis);
    }
}
