// Licensed under the Apache License, Version 2.0. See LICENSE in the project root.
package io.elastisnap.cli;

import com.google.gson.JsonObject;
import io.elastisnap.cli.config.Durations;
import io.elastisnap.cli.libvirt.LibvirtHost;
import io.elastisnap.engine.pool.PoolSnapshotLedger;
import io.elastisnap.engine.pool.PoolSnapshotRef;
import io.elastisnap.engine.pool.VolumeRestore;
import java.io.IOException;
import java.nio.file.Path;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

@Command(name = "restore-volume", mixinStandardHelpOptions = true, description = {"Bring back one volume of a group snapshot"
        + " without touching anything else on its pool: clone the pool snapshot, attach and mount the clone, copy the"
        + " volume's file (qemu-img convert) over the current file (domain shut off) or into a new file (--to), unmount,"
        + " delete the clone."})
final class RestoreVolumeCommand extends BaseCommand {
    @Parameters(index = "0", paramLabel = "GROUP/DOMAIN/DISK", description = "The volume snapshot, as create --group printed it.")
    String ref;

    @Option(names = "--to", paramLabel = "FILE", description = "Volume from snapshot: write a new file instead of restoring in place.")
    Path to;

    @Mixin
    CloneAttachOptions attach = new CloneAttachOptions();

    @Option(names = "--work-dir", paramLabel = "DIR", description = "Where clones are mounted (default: <state-dir>/restore).")
    Path workDir;

    @Mixin
    PoolOptions pools = new PoolOptions();

    @Override
    String name() {
        return "restore-volume";
    }

    @Override
    Outcome execute(Settings settings, CliContext ctx) {
        PoolSnapshotLedger ledger = ctx.poolLedger();
        PoolSnapshotRef volume = ledger.entryOf(ref).flatMap(e -> e.refs().stream().filter(r -> r.id().equals(ref)).findFirst())
                .orElseThrow(() -> new CliException(ExitCode.USAGE, "no group snapshot has volume " + ref,
                        "list them with 'elastisnap groups' (GROUP/DOMAIN/DISK)"));
        Path target = to != null ? to.toAbsolutePath().normalize() : inPlaceTarget(ctx, volume);
        Path work = workDir != null ? workDir : ctx.store().directory().resolve("restore");
        VolumeRestore restore = new VolumeRestore(ctx.poolArray(), attach.cloneHost(ctx, ctx.qsdRunDirectory()), ledger, work);
        ctx.output().progress("restoring " + ref + " (" + volume.file() + ") into " + target
                + ": clone the pool snapshot, mount it, copy the file, clean up");
        VolumeRestore.Timings timings;
        try {
            timings = restore.restore(ref, target, to == null);
        } catch (IllegalArgumentException e) {
            throw new CliException(ExitCode.USAGE, e.getMessage(), "choose a new file with --to, or restore in place");
        } catch (IOException | RuntimeException e) {
            throw new CliException(ExitCode.FAILED, "restore of " + ref + " failed: " + e.getMessage()
                    + (e.getSuppressed().length > 0 ? "; " + e.getSuppressed()[0].getMessage() : ""),
                    "the target file is unchanged; check the clone attach (" + attach.method().flag + ": 'elastisnap doctor'"
                            + " shows what it needs), losetup and mount, then retry", e);
        }
        JsonObject json = new JsonObject();
        json.addProperty("ref", ref);
        json.addProperty("target", target.toString());
        json.addProperty("inPlace", to == null);
        json.addProperty("bytes", timings.bytesCopied);
        json.addProperty("cloneMs", timings.clone.toMillis());
        json.addProperty("attachAndMountMs", timings.attachAndMount.toMillis());
        json.addProperty("copyMs", timings.copy.toMillis());
        json.addProperty("cleanUpMs", timings.cleanUp.toMillis());
        json.addProperty("totalMs", timings.total.toMillis());
        return new Outcome(ExitCode.OK, json, out -> out.println((to == null ? "restored " : "new volume from ") + ref + " into "
                + target + " (" + timings.bytesCopied + " bytes): clone " + Durations.format(timings.clone) + ", attach and mount "
                + Durations.format(timings.attachAndMount) + ", copy " + Durations.format(timings.copy) + ", clean-up "
                + Durations.format(timings.cleanUp) + "; total " + Durations.format(timings.total)));
    }

    /** In place: the file under the pool's mount point, and its domain shut off (it holds the file open otherwise). */
    private Path inPlaceTarget(CliContext ctx, PoolSnapshotRef volume) {
        Path mount = pools.mounts().get(volume.poolVolumeId());
        if (mount == null) {
            throw new CliException(ExitCode.USAGE, "restoring " + ref + " in place needs the mount point of pool volume "
                    + volume.poolVolumeId(), "pass --pool " + volume.poolVolumeId() + "=MOUNT_POINT, or --to FILE for a new file");
        }
        LibvirtHost host = ctx.libvirt();
        if (host.isActive(host.domain(volume.domain()))) {
            throw new CliException(ExitCode.REFUSED, "domain " + volume.domain() + " is running; its disk " + volume.disk()
                    + " cannot be replaced under it", "shut it off first (virsh shutdown " + volume.domain()
                    + "), or write a new file with --to FILE");
        }
        return mount.resolve(volume.file()).normalize();
    }
}
