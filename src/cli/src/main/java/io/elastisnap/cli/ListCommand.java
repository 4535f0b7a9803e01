// Licensed under the Apache License, Version 2.0. See LICENSE in the project root.
package io.elastisnap.cli;

import io.elastisnap.cli.ops.ListOperation;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

@Command(name = "list", mixinStandardHelpOptions = true, description = {"List recorded snapshots (all, or one domain's) joined with ElastiCenter's"
        + " listStorageSnapshots: flags records missing on the array and array snapshots named esnap-... that no"
        + " record knows."})
final class ListCommand extends BaseCommand {
    @Parameters(index = "0", arity = "0..1", paramLabel = "DOMAIN", description = "Only this domain.")
    String domain;

    @Option(names = "--local", description = "Records only; do not ask ElastiCenter.")
    boolean local;

    @Override
    String name() {
        return "list";
    }

    @Override
    Outcome execute(Settings settings, CliContext ctx) {
        ListOperation.Result r = new ListOperation(ctx).run(domain, local);
        return new Outcome(ExitCode.OK, r.toJson(), r::print);
    }
}
