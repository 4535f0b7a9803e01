// Licensed under the Apache License, Version 2.0. See LICENSE in the project root.
package io.elastisnap.cli;

import io.elastisnap.cli.ops.RestoreOperation;
import io.elastisnap.cli.output.ProgressBar;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

@Command(name = "restore", mixinStandardHelpOptions = true, description = {"Write an export back into its original volumes"
        + " (refused while the domain is running, and, naming them, when the volumes have snapshots newer than the"
        + " export unless --force-overwrite-newer) or into new volumes (--to-new-volume). Every file is verified"
        + " against its manifest before the first byte is written."})
final class RestoreCommand extends BaseCommand {
    @Parameters(index = "0", paramLabel = "EXPORT", description = "An export directory (DIR/<domain>/<time>-<set>).")
    Path export;

    @Option(names = "--disk", paramLabel = "DISK", description = "Restore only this disk (repeatable).")
    List<String> disks = new ArrayList<>();

    @Option(names = "--to-new-volume", description = "Create a new array volume per disk (same TSM) and restore into it.")
    boolean toNewVolume;

    @Option(names = "--force-overwrite-newer", description = "Overwrite volumes that have snapshots newer than the export.")
    boolean forceOverwriteNewer;

    @Option(names = "--volume-access", paramLabel = "SPEC", description = "How this host writes a volume: iscsi (default),"
            + " iscsi:PORT:LUN, or file:TEMPLATE (env ELASTISNAP_VOLUME_ACCESS; config volume-access).")
    String volumeAccess;

    @Override
    String name() {
        return "restore";
    }

    @Override
    Outcome execute(Settings settings, CliContext ctx) {
        RestoreOperation.Result r = new RestoreOperation(ctx).run(export, disks, toNewVolume, forceOverwriteNewer,
                ExportCommand.access(settings, volumeAccess, ctx),
                disk -> ProgressBar.forTerminal(ctx.output(), parent.environment().err(), System.console() != null, disk));
        return new Outcome(ExitCode.OK, r.toJson(), r::print);
    }
}
