// Licensed under the Apache License, Version 2.0. See LICENSE in the project root.
package io.elastisnap.cli;

import io.elastisnap.cli.config.Durations;
import io.elastisnap.cli.ops.DeleteOperation;
import java.time.Duration;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

@Command(name = "delete", mixinStandardHelpOptions = true, description = {"Delete one snapshot set (or one volume snapshot by name), or a domain's sets"
        + " by retention: --older-than and/or --keep-newest (with both, a set goes only if it matches both)."})
final class DeleteCommand extends BaseCommand {
    @Parameters(index = "0", arity = "0..1", paramLabel = "SNAPSHOT", description = "Set id (8+ leading characters) or"
            + " volume snapshot name.")
    String snapshot;

    @Option(names = "--domain", paramLabel = "DOMAIN", description = "Retention: the domain whose sets to prune.")
    String domain;

    @Option(names = "--older-than", paramLabel = "DURATION", description = "Retention: sets older than this (e.g. 7d).")
    String olderThan;

    @Option(names = "--keep-newest", paramLabel = "K", description = "Retention: keep the newest K sets.")
    Integer keepNewest;

    @Option(names = "--dry-run", description = "Retention: show what would be deleted.")
    boolean dryRun;

    @Override
    String name() {
        return "delete";
    }

    @Override
    Outcome execute(Settings settings, CliContext ctx) {
        boolean retention = domain != null || olderThan != null || keepNewest != null;
        if (snapshot != null && retention) {
            throw new CliException(ExitCode.USAGE, "give either a SNAPSHOT or a retention rule (--domain with"
                    + " --older-than/--keep-newest), not both", "see 'elastisnap delete --help'");
        }
        DeleteOperation op = new DeleteOperation(ctx);
        DeleteOperation.Result r;
        if (snapshot != null) {
            if (dryRun) {
                throw new CliException(ExitCode.USAGE, "--dry-run applies to retention only",
                        "drop --dry-run, or use it with --domain and --older-than/--keep-newest");
            }
            r = op.one(snapshot);
        } else {
            if (domain == null || (olderThan == null && keepNewest == null)) {
                throw new CliException(ExitCode.USAGE, "nothing to delete: no SNAPSHOT and no complete retention rule",
                        "delete SNAPSHOT, or delete --domain DOMAIN --older-than 7d and/or --keep-newest 5");
            }
            r = op.retention(domain, olderThanDuration(), keepNewest, dryRun);
        }
        return new Outcome(ExitCode.OK, r.toJson(), r::print);
    }

    private Duration olderThanDuration() {
        if (olderThan == null) {
            return null;
        }
        try {
            return Durations.parse(olderThan);
        } catch (IllegalArgumentException e) {
            throw new CliException(ExitCode.USAGE, "--older-than: " + e.getMessage(),
                    "give an age like 12h, 7d or 30d");
        }
    }
}
