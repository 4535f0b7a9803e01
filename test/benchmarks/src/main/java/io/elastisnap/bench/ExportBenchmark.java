// Licensed under the Apache License, Version 2.0. See LICENSE in the project root.
package io.elastisnap.bench;

import io.elastisnap.elasticenter.ElastiCenterClient;
import io.elastisnap.elasticenter.ElastiCenterConfig;
import io.elastisnap.elasticenter.Secret;
import io.elastisnap.elasticenter.TlsTrust;
import io.elastisnap.simulator.ElastiCenterSimulator;
import io.elastisnap.simulator.SimVolume;
import io.elastisnap.transfer.ProgressListener;
import io.elastisnap.transfer.QemuImg;
import io.elastisnap.transfer.Sha256;
import io.elastisnap.transfer.SnapshotCopier;
import io.elastisnap.transfer.TransferJournal;
import io.elastisnap.transfer.TransferRecovery;
import io.elastisnap.transfer.VolumeAccess;
import io.elastisnap.transfer.WrittenImage;
import java.io.IOException;
import java.io.PrintStream;
import java.io.RandomAccessFile;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Base64;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Locale;
import java.util.Random;
import java.util.Set;

/**
 * Export of a snapshot off the (simulated) array, measured side by side in one run:
 * (a) throughput of our export (temporary clone, sparse qcow2, fsync, SHA-256, clone deleted) as a ratio to reading the
 * same snapshot's data to nowhere ({@code qemu-img convert} to a null target: the read limit) and to a plain local
 * {@code qemu-img convert -O qcow2} of the snapshot's image plus fsync; (b) export time and bytes for volumes of
 * different sizes holding the same data; (c) an incremental export after 1 % of the data blocks changed vs a full one,
 * next to what content-addressed chunks would have written for the same change (counted by hashing, not built).
 */
final class ExportBenchmark {
    private static final int BLOCK = 64 * 1024;
    private final PrintStream out;
    private final Path work;
    private final List<Integer> sizesGiB;
    private final int dataMiB;
    private final int repeats;
    private final List<String> parts;

    ExportBenchmark(PrintStream out, Path work, List<Integer> sizesGiB, int dataMiB, int repeats, List<String> parts) {
        this.out = out;
        this.work = work;
        this.sizesGiB = sizesGiB;
        this.dataMiB = dataMiB;
        this.repeats = repeats;
        this.parts = parts;
    }

    /** @return whether the targets were met (ratio >= 0.8 to both limits; incremental >= 10x fewer bytes) */
    boolean run() throws Exception {
        Files.createDirectories(work);
        boolean met = true;
        // the array on reflink XFS: a clone costs what a ZFS clone costs (nothing), as on ElastiStor
        try (ReflinkStore store = ReflinkStore.create(work, "160G");
             ElastiCenterSimulator sim = ElastiCenterSimulator.builder().dataDirectory(store.mountPoint().resolve("array"))
                     .start();
             ElastiCenterClient client = new ElastiCenterClient(ElastiCenterConfig.builder(sim.baseUrl(),
                     Secret.of(sim.apiKey())).trust(TlsTrust.pinnedSha256(sim.certificateSha256()))
                     .readTimeout(Duration.ofMinutes(5)).build())) {
            SnapshotCopier copier = new SnapshotCopier(client, new TransferJournal(work.resolve("journal")),
                    VolumeAccess.files(store.mountPoint().resolve("array") + "/volumes/{id}.img"), QemuImg.standard());
            out.println("array: simulator, volumes, snapshots and clones are image files on XFS " + store.mountPoint()
                    + (sim.reflinkSupported() ? " (reflink)" : " (sparse copies)") + "; target: " + work.resolve("out"));
            out.println("data: " + dataMiB + " MiB of random 64 KiB blocks in each volume; page cache dropped before"
                    + " every measurement; median of " + repeats);
            if (parts.contains("throughput")) {
                met &= throughput(sim, client, copier);
            }
            if (parts.contains("size")) {
                met &= flatInSize(sim, client, copier);
            }
            if (parts.contains("incremental")) {
                met &= incremental(sim, client, copier);
            }
        }
        return met;
    }

    private boolean throughput(ElastiCenterSimulator sim, ElastiCenterClient client, SnapshotCopier copier) throws Exception {
        long size = 4L << 30;
        SimVolume v = sim.provisionVolume("bench-tp", size);
        fill(v.imagePath(), dataMiB, 1);
        String snapshot = snapshot(client, v, "s1");
        Path snapshotImage = sim.snapshotImagePath(v.id(), "s1");
        List<Long> read = new ArrayList<>();
        List<Long> local = new ArrayList<>();
        List<Long> ours = new ArrayList<>();
        List<Long> hash = new ArrayList<>();
        Map<String, List<Long>> checksums = new LinkedHashMap<>();
        ChecksumOptions.names().forEach(name -> checksums.put(name, new ArrayList<>()));
        for (int i = 0; i < repeats; i++) {
            dropCaches();
            read.add(time(() -> Shell.run(3600, "qemu-img", "convert", "-n", "-f", "raw", snapshotImage.toString(),
                    "--target-image-opts", "driver=null-co,size=" + size)));
            Path localTarget = work.resolve("out/local.qcow2");
            Files.createDirectories(localTarget.getParent());
            dropCaches();
            local.add(time(() -> {
                Shell.run(3600, "qemu-img", "convert", "-f", "raw", "-O", "qcow2", snapshotImage.toString(), localTarget.toString());
                Shell.run(600, "sync", localTarget.toString());
            }));
            hash.add(time(() -> Sha256.of(localTarget))); // the file just written, as ours hashes it
            Files.deleteIfExists(localTarget);
            Path target = work.resolve("out/ours.qcow2");
            dropCaches();
            ours.add(time(() -> copier.copy(new SnapshotCopier.Request(v.id(), snapshot, target), ProgressListener.NONE)));
            Files.deleteIfExists(target);
            for (Map.Entry<String, List<Long>> option : checksums.entrySet()) {
                dropCaches();
                option.getValue().add(ChecksumOptions.timeCopy(option.getKey(), snapshotImage, localTarget));
            }
        }
        double mib = dataMiB;
        long r = median(read);
        long l = median(local);
        long o = median(ours);
        out.println();
        out.println("### Export throughput (4 GiB volume, " + dataMiB + " MiB of data)");
        new Table("path", "median time", "MiB/s of data", "ours as a ratio")
                .row("read the snapshot's data to nowhere (qemu-img convert to null-co)", ms(r), rate(mib, r), "")
                .row("local qemu-img convert -O qcow2 of the snapshot + fsync", ms(l), rate(mib, l), "")
                .row("SHA-256 of a written qcow2 alone (part of ours, not of local convert)", ms(median(hash)), "", "")
                .row("ours: clone + qcow2 + fsync + SHA-256 + clone deleted", ms(o), rate(mib, o),
                        String.format(Locale.ROOT, "%.2f of the read limit, %.2f of local convert", (double) r / o,
                                (double) l / o))
                .print(out);
        out.println("runs (ms): read " + read + ", local " + local + ", SHA-256 " + hash + ", ours " + ours);
        out.println();
        out.println("### Checksum options, each ending a local durable copy of the same snapshot (qemu-img convert, then fsync"
                + " at the same time as the checksum), taken in turn in each run");
        Table options = new Table("checksum", "median time", "as a ratio of the read limit", "runs (ms)");
        for (Map.Entry<String, List<Long>> option : checksums.entrySet()) {
            long m = median(option.getValue());
            options.row(option.getKey(), ms(m), String.format(Locale.ROOT, "%.2f", (double) r / m), option.getValue().toString());
        }
        options.print(out);
        return (double) r / o >= 0.8 && (double) l / o >= 0.8;
    }

    private boolean flatInSize(ElastiCenterSimulator sim, ElastiCenterClient client, SnapshotCopier copier) throws Exception {
        out.println();
        out.println("### Export time and bytes vs volume size (same " + dataMiB + " MiB of data)");
        Table t = new Table("volume", "median time", "bytes read", "bytes written", "on disk");
        List<Long> times = new ArrayList<>();
        for (int gib : sizesGiB) {
            SimVolume v = sim.provisionVolume("bench-" + gib + "g", (long) gib << 30);
            fill(v.imagePath(), dataMiB, 1);
            String snapshot = snapshot(client, v, "s1");
            List<Long> runs = new ArrayList<>();
            WrittenImage last = null;
            for (int i = 0; i < repeats; i++) {
                Path target = work.resolve("out/" + gib + ".qcow2");
                dropCaches();
                long started = System.nanoTime();
                last = copier.copy(new SnapshotCopier.Request(v.id(), snapshot, target), ProgressListener.NONE);
                runs.add((System.nanoTime() - started) / 1_000_000);
                Files.deleteIfExists(target);
            }
            times.add(median(runs));
            t.row(gib + " GiB", ms(median(runs)), mib(last.sourceDataBytes()), mib(last.fileBytes()), mib(last.allocatedBytes()));
            client.deleteSnapshot(v.id(), snapshot);
            client.deleteFileSystem(v.id(), true);
        }
        t.print(out);
        long min = times.stream().mapToLong(Long::longValue).min().orElse(1);
        long max = times.stream().mapToLong(Long::longValue).max().orElse(1);
        out.println(String.format(Locale.ROOT, "largest / smallest time: %.2f", (double) max / min));
        return (double) max / min <= 2.0;
    }

    private boolean incremental(ElastiCenterSimulator sim, ElastiCenterClient client, SnapshotCopier copier) throws Exception {
        boolean met = true;
        out.println();
        out.println("### Incremental export after 1 % of the data blocks changed (every 100th 64 KiB block of the "
                + dataMiB + " MiB, scattered) vs a full one, by volume size");
        Table sizes = new Table("volume", "full: time", "full: written", "incremental (rebase): time", "written",
                "full / incremental bytes", "qemu-img convert -B (local): time", "written");
        Path img1 = null;
        Path img2 = null;
        int blocks = 0;
        long firstFull = 0;
        for (int gib : sizesGiB) {
            SimVolume v = sim.provisionVolume("bench-inc-" + gib + "g", (long) gib << 30);
            blocks = fill(v.imagePath(), dataMiB, 1);
            String s1 = snapshot(client, v, "s1");
            Path fullFile = work.resolve("out/inc-" + gib + "/e1/vol.qcow2");
            dropCaches();
            WrittenImage full = copier.copy(new SnapshotCopier.Request(v.id(), s1, fullFile), ProgressListener.NONE);
            changeOnePercent(v.imagePath(), blocks);
            String s2 = snapshot(client, v, "s2");
            dropCaches();
            WrittenImage inc = copier.copy(new SnapshotCopier.Request(v.id(), s2, work.resolve("out/inc-" + gib + "/e2/vol.qcow2"))
                    .incrementalOn(fullFile), ProgressListener.NONE);
            // the alternative the issue asked about: convert with the previous export as backing file
            Path convertB = work.resolve("out/inc-" + gib + "/e2/convert-B.qcow2");
            Path image2 = sim.snapshotImagePath(v.id(), "s2");
            dropCaches();
            long convertMs = time(() -> {
                Shell.run(7200, "qemu-img", "convert", "-f", "raw", image2.toString(), "-O", "qcow2", "-B",
                        fullFile.toAbsolutePath().toString(), "-F", "qcow2", convertB.toString());
                Shell.run(600, "sync", convertB.toString());
            });
            long convertBytes = Files.size(convertB);
            double ratio = (double) full.fileBytes() / inc.fileBytes();
            met &= ratio >= 10;
            sizes.row(gib + " GiB", ms(full.durationMs()), mib(full.fileBytes()), ms(inc.durationMs()), mib(inc.fileBytes()),
                    String.format(Locale.ROOT, "%.1f", ratio), ms(convertMs), mib(convertBytes));
            if (img1 == null) {
                img1 = sim.snapshotImagePath(v.id(), "s1");
                img2 = image2;
                firstFull = full.fileBytes();
            } else {
                client.deleteSnapshot(v.id(), s1);
                client.deleteSnapshot(v.id(), s2);
                client.deleteFileSystem(v.id(), true);
            }
            TransferRecovery.deleteTree(work.resolve("out/inc-" + gib));
        }
        sizes.print(out);
        out.println();
        out.println("Content-addressed chunks for the same change on the " + sizesGiB.get(0) + " GiB volume (counted, not built):");
        Table t = new Table("chunks", "bytes that would be written", "full / this");
        for (int chunk : new int[] {64 << 10, 1 << 20, 4 << 20}) {
            long bytes = newChunkBytes(img1, img2, chunk, blocks);
            t.row("content-addressed chunks of " + (chunk >= 1 << 20 ? (chunk >> 20) + " MiB" : (chunk >> 10) + " KiB"),
                    mib(bytes), String.format(Locale.ROOT, "%.1f", (double) firstFull / bytes));
        }
        t.print(out);
        return met;
    }

    /** Bytes of chunks of the second image whose content the first has not: what a chunk store would add. */
    private static long newChunkBytes(Path first, Path second, int chunk, int dataBlocks) throws Exception {
        long dataBytes = (long) dataBlocks * BLOCK;
        Set<String> known = chunkHashes(first, chunk, dataBytes);
        long added = 0;
        for (String hash : chunkHashList(second, chunk, dataBytes)) {
            if (known.add(hash)) {
                added += chunk;
            }
        }
        return added;
    }

    private static Set<String> chunkHashes(Path image, int chunk, long dataBytes) throws Exception {
        return new HashSet<>(chunkHashList(image, chunk, dataBytes));
    }

    /** SHA-256 of each {@code chunk}-sized piece of the image's first {@code dataBytes}, in order. */
    private static List<String> chunkHashList(Path image, int chunk, long dataBytes) throws Exception {
        List<String> hashes = new ArrayList<>();
        MessageDigest digest = MessageDigest.getInstance("SHA-256");
        byte[] buf = new byte[chunk];
        try (RandomAccessFile raf = new RandomAccessFile(image.toFile(), "r")) {
            for (long off = 0; off < dataBytes; off += chunk) {
                raf.seek(off);
                raf.readFully(buf);
                hashes.add(Base64.getEncoder().encodeToString(digest.digest(buf)));
            }
        }
        return hashes;
    }

    /** Writes {@code mib} MiB of random 64 KiB blocks from offset 0; returns the block count. */
    private static int fill(Path image, int mib, long seed) throws IOException {
        int blocks = mib * 16;
        byte[] block = new byte[BLOCK];
        Random random = new Random(seed);
        try (RandomAccessFile raf = new RandomAccessFile(image.toFile(), "rw")) {
            for (int i = 0; i < blocks; i++) {
                random.nextBytes(block);
                raf.seek((long) i * BLOCK);
                raf.write(block);
            }
        }
        return blocks;
    }

    /** Rewrites every 100th data block; returns how many. */
    private static int changeOnePercent(Path image, int blocks) throws IOException {
        byte[] block = new byte[BLOCK];
        Random random = new Random(42);
        int changed = 0;
        try (RandomAccessFile raf = new RandomAccessFile(image.toFile(), "rw")) {
            for (int i = 37; i < blocks; i += 100) {
                random.nextBytes(block);
                raf.seek((long) i * BLOCK);
                raf.write(block);
                changed++;
            }
        }
        return changed;
    }

    private static String snapshot(ElastiCenterClient client, SimVolume v, String name) {
        client.createStorageSnapshot(v.id(), name);
        return client.findStorageSnapshot(v.id(), name).orElseThrow().path();
    }

    private interface Step {
        void run() throws Exception;
    }

    private static long time(Step step) throws Exception {
        long started = System.nanoTime();
        step.run();
        return (System.nanoTime() - started) / 1_000_000;
    }

    private static long median(List<Long> values) {
        Long[] sorted = values.toArray(new Long[0]);
        Arrays.sort(sorted);
        return sorted[sorted.length / 2];
    }

    private static String ms(long ms) {
        return ms + " ms";
    }

    private static String rate(double mib, long ms) {
        return String.format(Locale.ROOT, "%.0f", mib * 1000 / Math.max(1, ms));
    }

    private static String mib(long bytes) {
        return String.format(Locale.ROOT, "%.1f MiB", bytes / 1048576.0);
    }

    private static void dropCaches() {
        try {
            Shell.run(120, "sync");
            Files.writeString(Path.of("/proc/sys/vm/drop_caches"), "3");
        } catch (IOException e) {
            // not root: measured with warm caches, said in the README
        }
    }
}
