// Licensed under the Apache License, Version 2.0. See LICENSE in the project root.
package io.elastisnap.cli;

import com.google.gson.JsonArray;
import com.google.gson.JsonObject;
import io.elastisnap.cli.ops.ReconcileOperation;
import io.elastisnap.transfer.TransferRecovery;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

@Command(name = "reconcile", mixinStandardHelpOptions = true, description = {"Make the records and the array agree: finish creates/deletes a killed run"
        + " left behind (also temporary clones and partial files of a killed export or restore); optionally forget records missing on the array and delete unrecorded esnap-... snapshots."
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
        TransferRecovery.Result transfers = ctx.recoverTransfers();
        JsonObject json = r.toJson();
        JsonObject t = new JsonObject();
        JsonArray removed = new JsonArray();
        transfers.removed.forEach(removed::add);
        JsonArray leftovers = new JsonArray();
        transfers.leftovers.forEach(leftovers::add);
        t.add("removed", removed);
        t.add("leftovers", leftovers);
        json.add("transfers", t);
        boolean inSync = r.inSync() && transfers.leftovers.isEmpty();
        return new Outcome(inSync ? ExitCode.OK : ExitCode.FAILED, json, out -> {
            r.print(out);
            transfers.removed.forEach(line -> out.println("export/restore left: " + line));
            transfers.leftovers.forEach(line -> out.println("LEFTOVER: " + line));
        });
    }
}
