// Licensed under the Apache License, Version 2.0. See LICENSE in the project root.
package io.elastisnap.cli;

import com.google.gson.JsonArray;
import com.google.gson.JsonObject;
import io.elastisnap.engine.pool.PoolSnapshotLedger;
import io.elastisnap.engine.pool.PoolSnapshotRef;
import java.util.ArrayList;
import java.util.List;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

@Command(name = "release", mixinStandardHelpOptions = true, description = {"Delete volume snapshots of group snapshots."
        + " A pool snapshot is deleted on the array only with the last volume snapshot that refers to it."})
final class ReleaseCommand extends BaseCommand {
    @Parameters(arity = "0..*", paramLabel = "GROUP/DOMAIN/DISK", description = "Volume snapshots to delete.")
    List<String> refs = new ArrayList<>();

    @Option(names = "--group", paramLabel = "GROUP", description = "Every volume snapshot of this group.")
    String group;

    @Override
    String name() {
        return "release";
    }

    @Override
    Outcome execute(Settings settings, CliContext ctx) {
        PoolSnapshotLedger ledger = ctx.poolLedger();
        List<String> chosen = new ArrayList<>(refs);
        if (group != null) {
            for (PoolSnapshotLedger.Entry e : ledger.entries()) {
                e.refs().stream().map(PoolSnapshotRef::id).filter(id -> id.startsWith(group + "/")).forEach(chosen::add);
            }
        }
        if (chosen.isEmpty()) {
            throw new CliException(ExitCode.USAGE, group != null ? "group " + group + " has no volume snapshot"
                    : "no volume snapshot given", "list them with 'elastisnap groups'");
        }
        JsonArray released = new JsonArray();
        List<String> lines = new ArrayList<>();
        for (String ref : chosen) {
            PoolSnapshotLedger.Released r;
            try {
                r = ledger.release(ref, ctx.poolArray());
            } catch (IllegalArgumentException e) {
                throw new CliException(ExitCode.USAGE, e.getMessage(), "list the volume snapshots with 'elastisnap groups'");
            } catch (RuntimeException e) {
                throw new CliException(ExitCode.FAILED, "releasing " + ref + ": " + e.getMessage(),
                        "its pool snapshot has no reference left and is marked for deletion; 'elastisnap reconcile' retries", e);
            }
            JsonObject j = new JsonObject();
            j.addProperty("ref", ref);
            j.addProperty("poolSnapshot", r.entry().poolVolumeId() + "@" + r.entry().snapshotName());
            j.addProperty("poolSnapshotDeleted", r.deletedOnArray());
            j.addProperty("referencesLeft", r.entry().refs().size());
            released.add(j);
            lines.add("released " + ref + (r.deletedOnArray() ? "; it was the last reference: pool snapshot "
                    + r.entry().poolVolumeId() + "@" + r.entry().snapshotName() + " deleted"
                    : "; pool snapshot " + r.entry().poolVolumeId() + "@" + r.entry().snapshotName() + " stays ("
                    + r.entry().refs().size() + " reference(s) left)"));
        }
        JsonObject json = new JsonObject();
        json.add("released", released);
        return new Outcome(ExitCode.OK, json, out -> lines.forEach(out::println));
    }
}
