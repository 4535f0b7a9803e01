// Licensed under the Apache License, Version 2.0. See LICENSE in the project root.
package io.elastisnap.cli.ops;

import com.google.gson.JsonArray;
import com.google.gson.JsonObject;
import io.elastisnap.cli.store.SnapshotSet;
import io.elastisnap.cli.store.VolumeRecord;
import io.elastisnap.engine.FreezeScope;
import io.elastisnap.engine.Timings;

/** The JSON shapes shared by several commands (part of the --json interface). */
final class Json {
    private Json() {
    }

    static JsonObject set(SnapshotSet s) {
        JsonObject o = new JsonObject();
        o.addProperty("id", s.id());
        o.addProperty("domain", s.domain());
        o.addProperty("created", s.created().toString());
        o.addProperty("state", s.state().name());
        o.addProperty("policy", s.policy());
        o.addProperty("consistencyLevel", s.consistencyLevel());
        o.addProperty("frozenWindowMs", s.frozenWindowMs());
        o.addProperty("freezeMs", s.freezeMs());
        o.addProperty("snapshotsMs", s.snapshotsMs());
        o.addProperty("thawMs", s.thawMs());
        JsonArray volumes = new JsonArray();
        for (VolumeRecord v : s.volumes()) {
            volumes.add(volume(v));
        }
        o.add("volumes", volumes);
        return o;
    }

    static JsonObject volume(VolumeRecord v) {
        JsonObject o = new JsonObject();
        o.addProperty("disk", v.disk());
        o.addProperty("volumeId", v.volumeId());
        o.addProperty("snapshotName", v.snapshotName());
        o.addProperty("path", v.path());
        return o;
    }

    static JsonObject timings(Timings t) {
        JsonObject o = new JsonObject();
        o.addProperty("preflightMs", t.preflight().toMillis());
        o.addProperty("freezeMs", t.freeze().toMillis());
        o.addProperty("snapshotsMs", t.snapshots().toMillis());
        o.addProperty("thawMs", t.thaw().toMillis());
        o.addProperty("frozenWindowMs", t.frozenWindow().toMillis());
        o.addProperty("totalMs", t.total().toMillis());
        return o;
    }

    /** Which file systems a create froze: {"kind": "partial freeze" | "whole guest" | ..., mount points, disks, why}. */
    static JsonObject freezeScope(FreezeScope scope) {
        JsonObject o = new JsonObject();
        o.addProperty("kind", scope.kind().label());
        JsonArray mountPoints = new JsonArray();
        scope.frozenMountPoints().forEach(mountPoints::add);
        o.add("frozenMountPoints", mountPoints);
        JsonArray disks = new JsonArray();
        scope.disks().forEach(disks::add);
        o.add("disks", disks);
        o.addProperty("fileSystemsKeptRunning", scope.fileSystemsKeptRunning());
        scope.wholeGuestReason().ifPresent(reason -> o.addProperty("wholeGuestReason", reason));
        return o;
    }
}
