// Licensed under the Apache License, Version 2.0. See LICENSE in the project root.
package io.elastisnap.cli.ops;

import com.google.gson.JsonArray;
import com.google.gson.JsonObject;
import io.elastisnap.cli.CliContext;
import io.elastisnap.cli.CliException;
import io.elastisnap.cli.ExitCode;
import io.elastisnap.cli.config.Durations;
import io.elastisnap.cli.libvirt.LibvirtHost;
import io.elastisnap.cli.output.Table;
import io.elastisnap.cli.store.SnapshotNames;
import io.elastisnap.cli.store.SnapshotSet;
import io.elastisnap.cli.store.VolumeRecord;
import io.elastisnap.elasticenter.ElastiCenterException;
import io.elastisnap.engine.ConsistencyPolicy;
import io.elastisnap.engine.ConsistentSnapshotException;
import io.elastisnap.engine.ConsistentSnapshotRequest;
import io.elastisnap.engine.ConsistentSnapshotResult;
import io.elastisnap.engine.FreezeLimits;
import io.elastisnap.engine.Timings;
import io.elastisnap.engine.VolumeOutcome;
import io.elastisnap.engine.VolumeSnapshot;
import java.io.PrintStream;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.stream.Collectors;
import org.libvirt.Domain;

/**
 * create: validate the domain, its disks and their volumes; record the set as PENDING; freeze, snapshot all volumes
 * in parallel, thaw (the engine); record the result. The PENDING record is written before any array call, so a crash
 * at any point leaves a record that the next run resolves (no orphan can escape the operator's list).
 */
public final class CreateOperation {
    /** How long a failed create waits for array calls still running so it can report their cleanup. */
    private static final long LATE_CLEANUP_WAIT_SECONDS = 30;

    private final CliContext ctx;

    public CreateOperation(CliContext ctx) {
        this.ctx = ctx;
    }

    /** What to snapshot and how. */
    public static final class Request {
        final String domain;
        final List<VolumeTarget> volumes;
        final ConsistencyPolicy policy;
        final List<String> mountPoints;
        final FreezeLimits limits;

        public Request(String domain, List<VolumeTarget> volumes, ConsistencyPolicy policy, List<String> mountPoints,
                       FreezeLimits limits) {
            this.domain = domain;
            this.volumes = volumes;
            this.policy = policy;
            this.mountPoints = mountPoints;
            this.limits = limits;
        }
    }

    /** The outcome, for output and for the demo. */
    public static final class Result {
        private final SnapshotSet set;
        private final ConsistentSnapshotResult engineResult;

        Result(SnapshotSet set, ConsistentSnapshotResult engineResult) {
            this.set = set;
            this.engineResult = engineResult;
        }

        public SnapshotSet set() {
            return set;
        }

        public ConsistentSnapshotResult engineResult() {
            return engineResult;
        }

        public JsonObject toJson() {
            JsonObject o = Json.set(set);
            o.addProperty("frozenFileSystems", engineResult.frozenFileSystems());
            engineResult.quiesceFailure().ifPresent(q -> o.addProperty("quiesceFailure", q.toString()));
            JsonArray warnings = new JsonArray();
            engineResult.warnings().forEach(warnings::add);
            o.add("engineWarnings", warnings);
            o.add("timings", Json.timings(engineResult.timings()));
            return o;
        }

        public void print(PrintStream out) {
            Timings t = engineResult.timings();
            out.println("snapshot set " + set.id() + " of " + set.domain() + ": " + set.volumes().size() + " volume(s), "
                    + engineResult.level() + (engineResult.level().name().equals("FS_FROZEN")
                    ? " (" + engineResult.frozenFileSystems() + " file system(s) frozen)" : ""));
            engineResult.quiesceFailure().ifPresent(q -> out.println("  not frozen: " + q.message()));
            Table table = new Table("DISK", "VOLUME", "SNAPSHOT", "PATH");
            for (VolumeRecord v : set.volumes()) {
                table.row(v.disk(), v.volumeId(), v.snapshotName(), v.path());
            }
            table.print(out, "  ");
            out.println("  frozen window " + Durations.format(t.frozenWindow()) + " (freeze " + Durations.format(t.freeze())
                    + ", snapshots " + Durations.format(t.snapshots()) + ", thaw " + Durations.format(t.thaw())
                    + "); total " + Durations.format(t.total()));
        }
    }

    public Result run(Request request) {
        LibvirtHost host = ctx.libvirt();
        Domain domain = host.domain(request.domain);
        checkDisks(host, domain, request);
        checkVolumes(request);
        return ctx.store().withDomainLock(request.domain, ctx.domainLockWait(), () -> {
            new Recovery(ctx).resolveInterrupted(request.domain);
            SnapshotSet set = recordPending(request);
            ctx.output().progress("snapshotting " + request.volumes.size() + " volume(s) of " + request.domain
                    + " (policy " + request.policy.name().toLowerCase(Locale.ROOT).replace('_', '-')
                    + "): freeze, parallel array snapshots, thaw");
            ConsistentSnapshotResult result;
            try {
                result = ctx.engine().snapshot(engineRequest(request, set));
            } catch (ConsistentSnapshotException e) {
                throw failed(set, e);
            }
            Map<String, String> paths = listedPaths(result);
            SnapshotSet completed = ctx.store().update(sets -> {
                SnapshotSet stored = find(sets, set.id());
                stored.volumes().forEach(v -> v.path(paths.get(v.volumeId())));
                Timings t = result.timings();
                stored.complete(result.level().name(), t.frozenWindow().toMillis(), t.freeze().toMillis(),
                        t.snapshots().toMillis(), t.thaw().toMillis());
                return stored;
            });
            result.warnings().forEach(ctx.output()::warn);
            return new Result(completed, result);
        });
    }

    /**
     * The paths as the array lists them (after the thaw, so outside the frozen window): the records must hold what
     * rollback and delete will find, whatever the snapshot call itself answered.
     */
    private Map<String, String> listedPaths(ConsistentSnapshotResult result) {
        Map<String, String> paths = new LinkedHashMap<>();
        ArrayView array = new ArrayView(ctx);
        for (VolumeSnapshot vs : result.snapshots()) {
            String path = vs.path();
            try {
                path = array.find(vs.volumeId(), vs.snapshotName()).map(d -> d.path()).orElse(path);
            } catch (CliException e) {
                ctx.output().warn("could not list " + vs.snapshotName() + " after creating it (" + e.getMessage()
                        + "); recorded the path the snapshot call gave: " + path);
            }
            paths.put(vs.volumeId(), path);
        }
        return paths;
    }

    private void checkDisks(LibvirtHost host, Domain domain, Request request) {
        if (request.volumes.isEmpty()) {
            throw new CliException(ExitCode.USAGE, "no volumes to snapshot for domain '" + request.domain + "'",
                    "pass --disk vda=VOLUME_ID (repeatable) or map its disks in the config file:"
                            + " domain." + request.domain + ".disk.vda = VOLUME_ID");
        }
        Set<String> targets = host.disks(domain).stream().map(LibvirtHost.Disk::target).collect(Collectors.toSet());
        for (VolumeTarget v : request.volumes) {
            if (!targets.contains(v.disk())) {
                throw new CliException(ExitCode.USAGE, "domain '" + request.domain + "' has no disk '" + v.disk()
                        + "' (its disks: " + String.join(", ", new java.util.TreeSet<>(targets)) + ")",
                        "map the disk targets shown by: virsh -c " + host.uri() + " domblklist " + request.domain);
            }
        }
    }

    private void checkVolumes(Request request) {
        for (VolumeTarget v : request.volumes) {
            boolean exists;
            try {
                exists = ctx.client().findFileSystem(v.volumeId()).isPresent();
            } catch (ElastiCenterException e) {
                throw Errors.elastiCenter(e, ctx.endpoint(), "looking up volume " + v.volumeId());
            }
            if (!exists) {
                throw new CliException(ExitCode.USAGE, "ElastiStor volume '" + v.volumeId() + "' (disk " + v.disk()
                        + " of " + request.domain + ") not found at " + ctx.endpoint(),
                        "use the volume's id as ElastiCenter shows it (listFileSystem), in --disk or the config file");
            }
        }
    }

    private SnapshotSet recordPending(Request request) {
        String setId = SnapshotNames.newSetId();
        List<VolumeRecord> volumes = new ArrayList<>();
        for (VolumeTarget v : request.volumes) {
            volumes.add(new VolumeRecord(v.disk(), v.volumeId(), SnapshotNames.name(request.domain, v.disk(), setId), null));
        }
        SnapshotSet set = new SnapshotSet(setId, request.domain, Instant.now(ctx.clock()), request.policy.name(), volumes);
        ctx.store().update(sets -> sets.add(set));
        return set;
    }

    private static ConsistentSnapshotRequest engineRequest(Request request, SnapshotSet set) {
        ConsistentSnapshotRequest.Builder b = ConsistentSnapshotRequest.builder(request.domain)
                .policy(request.policy).mountPoints(request.mountPoints).limits(request.limits);
        for (VolumeRecord v : set.volumes()) {
            b.volume(v.volumeId(), v.snapshotName(), v.disk());
        }
        return b.build();
    }

    /**
     * The engine deleted what it created (all-or-nothing). The CLI checks that on the array by name and deletes any
     * leftover itself; the PENDING record goes only once nothing of the set is left, else it stays for reconcile (or
     * the next create/delete on this domain) to finish.
     */
    private CliException failed(SnapshotSet set, ConsistentSnapshotException e) {
        if (e.volumeOutcomes().stream().anyMatch(o -> o.state() == VolumeOutcome.State.PENDING)) {
            try {
                e.lateCleanup().get(LATE_CLEANUP_WAIT_SECONDS, TimeUnit.SECONDS);
            } catch (InterruptedException ie) {
                Thread.currentThread().interrupt();
            } catch (ExecutionException | TimeoutException ignored) {
                // whatever is still running is found by name below or later by reconcile
            }
        }
        ArrayView array = new ArrayView(ctx);
        List<String> left = new ArrayList<>();
        for (VolumeRecord v : set.volumes()) {
            try {
                array.delete(v.volumeId(), v.snapshotName());
            } catch (CliException cleanupFailed) {
                left.add(v.snapshotName());
            }
        }
        if (left.isEmpty()) {
            ctx.store().update(sets -> sets.removeIf(s -> s.id().equals(set.id())));
        } else {
            ctx.output().warn("could not verify that these are gone from the array: " + String.join(", ", left)
                    + "; kept in the record store as pending; 'elastisnap reconcile' finishes the cleanup");
        }
        return Errors.snapshot(e, ctx.endpoint());
    }

    static SnapshotSet find(List<SnapshotSet> sets, String id) {
        return sets.stream().filter(s -> s.id().equals(id)).findFirst()
                .orElseThrow(() -> new CliException(ExitCode.FAILED, "snapshot set " + id
                        + " vanished from the record store during the operation", "run 'elastisnap reconcile'"));
    }

    /** Disk → volume map from --disk flags (which win) or the config file. */
    public static List<VolumeTarget> targets(Map<String, String> fromFlags, Map<String, String> fromConfig) {
        Map<String, String> chosen = fromFlags.isEmpty() ? fromConfig : fromFlags;
        List<VolumeTarget> list = new ArrayList<>();
        new LinkedHashMap<>(chosen).forEach((disk, volume) -> list.add(new VolumeTarget(disk, volume)));
        return list;
    }
}
