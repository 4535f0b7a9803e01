// Licensed under the Apache License, Version 2.0. See LICENSE in the project root.
package io.elastisnap.cli;

import io.elastisnap.cli.ops.RollbackOperation;
import java.util.ArrayList;
import java.util.List;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

@Command(name = "rollback", mixinStandardHelpOptions = true, description = {"Roll a domain's volumes (all of the set, or --disk ones) back to a snapshot"
        + " set. Refuses while the domain is running, and refuses to destroy newer snapshots (naming them) unless"
        + " --force-destroy-newer."})
final class RollbackCommand extends BaseCommand {
    @Parameters(index = "0", paramLabel = "SNAPSHOT", description = "Set id (8+ leading characters suffice) or a volume"
            + " snapshot name, as 'list' shows.")
    String snapshot;

    @Option(names = "--disk", paramLabel = "TARGET", description = "Roll back only this disk (repeatable).")
    List<String> disks = new ArrayList<>();

    @Option(names = "--force-destroy-newer", description = "Allow destroying the volumes' snapshots newer than the target.")
    boolean forceDestroyNewer;

    @Override
    String name() {
        return "rollback";
    }

    @Override
    Outcome execute(Settings settings, CliContext ctx) {
        RollbackOperation.Result r = new RollbackOperation(ctx).run(snapshot, disks, forceDestroyNewer);
        return new Outcome(ExitCode.OK, r.toJson(), r::print);
    }
}
