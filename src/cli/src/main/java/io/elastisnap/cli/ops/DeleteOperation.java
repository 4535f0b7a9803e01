// Licensed under the Apache License, Version 2.0. See LICENSE in the project root.
package io.elastisnap.cli.ops;

import com.google.gson.JsonArray;
import com.google.gson.JsonObject;
import io.elastisnap.cli.CliContext;
import io.elastisnap.cli.CliException;
import io.elastisnap.cli.ExitCode;
import io.elastisnap.cli.output.Table;
import io.elastisnap.cli.store.SnapshotSet;
import io.elastisnap.cli.store.VolumeRecord;
import io.elastisnap.elasticenter.ElastiCenterConflictException;
import java.io.PrintStream;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Collectors;

/**
 * delete: one snapshot set (or one volume snapshot, by its name), or a domain's sets chosen by a retention rule. Each
 * set is marked DELETING before the first array call and forgotten after the last, so an interrupted delete is
 * finished by the next run instead of leaving records of half-deleted sets.
 */
public final class DeleteOperation {
    private final CliContext ctx;

    public DeleteOperation(CliContext ctx) {
        this.ctx = ctx;
    }

    /** What delete did (or, with dry run, would do). */
    public static final class Result {
        private final boolean dryRun;
        private final List<SnapshotSet> sets;
        private final List<VolumeRecord> volumes;

        Result(boolean dryRun, List<SnapshotSet> sets, List<VolumeRecord> volumes) {
            this.dryRun = dryRun;
            this.sets = sets;
            this.volumes = volumes;
        }

        public List<SnapshotSet> sets() {
            return sets;
        }

        public JsonObject toJson() {
            JsonObject o = new JsonObject();
            o.addProperty("dryRun", dryRun);
            JsonArray s = new JsonArray();
            sets.forEach(set -> s.add(Json.set(set)));
            o.add(dryRun ? "wouldDeleteSets" : "deletedSets", s);
            JsonArray v = new JsonArray();
            volumes.forEach(vol -> v.add(Json.volume(vol)));
            o.add(dryRun ? "wouldDeleteVolumeSnapshots" : "deletedVolumeSnapshots", v);
            return o;
        }

        public void print(PrintStream out) {
            if (volumes.isEmpty()) {
                out.println(dryRun ? "nothing would be deleted" : "nothing to delete");
                return;
            }
            out.println((dryRun ? "would delete " : "deleted ") + volumes.size() + " volume snapshot(s) in "
                    + sets.size() + " set(s):");
            Table t = new Table("SET", "DOMAIN", "CREATED", "DISK", "PATH");
            for (SnapshotSet set : sets) {
                for (VolumeRecord v : volumes) {
                    if (set.volumes().stream().anyMatch(x -> x.snapshotName().equals(v.snapshotName()))) {
                        t.row(set.id().substring(0, 8), set.domain(), set.created().truncatedTo(ChronoUnit.SECONDS),
                                v.disk(), v.path() == null ? v.snapshotName() : v.path());
                    }
                }
            }
            t.print(out, "  ");
        }
    }

    /** Deletes one set, or one volume snapshot when {@code reference} is a volume snapshot's name or path. */
    public Result one(String reference) {
        SnapshotSet set = SetResolver.resolve(ctx.store().read(), reference);
        List<VolumeRecord> volumes = set.volumes().stream()
                .filter(v -> v.snapshotName().equals(reference.trim()) || reference.trim().equals(v.path()))
                .collect(Collectors.toList());
        if (volumes.isEmpty()) {
            volumes = set.volumes();
        }
        List<VolumeRecord> chosen = volumes;
        return ctx.store().withDomainLock(set.domain(), ctx.domainLockWait(), () -> {
            ArrayView array = new ArrayView(ctx);
            boolean finishedByRecovery = new Recovery(ctx, array).resolveInterrupted(set.domain()).stream()
                    .anyMatch(s -> s.id().equals(set.id()));
            if (finishedByRecovery) {
                // an earlier delete of this set failed half-way; recovery has just deleted all that was left of it
                return new Result(false, List.of(set), set.volumes());
            }
            deleteVolumes(set, chosen, array);
            return new Result(false, List.of(set), chosen);
        });
    }

    /** Deletes a domain's sets older than {@code olderThan} and/or beyond the newest {@code keepNewest}. */
    public Result retention(String domain, Duration olderThan, Integer keepNewest, boolean dryRun) {
        if (keepNewest != null && keepNewest < 0) {
            throw new CliException(ExitCode.USAGE, "--keep-newest must be 0 or more, got " + keepNewest,
                    "give how many of the newest sets to keep, e.g. --keep-newest 7");
        }
        return ctx.store().withDomainLock(domain, ctx.domainLockWait(), () -> {
            ArrayView array = new ArrayView(ctx);
            if (!dryRun) {
                new Recovery(ctx, array).resolveInterrupted(domain);
            }
            List<SnapshotSet> ofDomain = ctx.store().read().stream().filter(s -> s.domain().equals(domain))
                    .collect(Collectors.toList());
            List<SnapshotSet> chosen = RetentionSelector.select(ofDomain, olderThan, keepNewest, Instant.now(ctx.clock()));
            List<VolumeRecord> volumes = chosen.stream().flatMap(s -> s.volumes().stream()).collect(Collectors.toList());
            if (!dryRun) {
                for (SnapshotSet set : chosen) {
                    ctx.output().progress("deleting set " + set.id() + " (" + set.created() + ")");
                    deleteVolumes(set, set.volumes(), array);
                }
            }
            return new Result(dryRun, chosen, volumes);
        });
    }

    private void deleteVolumes(SnapshotSet set, List<VolumeRecord> volumes, ArrayView array) {
        boolean wholeSet = volumes.size() == set.volumes().size();
        if (wholeSet) {
            ctx.store().update(sets -> {
                CreateOperation.find(sets, set.id()).state(SnapshotSet.State.DELETING);
                return null;
            });
        }
        for (VolumeRecord v : new ArrayList<>(volumes)) {
            try {
                array.delete(v.volumeId(), v.snapshotName());
            } catch (CliException e) {
                if (e.getCause() instanceof ElastiCenterConflictException) {
                    restoreComplete(set);
                    throw new CliException(ExitCode.FAILED, "snapshot " + v.path() + " cannot be deleted: "
                            + e.getCause().getMessage(), "delete the volumes cloned from it first, then retry", e);
                }
                throw e;
            }
            ctx.store().update(sets -> {
                SnapshotSet stored = CreateOperation.find(sets, set.id());
                stored.removeVolume(v.volumeId(), v.snapshotName());
                sets.removeIf(s -> s.volumes().isEmpty());
                return null;
            });
        }
    }

    /** A delete refused for good (a clone exists) must not leave the set marked DELETING for recovery to retry forever. */
    private void restoreComplete(SnapshotSet set) {
        ctx.store().update(sets -> {
            sets.stream().filter(s -> s.id().equals(set.id())).forEach(s -> s.state(SnapshotSet.State.COMPLETE));
            return null;
        });
    }
}
