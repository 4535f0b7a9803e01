// Licensed under the Apache License, Version 2.0. See LICENSE in the project root.
package io.elastisnap.cli.ops;

import com.google.gson.JsonArray;
import com.google.gson.JsonObject;
import io.elastisnap.cli.CliContext;
import io.elastisnap.cli.CliException;
import io.elastisnap.cli.ExitCode;
import io.elastisnap.cli.libvirt.LibvirtHost;
import io.elastisnap.cli.output.Table;
import io.elastisnap.elasticenter.AddQosGroupRequest;
import io.elastisnap.elasticenter.CreateVolumeRequest;
import io.elastisnap.elasticenter.CreatedVolume;
import io.elastisnap.elasticenter.DatasetSnapshot;
import io.elastisnap.elasticenter.ElastiCenterException;
import io.elastisnap.elasticenter.FileSystem;
import io.elastisnap.elasticenter.Tsm;
import io.elastisnap.elasticenter.VolumeProtocol;
import io.elastisnap.transfer.ExpectedImage;
import io.elastisnap.transfer.ExportManifest;
import io.elastisnap.transfer.ImageRestorer;
import io.elastisnap.transfer.ImageVerifier;
import io.elastisnap.transfer.ProgressListener;
import io.elastisnap.transfer.QemuImg;
import io.elastisnap.transfer.TransferException;
import io.elastisnap.transfer.VolumeAccess;
import java.io.PrintStream;
import java.nio.file.Path;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Function;
import java.util.stream.Collectors;
import org.libvirt.Domain;

/**
 * restore: writes an export back, into the original volumes (guards as for rollback: the domain must be shut off,
 * and snapshots newer than the export are named and need {@code --force-overwrite-newer}) or into new array volumes.
 * Every file every chosen disk reads is verified against its manifest before the first byte is written anywhere.
 */
public final class RestoreOperation {
    private static final DateTimeFormatter STAMP = DateTimeFormatter.ofPattern("yyyyMMddHHmmss").withZone(ZoneOffset.UTC);
    private final CliContext ctx;

    public RestoreOperation(CliContext ctx) {
        this.ctx = ctx;
    }

    /** One disk restored. */
    static final class Restored {
        final ExportManifest.Volume copy;
        final String volumeId;
        final String volumeName;
        final boolean newVolume;
        final long durationMs;

        Restored(ExportManifest.Volume copy, String volumeId, String volumeName, boolean newVolume, long durationMs) {
            this.copy = copy;
            this.volumeId = volumeId;
            this.volumeName = volumeName;
            this.newVolume = newVolume;
            this.durationMs = durationMs;
        }
    }

    /** What restore did. */
    public static final class Result {
        private final Path export;
        private final ExportManifest manifest;
        private final List<Restored> restored;

        Result(Path export, ExportManifest manifest, List<Restored> restored) {
            this.export = export;
            this.manifest = manifest;
            this.restored = restored;
        }

        public JsonObject toJson() {
            JsonObject o = new JsonObject();
            o.addProperty("export", export.toString());
            o.addProperty("setId", manifest.setId);
            o.addProperty("domain", manifest.domain);
            o.addProperty("snapshotCreated", manifest.snapshotCreated);
            JsonArray arr = new JsonArray();
            for (Restored r : restored) {
                JsonObject j = new JsonObject();
                j.addProperty("disk", r.copy.disk);
                j.addProperty("volumeId", r.volumeId);
                j.addProperty("volumeName", r.volumeName);
                j.addProperty("newVolume", r.newVolume);
                j.addProperty("sha256Verified", r.copy.sha256);
                j.addProperty("durationMs", r.durationMs);
                arr.add(j);
            }
            o.add("restored", arr);
            return o;
        }

        public void print(PrintStream out) {
            out.println("restored " + restored.size() + " disk(s) of " + manifest.domain + " from " + export
                    + " (snapshot " + manifest.snapshotCreated + "), every file verified first");
            Table t = new Table("DISK", "INTO VOLUME", "DURATION");
            restored.forEach(r -> t.row(r.copy.disk, (r.newVolume ? "new " : "") + r.volumeName + " (" + r.volumeId + ")",
                    Bytes.ms(r.durationMs)));
            t.print(out, "  ");
        }
    }

    public Result run(Path exportDir, List<String> disks, boolean toNewVolume, boolean forceOverwriteNewer,
                      VolumeAccess access, Function<String, ProgressListener> progress) {
        Path export = exportDir.toAbsolutePath().normalize();
        QemuImg qemuImg = QemuImg.standard();
        ExportManifest manifest;
        List<ExportManifest.Volume> chosen;
        List<List<ExpectedImage>> chains = new ArrayList<>();
        try {
            manifest = ExportManifest.read(export);
            chosen = select(manifest, disks);
            ImageVerifier verifier = new ImageVerifier(qemuImg);
            for (ExportManifest.Volume v : chosen) {
                ctx.output().progress("verifying " + v.disk + " (every file its restore reads)");
                List<ExpectedImage> chain = ExportManifest.chain(export, v.disk);
                verifier.verifyChain(chain);
                chains.add(chain);
            }
        } catch (TransferException e) {
            throw new CliException(e.kind() == TransferException.Kind.BAD_INPUT ? ExitCode.USAGE : ExitCode.FAILED,
                    "refusing to restore: " + e.getMessage(), e.fix() + "; nothing was written", e);
        }
        if (toNewVolume) {
            return new Result(export, manifest, intoNewVolumes(manifest, chosen, chains, access, qemuImg, progress));
        }
        return ctx.store().withDomainLock(manifest.domain, ctx.domainLockWait(), () -> {
            guardOriginal(manifest, chosen, forceOverwriteNewer);
            List<Restored> done = new ArrayList<>();
            for (int i = 0; i < chosen.size(); i++) {
                ExportManifest.Volume v = chosen.get(i);
                FileSystem volume = volume(v.volumeId);
                done.add(write(v, chains.get(i), volume, false, access, qemuImg, progress.apply(v.disk)));
            }
            return new Result(export, manifest, done);
        });
    }

    private void guardOriginal(ExportManifest manifest, List<ExportManifest.Volume> chosen, boolean forceOverwriteNewer) {
        LibvirtHost host = ctx.libvirt();
        Domain domain = host.domain(manifest.domain);
        if (host.isActive(domain)) {
            throw new CliException(ExitCode.REFUSED, "domain " + manifest.domain + " is " + host.state(domain).name()
                    .replace("VIR_DOMAIN_", "").toLowerCase() + "; a restore changes its disks underneath it",
                    "shut it down first (virsh -c " + host.uri() + " shutdown " + manifest.domain
                            + ", wait until 'shut off'), or restore into new volumes with --to-new-volume");
        }
        List<String> newer = new ArrayList<>();
        ArrayView array = new ArrayView(ctx);
        for (ExportManifest.Volume v : chosen) {
            List<DatasetSnapshot> onArray = array.snapshots(v.volumeId);
            int index = -1;
            for (int i = 0; i < onArray.size(); i++) {
                if (onArray.get(i).path().equals(v.snapshotPath)) {
                    index = i;
                }
            }
            // the exported snapshot gone from the array, every snapshot left may hold newer data
            onArray.subList(index + 1, onArray.size()).forEach(d -> newer.add(v.disk + ": " + d.path()));
        }
        if (!newer.isEmpty() && !forceOverwriteNewer) {
            throw new CliException(ExitCode.REFUSED, "the volume(s) hold data newer than this export (" + manifest.snapshotCreated
                    + "), kept in " + newer.size() + " snapshot(s): " + String.join(", ", newer)
                    + "; the restore would overwrite the volumes' current data",
                    "roll back to one of those snapshots instead, or rerun with --force-overwrite-newer"
                            + " (the snapshots stay), or restore with --to-new-volume");
        }
    }

    private List<Restored> intoNewVolumes(ExportManifest manifest, List<ExportManifest.Volume> chosen,
                                          List<List<ExpectedImage>> chains, VolumeAccess access, QemuImg qemuImg,
                                          Function<String, ProgressListener> progress) {
        List<Restored> done = new ArrayList<>();
        for (int i = 0; i < chosen.size(); i++) {
            ExportManifest.Volume v = chosen.get(i);
            FileSystem created = createLike(v, manifest);
            try {
                done.add(write(v, chains.get(i), created, true, access, qemuImg, progress.apply(v.disk)));
            } catch (RuntimeException e) {
                deleteQuietly(created);
                throw e;
            }
        }
        return done;
    }

    private Restored write(ExportManifest.Volume v, List<ExpectedImage> chain, FileSystem volume, boolean isNew,
                           VolumeAccess access, QemuImg qemuImg, ProgressListener progress) {
        long started = System.nanoTime();
        ctx.output().progress("writing " + v.disk + " into " + (isNew ? "new " : "") + "volume " + volume.name()
                + " (" + volume.id() + ")");
        try {
            FileSystem reachable = isNew ? access.open(ctx.client(), volume) : volume;
            new ImageRestorer(qemuImg).restore(chain, access.locate(reachable), progress);
        } catch (TransferException e) {
            throw Transfers.toCli(e);
        }
        return new Restored(v, volume.id(), volume.name(), isNew, (System.nanoTime() - started) / 1_000_000);
    }

    /** A new volume in the original's TSM and of the copy's size (its own QoS group, as the plugin provisions). */
    private FileSystem createLike(ExportManifest.Volume v, ExportManifest manifest) {
        try {
            FileSystem original = ctx.client().findFileSystem(v.volumeId).orElse(null);
            String tsmId = original == null ? null : original.tsmId().orElse(null);
            if (tsmId == null) {
                throw new CliException(ExitCode.FAILED, "cannot tell which TSM to create the new volume in: the original"
                        + " volume " + v.volumeId + " is gone from the array", "restore into an existing volume of the"
                        + " same size (create it, then map it) — or recreate the original volume");
            }
            Tsm tsm = ctx.client().findTsm(tsmId).orElseThrow(() -> new CliException(ExitCode.FAILED, "TSM " + tsmId
                    + " no longer exists", "restore into an existing volume"));
            String name = (original.name() + "r" + STAMP.format(ctx.clock().instant())).replaceAll("[^A-Za-z0-9]", "");
            String qos = ctx.client().addQosGroup(AddQosGroupRequest.builder("qos" + name, tsm.id(), 1000).build()).id();
            CreatedVolume created = ctx.client().createVolume(CreateVolumeRequest.builder(name, v.virtualSize).tsm(tsm)
                    .qosGroupId(qos).protocol(VolumeProtocol.ISCSI).build());
            return volume(created.id());
        } catch (ElastiCenterException e) {
            throw Errors.elastiCenter(e, ctx.endpoint(), "creating a volume to restore " + v.disk + " of " + manifest.domain
                    + " into");
        }
    }

    private FileSystem volume(String volumeId) {
        try {
            return ctx.client().findFileSystem(volumeId).orElseThrow(() -> new CliException(ExitCode.FAILED, "volume "
                    + volumeId + " is not on the array", "restore with --to-new-volume"));
        } catch (ElastiCenterException e) {
            throw Errors.elastiCenter(e, ctx.endpoint(), "looking up volume " + volumeId);
        }
    }

    private void deleteQuietly(FileSystem volume) {
        try {
            ctx.client().deleteFileSystem(volume.id(), true);
        } catch (ElastiCenterException e) {
            ctx.output().warn("the new volume " + volume.name() + " (" + volume.id() + ") of a failed restore could not"
                    + " be deleted: " + e.getMessage() + "; delete it on the array");
        }
    }

    private static List<ExportManifest.Volume> select(ExportManifest manifest, List<String> disks) {
        if (disks.isEmpty()) {
            return manifest.volumes;
        }
        List<ExportManifest.Volume> chosen = new ArrayList<>();
        for (String d : disks) {
            chosen.add(manifest.volume(d).orElseThrow(() -> new TransferException(TransferException.Kind.BAD_INPUT,
                    "the export has no disk " + d + " (it has: " + manifest.volumes.stream().map(v -> v.disk)
                            .collect(Collectors.joining(", ")) + ")", "pick disks of this export with --disk")));
        }
        return chosen;
    }
}
