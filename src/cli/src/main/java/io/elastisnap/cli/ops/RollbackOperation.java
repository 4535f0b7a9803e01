// Licensed under the Apache License, Version 2.0. See LICENSE in the project root.
package io.elastisnap.cli.ops;

import com.google.gson.JsonArray;
import com.google.gson.JsonObject;
import io.elastisnap.cli.CliContext;
import io.elastisnap.cli.CliException;
import io.elastisnap.cli.ExitCode;
import io.elastisnap.cli.libvirt.LibvirtHost;
import io.elastisnap.cli.output.Table;
import io.elastisnap.cli.store.SnapshotNames;
import io.elastisnap.cli.store.SnapshotSet;
import io.elastisnap.cli.store.VolumeRecord;
import io.elastisnap.elasticenter.DatasetSnapshot;
import io.elastisnap.elasticenter.ElastiCenterException;
import io.elastisnap.elasticenter.RollbackResult;
import java.io.PrintStream;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.stream.Collectors;
import org.libvirt.Domain;

/**
 * rollback: returns a domain's volumes (all of a set, or the chosen disks) to a snapshot set. ElastiStor is ZFS: a
 * rollback destroys the volume's newer snapshots, so the command refuses, naming them, unless
 * {@code --force-destroy-newer}; it also refuses while the domain is active (a running guest would see its disk change
 * underneath and corrupt it). All guards run before the first rollback; then volumes are rolled back one by one and
 * the result says exactly which ones were.
 */
public final class RollbackOperation {
    private final CliContext ctx;

    public RollbackOperation(CliContext ctx) {
        this.ctx = ctx;
    }

    /** One volume's rollback. */
    public static final class VolumeRollback {
        private final VolumeRecord target;
        private final List<String> destroyed;

        VolumeRollback(VolumeRecord target, List<String> destroyed) {
            this.target = target;
            this.destroyed = destroyed;
        }

        public VolumeRecord target() {
            return target;
        }

        /** Paths of the newer snapshots the rollback destroyed. */
        public List<String> destroyed() {
            return destroyed;
        }
    }

    /** What rollback did. */
    public static final class Result {
        private final SnapshotSet set;
        private final List<VolumeRollback> volumes;

        Result(SnapshotSet set, List<VolumeRollback> volumes) {
            this.set = set;
            this.volumes = volumes;
        }

        public List<VolumeRollback> volumes() {
            return volumes;
        }

        public JsonObject toJson() {
            JsonObject o = new JsonObject();
            o.addProperty("setId", set.id());
            o.addProperty("domain", set.domain());
            o.addProperty("created", set.created().toString());
            JsonArray vols = new JsonArray();
            for (VolumeRollback v : volumes) {
                JsonObject j = Json.volume(v.target);
                JsonArray destroyed = new JsonArray();
                v.destroyed.forEach(destroyed::add);
                j.add("destroyedSnapshots", destroyed);
                vols.add(j);
            }
            o.add("rolledBack", vols);
            return o;
        }

        public void print(PrintStream out) {
            out.println("rolled back " + volumes.size() + " volume(s) of " + set.domain() + " to set " + set.id()
                    + " (" + set.created().truncatedTo(ChronoUnit.SECONDS) + ")");
            Table t = new Table("DISK", "VOLUME", "SNAPSHOT", "DESTROYED NEWER");
            volumes.forEach(v -> t.row(v.target.disk(), v.target.volumeId(), v.target.path(),
                    v.destroyed.isEmpty() ? "none" : String.join(", ", v.destroyed)));
            t.print(out, "  ");
        }
    }

    /**
     * @param disks empty for every volume of the set
     */
    public Result run(String reference, List<String> disks, boolean forceDestroyNewer) {
        SnapshotSet set = SetResolver.resolve(ctx.store().read(), reference);
        if (set.state() != SnapshotSet.State.COMPLETE) {
            throw new CliException(ExitCode.USAGE, "snapshot set " + set.id() + " is " + set.state().name().toLowerCase()
                    + ", not complete", "run 'elastisnap reconcile' to resolve it; only complete sets can be rolled back to");
        }
        List<VolumeRecord> targets = select(set, disks);
        LibvirtHost host = ctx.libvirt();
        Domain domain = host.domain(set.domain());
        return ctx.store().withDomainLock(set.domain(), ctx.domainLockWait(), () -> {
            if (host.isActive(domain)) {
                throw new CliException(ExitCode.REFUSED, "domain " + set.domain() + " is " + host.state(domain)
                        .name().replace("VIR_DOMAIN_", "").toLowerCase() + "; a rollback changes its disks underneath it",
                        "shut it down first (virsh -c " + host.uri() + " shutdown " + set.domain()
                                + ", wait until 'shut off'), then retry");
            }
            ArrayView array = new ArrayView(ctx);
            new Recovery(ctx, array).resolveInterrupted(set.domain());
            List<String> targetPaths = new ArrayList<>();
            List<String> newer = new ArrayList<>();
            for (VolumeRecord v : targets) {
                List<DatasetSnapshot> onArray = array.snapshots(v.volumeId());
                int index = indexOf(onArray, v.snapshotName());
                if (index < 0) {
                    throw new CliException(ExitCode.FAILED, "snapshot " + v.snapshotName() + " of volume " + v.volumeId()
                            + " (disk " + v.disk() + ") is missing on the array", "run 'elastisnap list' and 'elastisnap"
                            + " reconcile --forget-missing' to clean the records; it cannot be rolled back to");
                }
                targetPaths.add(onArray.get(index).path());
                onArray.subList(index + 1, onArray.size()).forEach(d -> newer.add(describe(d)));
            }
            if (!newer.isEmpty() && !forceDestroyNewer) {
                throw new CliException(ExitCode.REFUSED, "rolling back to set " + set.id() + " would destroy "
                        + newer.size() + " newer snapshot(s): " + String.join(", ", newer),
                        "delete or keep them consciously: rerun with --force-destroy-newer to destroy them");
            }
            return rollBack(set, targets, targetPaths, array);
        });
    }

    private Result rollBack(SnapshotSet set, List<VolumeRecord> targets, List<String> targetPaths, ArrayView array) {
        List<VolumeRollback> done = new ArrayList<>();
        for (int i = 0; i < targets.size(); i++) {
            VolumeRecord v = targets.get(i);
            ctx.output().progress("rolling back " + v.disk() + " (volume " + v.volumeId() + ") to " + targetPaths.get(i));
            RollbackResult r;
            try {
                r = ctx.client().rollbackToSnapshot(v.volumeId(), targetPaths.get(i));
            } catch (ElastiCenterException e) {
                CliException mapped = Errors.elastiCenter(e, ctx.endpoint(), "rolling back volume " + v.volumeId());
                String reverted = done.isEmpty() ? "no volume was rolled back"
                        : "already rolled back: " + done.stream().map(d -> d.target.disk()).collect(Collectors.joining(", "));
                throw new CliException(mapped.exitCode(), mapped.getMessage() + "; " + reverted,
                        mapped.fix() + "; then rerun the rollback for the remaining disks with --disk", e);
            } finally {
                array.invalidate(v.volumeId());
            }
            List<String> destroyed = r.destroyedSnapshots().stream().map(DatasetSnapshot::path).collect(Collectors.toList());
            Set<String> destroyedNames = r.destroyedSnapshots().stream().map(DatasetSnapshot::name).collect(Collectors.toSet());
            forgetDestroyed(v.volumeId(), destroyedNames);
            done.add(new VolumeRollback(new VolumeRecord(v.disk(), v.volumeId(), v.snapshotName(), targetPaths.get(i)), destroyed));
        }
        return new Result(set, done);
    }

    /** Records of snapshots the rollback destroyed go; a set left without volumes goes with them. */
    private void forgetDestroyed(String volumeId, Set<String> destroyedNames) {
        if (destroyedNames.isEmpty()) {
            return;
        }
        ctx.store().update(sets -> {
            for (SnapshotSet s : sets) {
                for (VolumeRecord v : new ArrayList<>(s.volumes())) {
                    if (v.volumeId().equals(volumeId) && destroyedNames.contains(v.snapshotName())) {
                        s.removeVolume(volumeId, v.snapshotName());
                    }
                }
            }
            sets.removeIf(s -> s.volumes().isEmpty());
            return null;
        });
    }

    private static List<VolumeRecord> select(SnapshotSet set, List<String> disks) {
        if (disks.isEmpty()) {
            return set.volumes();
        }
        Set<String> known = set.volumes().stream().map(VolumeRecord::disk).collect(Collectors.toSet());
        Set<String> unknown = new HashSet<>(disks);
        unknown.removeAll(known);
        if (!unknown.isEmpty()) {
            throw new CliException(ExitCode.USAGE, "snapshot set " + set.id() + " has no disk(s) " + String.join(", ", unknown)
                    + " (it has: " + String.join(", ", known) + ")", "pick disks of this set with --disk");
        }
        return set.volumes().stream().filter(v -> disks.contains(v.disk())).collect(Collectors.toList());
    }

    private static int indexOf(List<DatasetSnapshot> snapshots, String name) {
        for (int i = 0; i < snapshots.size(); i++) {
            if (snapshots.get(i).name().equals(name)) {
                return i;
            }
        }
        return -1;
    }

    private static String describe(DatasetSnapshot d) {
        Optional<String> setId = SnapshotNames.setIdOf(d.name());
        return d.path() + (setId.isPresent() ? " (set " + setId.get().substring(0, 8) + ")" : " (not ours)");
    }
}
