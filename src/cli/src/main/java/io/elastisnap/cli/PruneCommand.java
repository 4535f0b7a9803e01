// Licensed under the Apache License, Version 2.0. See LICENSE in the project root.
package io.elastisnap.cli;

import io.elastisnap.cli.ops.PruneOperation;
import java.nio.file.Path;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

@Command(name = "prune", mixinStandardHelpOptions = true, description = {"Retention of exports, per domain: keep the newest"
        + " --keep-last N, the newest of each of the last --keep-daily N days and --keep-weekly N ISO weeks (UTC), and"
        + " every base a kept incremental export needs; delete the rest. --dry-run says what it would delete."})
final class PruneCommand extends BaseCommand {
    @Parameters(index = "0", paramLabel = "DIR", description = "The export directory (as given to export --to).")
    Path dir;

    @Option(names = "--domain", paramLabel = "DOMAIN", description = "Only this domain's exports.")
    String domain;

    @Option(names = "--keep-last", paramLabel = "N", defaultValue = "0", description = "Keep the newest N exports.")
    int keepLast;

    @Option(names = "--keep-daily", paramLabel = "N", defaultValue = "0", description = "Keep the newest export of each of the last N days.")
    int keepDaily;

    @Option(names = "--keep-weekly", paramLabel = "N", defaultValue = "0", description = "Keep the newest export of each of the last N weeks.")
    int keepWeekly;

    @Option(names = "--dry-run", description = "Only say what would be deleted.")
    boolean dryRun;

    @Override
    String name() {
        return "prune";
    }

    @Override
    Outcome execute(Settings settings, CliContext ctx) {
        PruneOperation.Result r = new PruneOperation().run(dir, domain, keepLast, keepDaily, keepWeekly, dryRun);
        return new Outcome(ExitCode.OK, r.toJson(), r::print);
    }
}
