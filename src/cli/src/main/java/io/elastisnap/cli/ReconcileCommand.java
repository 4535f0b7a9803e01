// Licensed under the Apache License, Version 2.0. See LICENSE in the project root.
package io.elastisnap.cli;

import com.google.gson.JsonArray;
import com.google.gson.JsonObject;
import io.elastisnap.cli.ops.ReconcileOperation;
import io.elastisnap.engine.pool.PoolSnapshotLedger;
import io.elastisnap.engine.pool.VolumeRestore;
import io.elastisnap.transfer.TransferRecovery;
import java.io.IOException;
import java.util.List;
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
        PoolSnapshotLedger ledger = ctx.poolLedger();
        List<String> restores;
        try {
            // first: a pool snapshot that still has a killed restore's clone cannot be deleted on the array
            restores = new VolumeRestore(ctx.poolArray(), CloneAttachOptions.recovery(ctx), ledger,
                    ctx.store().directory().resolve("restore")).recoverInterrupted();
        } catch (IOException | RuntimeException e) {
            throw new CliException(ExitCode.FAILED, "finishing interrupted restores: " + e.getMessage(),
                    "check the mounts and loop devices it names, then run reconcile again", e);
        }
        JsonObject json = r.toJson();
        JsonObject t = new JsonObject();
        t.add("removed", strings(transfers.removed));
        t.add("leftovers", strings(transfers.leftovers));
        json.add("transfers", t);
        boolean inSync = r.inSync() && transfers.leftovers.isEmpty();
        PoolSnapshotLedger.Reconciled pools = ledger.entries().isEmpty() && restores.isEmpty() ? null
                : ledger.reconcile(ctx.poolArray());
        if (pools != null) {
            JsonObject poolJson = new JsonObject();
            poolJson.add("restoresFinished", strings(restores));
            poolJson.add("deleted", strings(pools.deleted));
            poolJson.add("inProgress", strings(pools.inProgress));
            poolJson.add("failed", strings(pools.failed));
            json.add("poolSnapshots", poolJson);
            inSync = inSync && pools.failed.isEmpty();
        }
        return new Outcome(inSync ? ExitCode.OK : ExitCode.FAILED, json, out -> {
            r.print(out);
            transfers.removed.forEach(line -> out.println("export/restore left: " + line));
            transfers.leftovers.forEach(line -> out.println("LEFTOVER: " + line));
            if (pools != null) {
                restores.forEach(out::println);
                pools.deleted.forEach(p -> out.println("pool snapshot " + p + ": a group that never completed, or unreferenced: deleted"));
                pools.inProgress.forEach(p -> out.println("pool snapshot " + p + ": its group is still being taken; left alone"));
                pools.failed.forEach(p -> out.println("pool snapshot " + p + ": delete failed, retried by the next reconcile"));
            }
        });
    }

    private static JsonArray strings(List<String> values) {
        JsonArray array = new JsonArray();
        values.forEach(array::add);
        return array;
    }
}
