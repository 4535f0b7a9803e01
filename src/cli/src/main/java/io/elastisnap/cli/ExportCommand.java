// Licensed under the Apache License, Version 2.0. See LICENSE in the project root.
package io.elastisnap.cli;

import io.elastisnap.cli.ops.ExportOperation;
import io.elastisnap.cli.output.ProgressBar;
import io.elastisnap.transfer.TransferException;
import io.elastisnap.transfer.VolumeAccess;
import java.nio.file.Path;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

@Command(name = "export", mixinStandardHelpOptions = true, description = {"Copy a snapshot set's data off the array into"
        + " DIR/<domain>/<time>-<set>/: per volume a sparse qcow2 (incremental on the newest earlier export of the"
        + " volume unless --full), read from a temporary clone of the snapshot, and manifest.json with the SHA-256 of"
        + " every file. Prints a report (text, or --json). An NFS or other mount is just a directory."})
final class ExportCommand extends BaseCommand {
    @Parameters(index = "0", paramLabel = "SET", description = "Set id (8+ leading characters) or volume snapshot name.")
    String set;

    @Option(names = "--to", required = true, paramLabel = "DIR", description = "Export directory.")
    Path to;

    @Option(names = "--full", description = "A full copy even when an earlier export of the volume exists.")
    boolean full;

    @Option(names = "--compress", description = "zlib-compressed clusters (full copies; increments are not compressed).")
    boolean compress;

    @Option(names = "--max-chain", paramLabel = "N", defaultValue = "7",
            description = "Make a full copy when the volume's chain of increments reaches N exports (default 7).")
    int maxChain;

    @Option(names = "--volume-access", paramLabel = "SPEC", description = "How this host reads a clone: iscsi (default),"
            + " iscsi:PORT:LUN, or file:TEMPLATE with {id}/{name}/{iqn} (env ELASTISNAP_VOLUME_ACCESS; config volume-access).")
    String volumeAccess;

    @Override
    String name() {
        return "export";
    }

    @Override
    Outcome execute(Settings settings, CliContext ctx) {
        if (maxChain < 1) {
            throw new CliException(ExitCode.USAGE, "--max-chain " + maxChain + " is below 1", "give 1 (always full) or more");
        }
        ExportOperation.Options options = new ExportOperation.Options();
        options.full = full;
        options.compress = compress;
        options.maxChain = maxChain;
        ExportOperation.Result r = new ExportOperation(ctx).run(set, to, access(settings, volumeAccess, ctx), options,
                disk -> ProgressBar.forTerminal(ctx.output(), parent.environment().err(), System.console() != null, disk));
        return new Outcome(ExitCode.OK, r.toJson(), r::print);
    }

    /**
     * How export and restore reach volumes; over iSCSI, behind the configured CHAP auth group, or, with
     * {@code iscsi.chap = false}, without authentication and a warning on every run.
     */
    static VolumeAccess access(Settings settings, String flag, CliContext ctx) {
        VolumeAccess access;
        try {
            access = VolumeAccess.parse(settings.volumeAccess(flag));
        } catch (TransferException e) {
            throw new CliException(ExitCode.USAGE, e.getMessage(), e.fix());
        }
        if (!access.overIscsi()) {
            return access;
        }
        if (settings.chapOff()) {
            ctx.output().warn("iscsi.chap = false: the volumes this run opens over iSCSI are exported WITHOUT CHAP; any"
                    + " initiator that reaches the storage network can log in to them while they are read or written");
            return access;
        }
        String group = settings.chapAuthGroup().orElseThrow(() -> new CliException(ExitCode.USAGE, "reading volumes over"
                + " iSCSI puts them behind CHAP, and no CHAP auth group is configured", "create an auth group with a CHAP user"
                + " in ElastiCenter and set iscsi.chap-auth-group (or " + Settings.ENV_CHAP_AUTH_GROUP + ") and its secret"
                + " (iscsi.chap-secret-file, " + Settings.ENV_CHAP_SECRET_FILE + " or " + Settings.ENV_CHAP_SECRET
                + "); or set iscsi.chap = false to export without authentication"));
        return new ChapVolumeAccess(access, ctx::client, group, settings.chapSecret());
    }
}
