// Licensed under the Apache License, Version 2.0. See LICENSE in the project root.
package io.elastisnap.cli;

import com.google.gson.JsonArray;
import com.google.gson.JsonObject;
import io.elastisnap.cli.output.Table;
import io.elastisnap.engine.pool.PoolSnapshotLedger;
import io.elastisnap.engine.pool.PoolSnapshotRef;
import java.util.List;
import picocli.CommandLine.Command;

@Command(name = "groups", mixinStandardHelpOptions = true, description = {"List the pool snapshots of group snapshots and"
        + " the volume snapshots (GROUP/DOMAIN/DISK → file on the pool) that refer to each."})
final class GroupsCommand extends BaseCommand {
    @Override
    String name() {
        return "groups";
    }

    @Override
    Outcome execute(Settings settings, CliContext ctx) {
        List<PoolSnapshotLedger.Entry> entries = ctx.poolLedger().entries();
        JsonArray pools = new JsonArray();
        Table table = new Table("POOL SNAPSHOT", "STATE", "CREATED", "VOLUME SNAPSHOT", "FILE ON THE POOL");
        for (PoolSnapshotLedger.Entry e : entries) {
            JsonObject j = new JsonObject();
            j.addProperty("poolVolumeId", e.poolVolumeId());
            j.addProperty("snapshotName", e.snapshotName());
            j.addProperty("group", e.groupId());
            j.addProperty("state", e.state().name());
            j.addProperty("created", e.created().toString());
            e.snapshot().ifPresent(s -> j.addProperty("path", s.path()));
            JsonArray refs = new JsonArray();
            String name = e.poolVolumeId() + "@" + e.snapshotName();
            if (e.refs().isEmpty()) {
                table.row(name, e.state(), e.created(), "-", "-");
            }
            for (PoolSnapshotRef r : e.refs()) {
                JsonObject rj = new JsonObject();
                rj.addProperty("ref", r.id());
                rj.addProperty("file", r.file());
                refs.add(rj);
                table.row(name, e.state(), e.created(), r.id(), r.file());
                name = "";
            }
            j.add("volumes", refs);
            pools.add(j);
        }
        JsonObject json = new JsonObject();
        json.add("poolSnapshots", pools);
        return new Outcome(ExitCode.OK, json, out -> {
            if (entries.isEmpty()) {
                out.println("no group snapshots");
            } else {
                table.print(out, "");
            }
        });
    }
}
