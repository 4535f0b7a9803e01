// Licensed under the Apache License, Version 2.0. See LICENSE in the project root.
package io.elastisnap.cli.ops;

import com.google.gson.JsonArray;
import com.google.gson.JsonObject;
import io.elastisnap.cli.CliContext;
import io.elastisnap.cli.store.FileLocks;
import io.elastisnap.cli.store.SnapshotSet;
import io.elastisnap.cli.store.VolumeRecord;
import io.elastisnap.elasticenter.DatasetSnapshot;
import java.io.PrintStream;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;

/**
 * reconcile: makes the records and the array agree again. Always finishes interrupted creates and deletes of domains
 * nobody is operating on; with {@code --forget-missing} drops records whose array snapshot is gone; with
 * {@code --delete-unrecorded} deletes array snapshots named by us that no record knows. Reports what is left.
 */
public final class ReconcileOperation {
    private final CliContext ctx;

    public ReconcileOperation(CliContext ctx) {
        this.ctx = ctx;
    }

    /** What reconcile did and what drift remains. */
    public static final class Result {
        private final List<String> resolvedInterrupted = new ArrayList<>();
        private final List<String> busyDomains = new ArrayList<>();
        private final List<String> forgotten = new ArrayList<>();
        private final List<String> deletedUnrecorded = new ArrayList<>();
        private ListOperation.Result after;

        public boolean inSync() {
            return after.inSync();
        }

        public JsonObject toJson() {
            JsonObject o = new JsonObject();
            o.add("resolvedInterruptedSets", array(resolvedInterrupted));
            o.add("skippedBusyDomains", array(busyDomains));
            o.add("forgottenRecords", array(forgotten));
            o.add("deletedUnrecorded", array(deletedUnrecorded));
            o.addProperty("inSync", after.inSync());
            o.add("remaining", after.toJson());
            return o;
        }

        public void print(PrintStream out) {
            out.println("finished interrupted operations: " + (resolvedInterrupted.isEmpty() ? "none" : String.join(", ", resolvedInterrupted)));
            if (!busyDomains.isEmpty()) {
                out.println("skipped (another run is operating on them): " + String.join(", ", busyDomains));
            }
            out.println("forgot records missing on the array: " + (forgotten.isEmpty() ? "none" : String.join(", ", forgotten)));
            out.println("deleted unrecorded array snapshots: " + (deletedUnrecorded.isEmpty() ? "none" : String.join(", ", deletedUnrecorded)));
            out.println();
            after.print(out);
        }

        private static JsonArray array(List<String> values) {
            JsonArray a = new JsonArray();
            values.forEach(a::add);
            return a;
        }
    }

    public Result run(String domain, boolean forgetMissing, boolean deleteUnrecorded) {
        Result result = new Result();
        Set<String> domains = new LinkedHashSet<>();
        ctx.store().read().stream().filter(s -> domain == null || s.domain().equals(domain)).forEach(s -> domains.add(s.domain()));
        for (String d : domains) {
            try (FileLocks.Held lock = ctx.store().tryLockDomain(d)) {
                if (lock == null) {
                    result.busyDomains.add(d);
                    continue;
                }
                ArrayView array = new ArrayView(ctx);
                new Recovery(ctx, array).resolveInterrupted(d).forEach(s -> result.resolvedInterrupted.add(s.id()));
                if (forgetMissing) {
                    forgetMissing(d, array, result);
                }
            }
        }
        ListOperation lister = new ListOperation(ctx);
        if (deleteUnrecorded) {
            ArrayView array = new ArrayView(ctx);
            for (DatasetSnapshot d : lister.run(domain, false).notRecorded()) {
                array.delete(d.volumeId(), d.name());
                result.deletedUnrecorded.add(d.path());
            }
        }
        result.after = lister.run(domain, false);
        return result;
    }

    private void forgetMissing(String domain, ArrayView array, Result result) {
        List<VolumeRecord> missing = new ArrayList<>();
        for (SnapshotSet s : ctx.store().read()) {
            if (s.domain().equals(domain) && s.state() == SnapshotSet.State.COMPLETE) {
                s.volumes().stream().filter(v -> array.find(v.volumeId(), v.snapshotName()).isEmpty()).forEach(missing::add);
            }
        }
        if (missing.isEmpty()) {
            return;
        }
        ctx.store().update(sets -> {
            for (SnapshotSet s : sets) {
                missing.forEach(v -> s.removeVolume(v.volumeId(), v.snapshotName()));
            }
            sets.removeIf(s -> s.volumes().isEmpty());
            return null;
        });
        missing.forEach(v -> result.forgotten.add(v.snapshotName()));
    }
}
