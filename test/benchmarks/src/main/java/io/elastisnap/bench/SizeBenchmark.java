// Licensed under the Apache License, Version 2.0. See LICENSE in the project root.
package io.elastisnap.bench;

import io.elastisnap.engine.ArraySnapshot;
import io.elastisnap.simulator.SimVolume;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.ThreadLocalRandom;
import java.util.stream.Stream;

/**
 * Benchmark 2: time to snapshot one volume against its size. Ours: createStorageSnapshot on the simulator, whose
 * storage is a reflink XFS (copy-on-write, like ElastiStor's ZFS). CloudStack's default KVM volume snapshot path:
 * a full {@code qemu-img convert -O qcow2} copy of the volume to another file system (its secondary storage), the
 * step that dominates its cost (the disk-only snapshot and blockcommit around it are left out, in its favour).
 */
final class SizeBenchmark {
    private static final long GIB = 1024L * 1024 * 1024;
    private static final int CHUNK = 64 * 1024 * 1024;

    private final PrintStream out;
    private final Path workDir;
    private final List<Integer> sizesGiB;
    private final int writtenGiB;
    private final boolean plainDirectory;
    private final String storeSize;
    private boolean cachesDropped;

    SizeBenchmark(PrintStream out, Path workDir, List<Integer> sizesGiB, int writtenGiB, boolean plainDirectory,
                  String storeSize) {
        this.out = out;
        this.workDir = workDir;
        this.sizesGiB = sizesGiB;
        this.writtenGiB = writtenGiB;
        this.plainDirectory = plainDirectory;
        this.storeSize = storeSize;
    }

    /** @return whether our snapshot time stayed flat (largest size within 3x of the smallest, +20 ms) */
    boolean run() throws Exception {
        Files.createDirectories(workDir);
        ReflinkStore store = plainDirectory ? null : ReflinkStore.create(workDir, storeSize);
        Path secondary = workDir.resolve("secondary");
        Files.createDirectories(secondary);
        try (ArrayEndpoint array = new ArrayEndpoint(Duration.ZERO, 8,
                (store == null ? workDir : store.mountPoint()).resolve("array"))) {
            out.println("  array storage: " + (store == null ? workDir + " (plain directory)" : "XFS reflink=1 on "
                    + store.loopDevice() + " mounted at " + store.mountPoint()) + "; snapshots are "
                    + (array.simulator.reflinkSupported() ? "reflink copies" : "FULL copies (no reflink here)"));
            out.println("  CloudStack copy target (secondary storage): " + secondary + " (" + Shell.run(10, "stat", "-f",
                    "-c", "%T", secondary.toString()) + ")");
            out.println("  qemu-img: " + Shell.run(10, "qemu-img", "--version").split("\n")[0]);
            Table table = new Table("volume size", "data written", "ours: array snapshot", "CloudStack: qemu-img convert copy",
                    "copy size", "ratio CS / ours");
            SimVolume warm = array.simulator.provisionVolume("bench-warm-up", 64L * 1024 * 1024);
            measure(array, warm, "warm-up", null);
            double smallest = -1;
            double largest = -1;
            for (int size : sizesGiB) {
                SimVolume volume = array.simulator.provisionVolume("bench-" + size + "g", size * GIB);
                double sparse = measure(array, volume, "sparse", table);
                long written = Math.min(writtenGiB * GIB, size * GIB);
                out.printf(Locale.ROOT, "  writing %.1f GiB of random data into the %d GiB volume%n", written / (double) GIB, size);
                writeData(volume.imagePath(), size * GIB, written);
                double full = measure(array, volume, String.format(Locale.ROOT, "%.0f GiB", written / (double) GIB), table);
                double worst = Math.max(sparse, full);
                smallest = smallest < 0 ? worst : Math.min(smallest, worst);
                largest = Math.max(largest, worst);
                array.client.deleteFileSystem(volume.id(), true);
            }
            out.println("  page cache " + (cachesDropped ? "dropped before every measurement (cold reads)"
                    : "NOT dropped (no permission): copies may read from memory, which favours the copy"));
            out.println();
            table.print(out);
            return largest <= 3 * smallest + 20;
        } finally {
            deleteTree(secondary);
            if (store != null) {
                store.close();
            }
        }
    }

    /** @return our snapshot time in ms */
    private double measure(ArrayEndpoint array, SimVolume volume, String state, Table table) throws IOException {
        String name = "size-" + state.replaceAll("[^A-Za-z0-9]", "") + "-" + System.nanoTime();
        dropCaches();
        long t0 = System.nanoTime();
        ArraySnapshot snapshot = array.snapshotter.create(volume.id(), name);
        double ours = Stats.millis(System.nanoTime() - t0);
        array.deleteAll(List.of(snapshot));

        Path copy = workDir.resolve("secondary").resolve(name + ".qcow2");
        dropCaches();
        t0 = System.nanoTime();
        Shell.run(3600, "qemu-img", "convert", "-O", "qcow2", "-U", "-f", "raw", volume.imagePath().toString(), copy.toString());
        Shell.run(600, "sync", copy.toString());
        double theirs = Stats.millis(System.nanoTime() - t0);
        long copyBytes = Files.size(copy);
        Files.delete(copy);
        if (table != null) {
            table.row((volume.sizeBytes() / GIB) + " GiB", state, WindowBenchmark.fmt(ours), WindowBenchmark.fmt(theirs),
                    String.format(Locale.ROOT, "%.2f GiB", copyBytes / (double) GIB),
                    String.format(Locale.ROOT, "%.0fx", theirs / ours));
            out.printf(Locale.ROOT, "  %3d GiB %-8s ours %s, CloudStack copy %s%n", volume.sizeBytes() / GIB, state,
                    WindowBenchmark.fmt(ours), WindowBenchmark.fmt(theirs));
        }
        return ours;
    }

    /** Random (incompressible) data in 64 MiB chunks spread evenly over the volume, then fsync. */
    private static void writeData(Path image, long volumeBytes, long bytes) throws IOException {
        int chunks = (int) (bytes / CHUNK);
        long stride = volumeBytes / chunks;
        byte[] data = new byte[CHUNK];
        ThreadLocalRandom.current().nextBytes(data);
        try (FileChannel ch = FileChannel.open(image, StandardOpenOption.WRITE)) {
            for (int i = 0; i < chunks; i++) {
                data[i % CHUNK] ^= (byte) (i + 1);
                ByteBuffer buf = ByteBuffer.wrap(data);
                long position = (long) i * stride;
                while (buf.hasRemaining()) {
                    position += ch.write(buf, position);
                }
            }
            ch.force(true);
        }
    }

    private void dropCaches() {
        try {
            Shell.run(120, "sync");
            Files.writeString(Path.of("/proc/sys/vm/drop_caches"), "3");
            cachesDropped = true;
        } catch (IOException e) {
            cachesDropped = false;
        }
    }

    private static void deleteTree(Path root) throws IOException {
        if (!Files.exists(root)) {
            return;
        }
        try (Stream<Path> walk = Files.walk(root)) {
            for (Path p : (Iterable<Path>) walk.sorted(Comparator.reverseOrder())::iterator) {
                Files.deleteIfExists(p);
            }
        }
    }
}
