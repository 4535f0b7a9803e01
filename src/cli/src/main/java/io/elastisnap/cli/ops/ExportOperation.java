// Licensed under the Apache License, Version 2.0. See LICENSE in the project root.
package io.elastisnap.cli.ops;

import com.google.gson.JsonArray;
import com.google.gson.JsonObject;
import io.elastisnap.cli.CliContext;
import io.elastisnap.cli.CliException;
import io.elastisnap.cli.ExitCode;
import io.elastisnap.cli.output.Table;
import io.elastisnap.cli.store.SnapshotSet;
import io.elastisnap.cli.store.VolumeRecord;
import io.elastisnap.elasticenter.ElastiCenterException;
import io.elastisnap.transfer.ExportManifest;
import io.elastisnap.transfer.ProgressListener;
import io.elastisnap.transfer.QemuImg;
import io.elastisnap.transfer.SnapshotCopier;
import io.elastisnap.transfer.TransferException;
import io.elastisnap.transfer.TransferJournal;
import io.elastisnap.transfer.TransferRecovery;
import io.elastisnap.transfer.VolumeAccess;
import io.elastisnap.transfer.WrittenImage;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.FileStore;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.function.Function;

/**
 * export: copies every volume of a complete snapshot set off the array into {@code <DIR>/<domain>/<export>/}, each
 * as a sparse qcow2 (incremental on the domain's newest earlier export of the same volume unless {@code --full} or
 * the chain is already {@code maxChain} long), writes the manifest last and renames the directory into place. A
 * failure removes the whole export directory and every temporary clone; a kill leaves them journaled, and the next
 * export or reconcile removes them.
 */
public final class ExportOperation {
    private final CliContext ctx;

    public ExportOperation(CliContext ctx) {
        this.ctx = ctx;
    }

    /** How to export. */
    public static final class Options {
        public boolean full;
        public boolean compress;
        public int maxChain = 7;
    }

    /** One volume's copy, for the report. */
    static final class VolumeCopy {
        final ExportManifest.Volume volume;
        final Instant started;

        VolumeCopy(ExportManifest.Volume volume, Instant started) {
            this.volume = volume;
            this.started = started;
        }
    }

    /** What export did: the run report. */
    public static final class Result {
        private final Path exportDir;
        private final ExportManifest manifest;
        private final List<VolumeCopy> copies;
        private final long durationMs;
        private final TargetSpace space;

        Result(Path exportDir, ExportManifest manifest, List<VolumeCopy> copies, long durationMs, TargetSpace space) {
            this.exportDir = exportDir;
            this.manifest = manifest;
            this.copies = copies;
            this.durationMs = durationMs;
            this.space = space;
        }

        public Path exportDir() {
            return exportDir;
        }

        public JsonObject toJson() {
            JsonObject o = new JsonObject();
            o.addProperty("export", exportDir.toString());
            o.addProperty("setId", manifest.setId);
            o.addProperty("domain", manifest.domain);
            o.addProperty("snapshotCreated", manifest.snapshotCreated);
            o.addProperty("started", manifest.exportStarted);
            o.addProperty("durationMs", durationMs);
            JsonArray vols = new JsonArray();
            long read = 0;
            long written = 0;
            long onDisk = 0;
            for (VolumeCopy c : copies) {
                ExportManifest.Volume v = c.volume;
                JsonObject j = new JsonObject();
                j.addProperty("disk", v.disk);
                j.addProperty("volumeId", v.volumeId);
                j.addProperty("snapshotPath", v.snapshotPath);
                j.addProperty("file", exportDir.resolve(v.file).toString());
                j.addProperty("mode", v.incremental() ? "incremental" : "full");
                j.addProperty("baseExport", v.baseExport);
                j.addProperty("started", c.started.toString());
                j.addProperty("durationMs", v.durationMs);
                j.addProperty("bytesRead", v.sourceDataBytes);
                j.addProperty("bytesWritten", v.fileBytes);
                j.addProperty("sizeOnDisk", v.allocatedBytes);
                j.addProperty("virtualSize", v.virtualSize);
                j.addProperty("sha256", v.sha256);
                vols.add(j);
                read += v.sourceDataBytes;
                written += v.fileBytes;
                onDisk += v.allocatedBytes;
            }
            o.add("volumes", vols);
            JsonObject totals = new JsonObject();
            totals.addProperty("volumes", copies.size());
            totals.addProperty("bytesRead", read);
            totals.addProperty("bytesWritten", written);
            totals.addProperty("sizeOnDisk", onDisk);
            o.add("totals", totals);
            o.add("target", space.toJson());
            return o;
        }

        public void print(PrintStream out) {
            out.println("exported set " + manifest.setId + " of " + manifest.domain + " (snapshot " + manifest.snapshotCreated
                    + ") to " + exportDir + " in " + Bytes.ms(durationMs));
            Table t = new Table("DISK", "MODE", "STARTED", "DURATION", "READ", "WRITTEN", "ON DISK", "SHA-256");
            long read = 0;
            long written = 0;
            long onDisk = 0;
            for (VolumeCopy c : copies) {
                ExportManifest.Volume v = c.volume;
                t.row(v.disk, v.incremental() ? "incremental on " + v.baseExport : "full", c.started.toString(),
                        Bytes.ms(v.durationMs), Bytes.human(v.sourceDataBytes), Bytes.human(v.fileBytes),
                        Bytes.human(v.allocatedBytes), v.sha256.substring(0, 16) + "…");
                read += v.sourceDataBytes;
                written += v.fileBytes;
                onDisk += v.allocatedBytes;
            }
            t.print(out, "  ");
            out.println("  total: " + copies.size() + " volume(s), read " + Bytes.human(read) + ", written "
                    + Bytes.human(written) + ", on disk " + Bytes.human(onDisk));
            space.print(out);
        }
    }

    public Result run(String setReference, Path root, VolumeAccess access, Options options,
                      Function<String, ProgressListener> progress) {
        ctx.recoverTransfers();
        SnapshotSet set = SetResolver.resolve(ctx.store().read(), setReference);
        if (set.state() != SnapshotSet.State.COMPLETE) {
            throw new CliException(ExitCode.USAGE, "snapshot set " + set.id() + " is " + set.state().name().toLowerCase()
                    + ", not complete", "run 'elastisnap reconcile' to resolve it; only complete sets can be exported");
        }
        Path domainDir = ExportTree.domainDir(root.toAbsolutePath(), set.domain());
        String name = ExportTree.exportName(set.created(), set.id());
        Path finalDir = domainDir.resolve(name);
        if (Files.exists(finalDir)) {
            throw new CliException(ExitCode.USAGE, "set " + set.id() + " is already exported to " + finalDir,
                    "check it with 'elastisnap verify " + finalDir + "', or remove that directory to export again");
        }
        Path partialDir = domainDir.resolve(name + TransferRecovery.PARTIAL_SUFFIX);
        List<ExportTree.Export> earlier = ExportTree.list(domainDir);
        TransferJournal journal = ctx.transferJournal();
        Instant started = ctx.clock().instant();
        TransferJournal.Entry entry = journal.begin("export of set " + set.id(), null, null, null, List.of(partialDir));
        boolean complete = false;
        try {
            Files.createDirectories(partialDir);
            SnapshotCopier copier = new SnapshotCopier(ctx.client(), journal, access, QemuImg.standard());
            ExportManifest manifest = new ExportManifest();
            manifest.setId = set.id();
            manifest.domain = set.domain();
            manifest.snapshotCreated = set.created().toString();
            manifest.consistencyLevel = set.consistencyLevel();
            manifest.exportStarted = started.toString();
            List<VolumeCopy> copies = new ArrayList<>();
            for (VolumeRecord v : set.volumes()) {
                copies.add(copyVolume(copier, set, v, partialDir, earlier, options, progress.apply(v.disk())));
                manifest.volumes.add(copies.get(copies.size() - 1).volume);
            }
            manifest.exportCompleted = ctx.clock().instant().toString();
            manifest.write(partialDir);
            Files.move(partialDir, finalDir, StandardCopyOption.ATOMIC_MOVE);
            forceDirectory(domainDir);
            complete = true;
            long ms = ctx.clock().instant().toEpochMilli() - started.toEpochMilli();
            return new Result(finalDir, manifest, copies, ms, TargetSpace.of(root, domainDir));
        } catch (TransferException e) {
            throw Transfers.toCli(e);
        } catch (ElastiCenterException e) {
            throw Errors.elastiCenter(e, ctx.endpoint(), "exporting set " + set.id());
        } catch (IOException e) {
            throw new CliException(ExitCode.FAILED, "cannot write the export " + finalDir + ": " + e.getMessage(),
                    "check the target directory (free space, permissions)", e);
        } finally {
            if (!complete) {
                removeQuietly(partialDir);
            }
            journal.finish(entry);
        }
    }

    private VolumeCopy copyVolume(SnapshotCopier copier, SnapshotSet set, VolumeRecord v, Path partialDir,
                                  List<ExportTree.Export> earlier, Options options, ProgressListener progress) {
        if (v.path() == null) {
            throw new CliException(ExitCode.FAILED, "set " + set.id() + " has no array path for disk " + v.disk(),
                    "run 'elastisnap reconcile' first");
        }
        Instant started = ctx.clock().instant();
        String file = v.disk() + ".qcow2";
        Optional<ExportTree.Export> base = options.full ? Optional.empty() : baseFor(v, set, earlier, options.maxChain);
        SnapshotCopier.Request request = new SnapshotCopier.Request(v.volumeId(), v.path(), partialDir.resolve(file))
                .compressed(options.compress);
        base.ifPresent(b -> request.incrementalOn(b.dir.resolve(b.manifest.volume(v.volumeId()).orElseThrow().file)));
        ctx.output().progress("copying " + v.disk() + " (" + v.path() + ")"
                + base.map(b -> ", incremental on " + b.name()).orElse(", full"));
        WrittenImage image = copier.copy(request, progress);
        ExportManifest.Volume mv = new ExportManifest.Volume();
        mv.disk = v.disk();
        mv.volumeId = v.volumeId();
        mv.snapshotName = v.snapshotName();
        mv.snapshotPath = v.path();
        mv.file = file;
        mv.sha256 = image.sha256();
        mv.virtualSize = image.virtualSize();
        mv.fileBytes = image.fileBytes();
        mv.allocatedBytes = image.allocatedBytes();
        mv.sourceDataBytes = image.sourceDataBytes();
        mv.compressed = options.compress && base.isEmpty();
        mv.durationMs = image.durationMs();
        mv.baseExport = base.map(ExportTree.Export::name).orElse(null);
        return new VolumeCopy(mv, started);
    }

    /** The newest earlier export with a copy of this volume, unless its chain is already {@code maxChain} long. */
    private static Optional<ExportTree.Export> baseFor(VolumeRecord v, SnapshotSet set, List<ExportTree.Export> earlier,
                                                       int maxChain) {
        for (int i = earlier.size() - 1; i >= 0; i--) {
            ExportTree.Export e = earlier.get(i);
            if (!e.snapshotCreated().isBefore(set.created())) {
                continue;
            }
            Optional<ExportManifest.Volume> copy = e.manifest.volume(v.volumeId());
            if (copy.isPresent()) {
                return chainLength(e, v.volumeId(), earlier) < maxChain ? Optional.of(e) : Optional.empty();
            }
        }
        return Optional.empty();
    }

    private static int chainLength(ExportTree.Export top, String volumeId, List<ExportTree.Export> all) {
        int length = 1;
        ExportTree.Export current = top;
        while (current != null) {
            String baseName = current.manifest.volume(volumeId).map(x -> x.baseExport).orElse(null);
            if (baseName == null) {
                return length;
            }
            current = all.stream().filter(e -> e.name().equals(baseName)).findFirst().orElse(null);
            length++;
        }
        return length;
    }

    private static void forceDirectory(Path dir) throws IOException {
        try (java.nio.channels.FileChannel c = java.nio.channels.FileChannel.open(dir, java.nio.file.StandardOpenOption.READ)) {
            c.force(true);
        }
    }

    private static void removeQuietly(Path dir) {
        if (!Files.exists(dir)) {
            return;
        }
        try {
            TransferRecovery.deleteTree(dir);
        } catch (IOException e) {
            // the journal entry is removed only with it; reconcile reports what is left
        }
    }

    /** Space on the export target: its file system and what this domain's exports take. */
    static final class TargetSpace {
        final Path root;
        final long total;
        final long available;
        final long domainExports;
        final int exportCount;

        private TargetSpace(Path root, long total, long available, long domainExports, int exportCount) {
            this.root = root;
            this.total = total;
            this.available = available;
            this.domainExports = domainExports;
            this.exportCount = exportCount;
        }

        static TargetSpace of(Path root, Path domainDir) throws IOException {
            FileStore store = Files.getFileStore(root);
            List<ExportTree.Export> exports = ExportTree.list(domainDir);
            return new TargetSpace(root, store.getTotalSpace(), store.getUsableSpace(),
                    exports.stream().mapToLong(ExportTree.Export::fileBytes).sum(), exports.size());
        }

        JsonObject toJson() {
            JsonObject o = new JsonObject();
            o.addProperty("directory", root.toString());
            o.addProperty("fileSystemBytes", total);
            o.addProperty("fileSystemUsedBytes", total - available);
            o.addProperty("fileSystemAvailableBytes", available);
            o.addProperty("domainExports", exportCount);
            o.addProperty("domainExportBytes", domainExports);
            return o;
        }

        void print(PrintStream out) {
            out.println("  target " + root + ": " + Bytes.human(total - available) + " used of " + Bytes.human(total)
                    + " (" + Bytes.human(available) + " free); this domain's " + exportCount + " export(s) take "
                    + Bytes.human(domainExports));
        }
    }
}
