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
import io.elastisnap.elasticenter.ElastiCenterException;
import io.elastisnap.engine.ConsistencyPolicy;
import io.elastisnap.engine.ConsistentSnapshotException;
import io.elastisnap.engine.ConsistentSnapshotRequest;
import io.elastisnap.engine.ConsistentSnapshotResult;
import io.elastisnap.engine.FreezeLimits;
import io.elastisnap.engine.pool.GroupMember;
import io.elastisnap.engine.pool.GroupSnapshotException;
import io.elastisnap.engine.pool.GroupSnapshotRequest;
import io.elastisnap.engine.pool.GroupSnapshotResult;
import io.elastisnap.engine.pool.MountTable;
import io.elastisnap.engine.pool.PoolSnapshotRef;
import io.elastisnap.engine.pool.PoolVolume;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;
import java.util.function.Supplier;
import org.libvirt.Domain;

/**
 * create --group: domains whose disks are files on mounted ElastiStor pool volumes, frozen together, one array
 * snapshot per pool ({@code esgroup-<group>}), thawed together; the pool ledger records which disk file each
 * reference ({@code <group>/<domain>/<disk>}) is.
 */
public final class GroupCreateOperation {
    /** Pool snapshots are named apart from the per-volume {@code esnap-} sets, which reconcile owns. */
    public static final String SNAPSHOT_PREFIX = "esgroup-";

    private final CliContext ctx;

    public GroupCreateOperation(CliContext ctx) {
        this.ctx = ctx;
    }

    /** What to snapshot and how. */
    public static final class Request {
        final String group;
        final List<String> domains;
        final Map<String, Path> mountByPoolVolume;
        final ConsistencyPolicy policy;
        final List<String> guestMountPoints;
        final FreezeLimits limits;

        public Request(String group, List<String> domains, Map<String, Path> mountByPoolVolume, ConsistencyPolicy policy,
                List<String> guestMountPoints, FreezeLimits limits) {
            this.group = group;
            this.domains = domains;
            this.mountByPoolVolume = mountByPoolVolume;
            this.policy = policy;
            this.guestMountPoints = guestMountPoints;
            this.limits = limits;
        }
    }

    /** The outcome, for output. */
    public static final class Result {
        private final GroupSnapshotResult result;

        Result(GroupSnapshotResult result) {
            this.result = result;
        }

        public GroupSnapshotResult engineResult() {
            return result;
        }

        public JsonObject toJson() {
            JsonObject o = new JsonObject();
            o.addProperty("group", result.groupId());
            JsonArray pools = new JsonArray();
            result.poolSnapshots().forEach((volume, s) -> {
                JsonObject p = new JsonObject();
                p.addProperty("poolVolumeId", volume);
                p.addProperty("snapshotName", s.snapshotName());
                p.addProperty("path", s.path());
                pools.add(p);
            });
            o.add("poolSnapshots", pools);
            JsonArray members = new JsonArray();
            for (ConsistentSnapshotResult m : result.members()) {
                JsonObject j = new JsonObject();
                j.addProperty("domain", m.domainName());
                j.addProperty("consistencyLevel", m.level().name());
                j.addProperty("frozenFileSystems", m.frozenFileSystems());
                j.add("timings", Json.timings(m.timings()));
                members.add(j);
            }
            o.add("members", members);
            JsonArray refs = new JsonArray();
            for (PoolSnapshotRef r : result.refs()) {
                JsonObject j = new JsonObject();
                j.addProperty("ref", r.id());
                j.addProperty("domain", r.domain());
                j.addProperty("disk", r.disk());
                j.addProperty("poolVolumeId", r.poolVolumeId());
                j.addProperty("file", r.file());
                refs.add(j);
            }
            o.add("volumes", refs);
            o.addProperty("groupFrozenWindowMs", result.groupFrozenWindow().toMillis());
            o.addProperty("flushAndSnapshotMs", result.flushAndSnapshot().toMillis());
            o.addProperty("totalMs", result.total().toMillis());
            return o;
        }

        public void print(PrintStream out) {
            out.println("group snapshot " + result.groupId() + ": " + result.members().size() + " domain(s) frozen together, "
                    + result.poolSnapshots().size() + " pool snapshot(s)");
            Table pools = new Table("POOL VOLUME", "SNAPSHOT");
            result.poolSnapshots().forEach((volume, s) -> pools.row(volume, s.path()));
            pools.print(out, "  ");
            Table volumes = new Table("VOLUME SNAPSHOT", "LEVEL", "FILE ON THE POOL");
            for (PoolSnapshotRef r : result.refs()) {
                String level = result.members().stream().filter(m -> m.domainName().equals(r.domain())).findFirst()
                        .map(m -> m.level().name()).orElse("?");
                volumes.row(r.id(), level, r.file());
            }
            volumes.print(out, "  ");
            StringBuilder windows = new StringBuilder();
            for (ConsistentSnapshotResult m : result.members()) {
                windows.append(windows.length() == 0 ? "" : ", ").append(m.domainName()).append(' ')
                        .append(Durations.format(m.timings().frozenWindow()));
            }
            out.println("  group frozen window " + Durations.format(result.groupFrozenWindow()) + " (first freeze to last"
                    + " thaw; syncfs + pool snapshots " + Durations.format(result.flushAndSnapshot()) + "); each guest: "
                    + windows + "; total " + Durations.format(result.total()));
        }
    }

    public Result run(Request request) {
        if (!ConsistentSnapshotRequest.SNAPSHOT_NAME.matcher(request.group).matches()) {
            throw new CliException(ExitCode.USAGE, "--group '" + request.group + "' has characters outside [A-Za-z0-9_.:-]",
                    "name the group with letters, digits and _ . : - (e.g. --group nightly-2026-12-05)");
        }
        if (request.mountByPoolVolume.isEmpty()) {
            throw new CliException(ExitCode.USAGE, "a group snapshot needs the pool volumes its disks are on",
                    "pass --pool VOLUME_ID=MOUNT_POINT for each ElastiStor volume mounted on this host");
        }
        List<PoolVolume> pools = pools(request);
        List<GroupMember> members = new ArrayList<>();
        LibvirtHost host = ctx.libvirt();
        for (String name : request.domains) {
            members.add(member(host, host.domain(name), name, pools, request));
        }
        GroupSnapshotRequest groupRequest = new GroupSnapshotRequest(request.group, SNAPSHOT_PREFIX + request.group, members);
        ctx.output().progress("freezing " + members.size() + " domain(s) together, then syncfs and one array snapshot of each of "
                + pools.size() + " pool volume(s), then thawing them");
        return withDomainLocks(new ArrayList<>(new TreeSet<>(request.domains)), () -> {
            try {
                return new Result(ctx.groupSnapshotter().snapshot(groupRequest));
            } catch (GroupSnapshotException e) {
                throw failed(e);
            }
        });
    }

    private List<PoolVolume> pools(Request request) {
        List<PoolVolume> pools = new ArrayList<>();
        request.mountByPoolVolume.forEach((volumeId, mount) -> {
            if (!Files.isDirectory(mount)) {
                throw new CliException(ExitCode.USAGE, "--pool " + volumeId + "=" + mount + ": " + mount + " is not a directory",
                        "give the directory where ElastiStor volume " + volumeId + " is mounted on this host");
            }
            boolean exists;
            try {
                exists = ctx.client().findFileSystem(volumeId).isPresent();
            } catch (ElastiCenterException e) {
                throw Errors.elastiCenter(e, ctx.endpoint(), "looking up pool volume " + volumeId);
            }
            if (!exists) {
                throw new CliException(ExitCode.USAGE, "pool volume '" + volumeId + "' not found at " + ctx.endpoint(),
                        "use the volume's id as ElastiCenter shows it (listFileSystem) in --pool VOLUME_ID=MOUNT_POINT");
            }
            if (!isMountPoint(mount)) {
                ctx.output().warn("--pool " + volumeId + "=" + mount + ": " + mount + " is not a mount point; the syncfs"
                        + " before the pool snapshot flushes the file system that holds it, which must be the volume's");
            }
            pools.add(new PoolVolume(volumeId, mount));
        });
        return pools;
    }

    /** Every disk of the domain must be a file on one of the pools: a group snapshot never leaves a disk out. */
    private GroupMember member(LibvirtHost host, Domain domain, String name, List<PoolVolume> pools, Request request) {
        List<GroupMember.Disk> disks = new ArrayList<>();
        for (LibvirtHost.Disk disk : host.disks(domain)) {
            Path file = disk.source().isEmpty() ? null : Path.of(disk.source()).toAbsolutePath().normalize();
            PoolVolume pool = null;
            for (PoolVolume p : pools) {
                if (file != null && file.startsWith(p.mountPoint()) && (pool == null
                        || p.mountPoint().getNameCount() > pool.mountPoint().getNameCount())) {
                    pool = p;
                }
            }
            if (pool == null) {
                throw new CliException(ExitCode.USAGE, "disk " + disk.target() + " of domain " + name + " ("
                        + (disk.source().isEmpty() ? "no source" : disk.source()) + ") is not a file on any --pool mount point",
                        "a group snapshot covers every disk of its domains: put the disk on a pool volume, or use"
                                + " 'elastisnap create " + name + " --disk ...' for per-volume ElastiStor disks");
            }
            disks.add(new GroupMember.Disk(disk.target(), pool, file));
        }
        return new GroupMember(name, request.policy, request.guestMountPoints, request.limits, disks);
    }

    private <T> T withDomainLocks(List<String> sortedDomains, Supplier<T> body) {
        if (sortedDomains.isEmpty()) {
            return body.get();
        }
        return ctx.store().withDomainLock(sortedDomains.get(0), ctx.domainLockWait(),
                () -> withDomainLocks(sortedDomains.subList(1, sortedDomains.size()), body));
    }

    private CliException failed(GroupSnapshotException e) {
        if (e.invalidRequest()) {
            return new CliException(ExitCode.USAGE, e.getMessage(), "fix the group as the message says");
        }
        for (Throwable why : e.memberFailures().values()) {
            if (why instanceof ConsistentSnapshotException
                    && ((ConsistentSnapshotException) why).reason() != ConsistentSnapshotException.Reason.SNAPSHOT_FAILED) {
                CliException member = Errors.snapshot((ConsistentSnapshotException) why, ctx.endpoint());
                return new CliException(member.exitCode(), e.getMessage(), member.fix(), e);
            }
        }
        return new CliException(ExitCode.FAILED, e.getMessage(), e.outstanding().isEmpty()
                ? "check ElastiCenter and the pool mount points, then retry with another --group name"
                : "run 'elastisnap reconcile' once ElastiCenter answers; it deletes the outstanding pool snapshots by name", e);
    }

    private static boolean isMountPoint(Path directory) {
        try {
            return MountTable.isMountPoint(directory);
        } catch (IOException e) {
            return true; // cannot tell: no warning
        }
    }
}
