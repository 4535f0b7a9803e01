// Licensed under the Apache License, Version 2.0. See LICENSE in the project root.
package io.elastisnap.cli;

import io.elastisnap.cli.ops.ReconcileOperation;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

@Command(name = "reconcile", mixinStandardHelpOptions = true, description = {"Make the records and the array agree: finish creates/deletes a killed run"
        + " left behind; optionally forget records missing on the array and delete unrecorded esnap-... snapshots."
        + " Exit 0 when in sync afterwards, 1 when drift remains."})
final class ReconcileCommand extends BaseCommand {
    @Parameters(index = "0", arity = "0..1", paramLabel = "DOMAIN", description = "Only this domain.")
    String domain;

    @Option(names = "--forget-missing", description = "Drop records whose snapshot no longer exists on the array.")
    boolean forgetMissing;

    @Option(names = "--delete-unrecorded", description = "Delete array snapshots named esnap-... that no record knows.")
    boolean deleteUnrecorded;

    @Override
    String name() {
        return "reconcile";
    }

    @Override
    Outcome execute(Settings settings, CliContext ctx) {
        ReconcileOperation.Result r = new ReconcileOperation(ctx).run(domain, forgetMissing, deleteUnrecorded);
        return new Outcome(r.inSync() ? ExitCode.OK : ExitCode.FAILED, r.toJson(), r::print);
    }
}
