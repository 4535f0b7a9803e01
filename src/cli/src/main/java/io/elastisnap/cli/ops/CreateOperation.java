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
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
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
    /**
     * How long a failed create waits for array calls still out when the guest was thawed: a call that a sibling's
     * failure overtook usually returns (and is cleaned up) within milliseconds, a hung array never does; its answer
     * must not wait for that.
     */
    private static final Duration CALLS_STILL_OUT_WAIT = Duration.ofSeconds(1);

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
            o.addProperty("pausedWhileFrozen", engineResult.pausedWhileFrozen());
            engineResult.freezeScope().ifPresent(scope -> o.add("freezeScope", Json.freezeScope(scope)));
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
            engineResult.freezeScope().ifPresent(scope -> out.println("  froze: " + scope.describe()));
            if (engineResult.pausedWhileFrozen()) {
                out.println("  the domain was paused while frozen: the guest stayed frozen for the whole pause");
            }
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
                throw failed(request, set, e);
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
     * The engine deleted what it created (all-or-nothing), except snapshots whose create call had not returned when the
     * guest was thawed: those the answer waits for only {@link #CALLS_STILL_OUT_WAIT} (against a hung array that could
     * take minutes), then it names them. What the engine reports deleted or never created is checked on the array by
     * name, within the pre-flight timeout; the PENDING record goes only once nothing of the set can be left, else it
     * stays and the next create, delete, list or reconcile of this domain deletes its snapshots by their unique names.
     */
    private CliException failed(Request request, SnapshotSet set, ConsistentSnapshotException e) {
        List<VolumeOutcome> outcomes = e.outcomesWithin(CALLS_STILL_OUT_WAIT);
        List<String> outstanding = new ArrayList<>();
        List<VolumeRecord> toCheck = new ArrayList<>();
        for (int i = 0; i < set.volumes().size(); i++) {
            VolumeOutcome outcome = outcomes.get(i);
            if (outcome.state() == VolumeOutcome.State.PENDING) {
                outstanding.add(set.volumes().get(i).snapshotName() + " (its create call had not returned)");
            } else {
                toCheck.add(set.volumes().get(i));
            }
        }
        outstanding.addAll(leftAfterCheck(toCheck, request.limits.preflightTimeout()));
        CliException failure = Errors.snapshot(e, ctx.endpoint());
        if (outstanding.isEmpty()) {
            ctx.store().update(sets -> sets.removeIf(s -> s.id().equals(set.id())));
            return failure;
        }
        String note = "still outstanding on the array: " + String.join(", ", outstanding) + "; set " + set.id()
                + " stays pending, and the next create, delete, list or 'elastisnap reconcile' of " + request.domain
                + " deletes them by name";
        ctx.output().warn(note);
        return new CliException(failure.exitCode(), failure.getMessage() + "; " + note, failure.fix(), e);
    }

    /** Deletes by name whatever of these is on the array; the names it could not clear within {@code budget}. */
    private List<String> leftAfterCheck(List<VolumeRecord> volumes, Duration budget) {
        if (volumes.isEmpty()) {
            return List.of();
        }
        // a hung array hangs the listing too: the check runs aside, and what it did not clear in time counts as left
        ExecutorService checker = Executors.newSingleThreadExecutor(runnable -> {
            Thread thread = new Thread(runnable, "elastisnap-cleanup-check");
            thread.setDaemon(true);
            return thread;
        });
        Set<String> cleared = ConcurrentHashMap.newKeySet();
        Future<?> check = checker.submit(() -> {
            ArrayView array = new ArrayView(ctx);
            for (VolumeRecord v : volumes) {
                array.delete(v.volumeId(), v.snapshotName());
                cleared.add(v.snapshotName());
            }
        });
        checker.shutdown();
        String why = "not checked within " + budget.toMillis() + " ms";
        try {
            check.get(budget.toNanos(), TimeUnit.NANOSECONDS);
        } catch (InterruptedException ie) {
            Thread.currentThread().interrupt();
        } catch (ExecutionException ee) {
            why = "could not be checked: " + (ee.getCause() instanceof CliException ? ee.getCause().getMessage() : ee.getCause());
        } catch (TimeoutException te) {
            // still checking: what it has not cleared yet is reported as outstanding
        }
        List<String> left = new ArrayList<>();
        for (VolumeRecord v : volumes) {
            if (!cleared.contains(v.snapshotName())) {
                left.add(v.snapshotName() + " (" + why + ")");
            }
        }
        return left;
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
