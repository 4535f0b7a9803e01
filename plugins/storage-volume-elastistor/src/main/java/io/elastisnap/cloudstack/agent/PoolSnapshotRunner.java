// Licensed under the Apache License, Version 2.0. See LICENSE in the project root.
package io.elastisnap.cloudstack.agent;

import java.io.IOException;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Locale;
import java.util.Objects;
import java.util.function.Supplier;

import org.apache.logging.log4j.LogManager;
import org.apache.logging.log4j.Logger;

import com.cloud.agent.api.Answer;

import io.elastisnap.cloudstack.command.PoolSnapshotAnswer;
import io.elastisnap.cloudstack.command.PoolSnapshotCommand;
import io.elastisnap.cloudstack.command.RestorePoolVolumeCommand;
import io.elastisnap.cloudstack.command.TakePoolSnapshotCommand;
import io.elastisnap.cloudstack.elasticenter.ElastiCenterClients;
import io.elastisnap.engine.ArraySnapshot;
import io.elastisnap.engine.ConsistencyEngineListener;
import io.elastisnap.engine.ConsistencyPolicy;
import io.elastisnap.engine.ConsistentSnapshotResult;
import io.elastisnap.engine.EngineRuntime;
import io.elastisnap.engine.FreezeScope;
import io.elastisnap.engine.GuestQuiescer;
import io.elastisnap.engine.ThawGuard;
import io.elastisnap.engine.journal.FreezeJournal;
import io.elastisnap.engine.pool.CloneHost;
import io.elastisnap.engine.pool.ElastiCenterPoolArray;
import io.elastisnap.engine.pool.GroupMember;
import io.elastisnap.engine.pool.GroupSnapshotException;
import io.elastisnap.engine.pool.GroupSnapshotRequest;
import io.elastisnap.engine.pool.GroupSnapshotResult;
import io.elastisnap.engine.pool.GroupSnapshotter;
import io.elastisnap.engine.pool.LoopImageCloneHost;
import io.elastisnap.engine.pool.PoolArray;
import io.elastisnap.engine.pool.PoolFlusher;
import io.elastisnap.engine.pool.PoolSnapshotLedger;
import io.elastisnap.engine.pool.PoolVolume;
import io.elastisnap.engine.pool.VolumeRestore;

/**
 * The agent's pool-level commands for SharedMountPoint/NFS pools adopted by ElastiSnap: a pool group of one VM on the
 * same freeze journal and thaw guard as the single-VM runner, and the restore of one volume's file from a pool snapshot.
 * The host ledger holds a pool snapshot only while it is being taken (PENDING: a crash leaves its name for the clean-up)
 * and hands it over to CloudStack's snapshot details, which count its references from then on.
 */
public final class PoolSnapshotRunner {
    /** JVM system property (JAVA_OPTS of the agent) moving the host's pool ledger and restore journal. */
    public static final String LEDGER_DIRECTORY_PROPERTY = "elastisnap.pool.ledger.dir";
    static final Path DEFAULT_LEDGER_DIRECTORY = Paths.get("/var/lib/elastisnap/agent-pool-ledger");
    /**
     * JVM system property naming the directory where the array's clone volumes appear as image files, attached with
     * losetup: the ElastiCenter simulator's layout, standing in for the iSCSI login a real ElastiStor clone needs.
     */
    public static final String CLONE_IMAGES_PROPERTY = "elastisnap.clone.images.dir";

    /** The level of a pool snapshot taken with no guest running (the management server records its own wording). */
    static final String NO_GUEST_LEVEL = "NO_GUEST";
    private static final Logger LOG = LogManager.getLogger(PoolSnapshotRunner.class);

    private final GuestQuiescer quiescer;
    private final FreezeJournal journal;
    private final ThawGuard thawGuard;
    private final ElastiCenterClients clients;
    private final PoolSnapshotLedger ledger;
    private final PoolFlusher flusher;
    private final Supplier<CloneHost> cloneHost;

    PoolSnapshotRunner(GuestQuiescer quiescer, FreezeJournal journal, ThawGuard thawGuard, ElastiCenterClients clients,
            PoolSnapshotLedger ledger, PoolFlusher flusher, Supplier<CloneHost> cloneHost) {
        this.quiescer = Objects.requireNonNull(quiescer, "quiescer");
        this.journal = Objects.requireNonNull(journal, "journal");
        this.thawGuard = Objects.requireNonNull(thawGuard, "thawGuard");
        this.clients = Objects.requireNonNull(clients, "clients");
        this.ledger = Objects.requireNonNull(ledger, "ledger");
        this.flusher = Objects.requireNonNull(flusher, "flusher");
        this.cloneHost = Objects.requireNonNull(cloneHost, "cloneHost");
    }

    /** The agent's ledger directory (system property or default). */
    static PoolSnapshotLedger agentLedger() {
        return new PoolSnapshotLedger(Paths.get(System.getProperty(LEDGER_DIRECTORY_PROPERTY, DEFAULT_LEDGER_DIRECTORY.toString())));
    }

    /** The CloneHost the agent is configured with; J2's iSCSI CloneHost for real arrays plugs in here. */
    static CloneHost configuredCloneHost() {
        String images = System.getProperty(CLONE_IMAGES_PROPERTY);
        if (images == null || images.trim().isEmpty()) {
            throw new IllegalStateException("this host has no way to attach ElastiStor clone volumes: set -D" + CLONE_IMAGES_PROPERTY
                    + "=DIR in the agent's JAVA_OPTS (clone volumes as image files, attached with losetup)");
        }
        return new LoopImageCloneHost(Paths.get(images.trim()));
    }

    PoolArray array(PoolSnapshotCommand command) {
        return new ElastiCenterPoolArray(clients.get(command.getEndpoint(), command.getApiKey(), command.getJobPollDeadline()));
    }

    /** Never throws: every failure is a failed answer naming its reason; the guest is thawed and nothing left on the array. */
    PoolSnapshotAnswer take(TakePoolSnapshotCommand command, Path mountPoint) {
        if (command.getDomainName() == null) {
            return takeWithoutGuest(command, mountPoint);
        }
        GroupSnapshotRequest request;
        PoolArray array;
        try {
            PoolVolume pool = new PoolVolume(command.getPoolVolumeId(), mountPoint);
            List<GroupMember.Disk> disks = new ArrayList<>();
            for (String file : command.getFiles()) {
                disks.add(new GroupMember.Disk(file, pool, mountPoint.resolve(file)));
            }
            GroupMember member = new GroupMember(command.getDomainName(),
                    ConsistencyPolicy.valueOf(command.getPolicy().trim().toUpperCase(Locale.ROOT)), Collections.emptyList(),
                    command.getLimits(), disks);
            request = new GroupSnapshotRequest(command.getSnapshotName(), command.getSnapshotName(), Collections.singletonList(member));
            array = array(command);
        } catch (RuntimeException e) {
            return PoolSnapshotAnswer.failure(command, "INVALID_REQUEST", "Invalid pool snapshot request for "
                    + command.getDomainName() + ": " + e.getMessage());
        }
        finishWhatADeadAgentLeft(array, command.getPoolVolumeId());
        GroupSnapshotter group = new GroupSnapshotter(quiescer, array, journal, EngineRuntime.shared(), ConsistencyEngineListener.NONE,
                thawGuard, flusher, ledger);
        GroupSnapshotResult result;
        try {
            result = group.snapshot(request);
        } catch (GroupSnapshotException e) {
            LOG.warn("Pool snapshot {} of {} failed: {}", command.getSnapshotName(), command.getDomainName(), e.getMessage());
            return PoolSnapshotAnswer.failure(command, e.invalidRequest() ? "INVALID_REQUEST" : "POOL_SNAPSHOT_FAILED", e.getMessage());
        }
        ArraySnapshot snapshot = result.poolSnapshots().get(command.getPoolVolumeId());
        ledger.handOver(snapshot);
        ConsistentSnapshotResult guest = result.members().get(0);
        LOG.info("Pool snapshot {} of {} on pool volume {}: {}, group frozen window {} ms (syncfs + snapshot {} ms)",
                snapshot.path(), command.getDomainName(), command.getPoolVolumeId(), guest.level(),
                result.groupFrozenWindow().toMillis(), result.flushAndSnapshot().toMillis());
        return PoolSnapshotAnswer.success(command, snapshot.path(), guest.level().name(), result.groupFrozenWindow().toMillis(),
                result.flushAndSnapshot().toMillis(), guest.quiesceFailure().map(f -> f.reason() + ": " + f.message()).orElse(null),
                guest.freezeScope().map(FreezeScope::describe).orElse(null));
    }

    /**
     * A take cut short by a dead agent left a PENDING entry and maybe its pool snapshot; the management server deletes that
     * snapshot by name too, and the array delete is idempotent. Only this pool volume's entries: this command's client
     * reaches its ElastiCenter and no other. Best effort: the take goes on whatever this finds.
     */
    private void finishWhatADeadAgentLeft(PoolArray array, String poolVolumeId) {
        try {
            PoolSnapshotLedger.Reconciled done = ledger.reconcile(array, poolVolumeId);
            done.deleted.forEach(entry -> LOG.info("Pool ledger: finished {} left by a dead agent", entry));
            done.failed.forEach(entry -> LOG.warn("Pool ledger: could not finish {}; tried again at the next take", entry));
        } catch (RuntimeException e) {
            LOG.warn("Pool ledger of pool volume {} could not be reconciled: {}", poolVolumeId, e.toString());
        }
    }

    /** No guest writes: syncfs of the pool's mount point, then the array snapshot. */
    private PoolSnapshotAnswer takeWithoutGuest(TakePoolSnapshotCommand command, Path mountPoint) {
        long start = System.nanoTime();
        try {
            flusher.flush(mountPoint, command.getLimits().maxFrozenWindow());
            ArraySnapshot snapshot = array(command).create(command.getPoolVolumeId(), command.getSnapshotName());
            long millis = (System.nanoTime() - start) / 1_000_000;
            LOG.info("Pool snapshot {} of pool volume {} (no running guest): syncfs + snapshot {} ms", snapshot.path(),
                    command.getPoolVolumeId(), millis);
            return PoolSnapshotAnswer.success(command, snapshot.path(), NO_GUEST_LEVEL, 0, millis, null, null);
        } catch (IOException | RuntimeException e) {
            return PoolSnapshotAnswer.failure(command, "POOL_SNAPSHOT_FAILED", "Pool snapshot " + command.getSnapshotName()
                    + " of pool volume " + command.getPoolVolumeId() + " failed: " + e.getMessage());
        }
    }

    /**
     * Never throws. First finishes restores of a dead predecessor (their clones would otherwise stay on the array), then
     * restores; on failure every step taken is undone and the target file is unchanged.
     */
    Answer restore(RestorePoolVolumeCommand command, Path mountPoint) {
        Path target = mountPoint.resolve(command.getTargetFile()).normalize();
        if (!target.startsWith(mountPoint) || target.equals(mountPoint)) {
            return new Answer(command, false, "Target " + command.getTargetFile() + " is not a file under the pool's mount point "
                    + mountPoint);
        }
        try {
            VolumeRestore restore = new VolumeRestore(array(command), cloneHost.get(), ledger, ledger.directory().resolve("mounts"));
            restore.recoverInterrupted().forEach(line -> LOG.info("Pool restore clean-up: {}", line));
            ArraySnapshot snapshot = new ArraySnapshot(command.getPoolVolumeId(), command.getSnapshotName(), command.getSnapshotPath(),
                    null);
            VolumeRestore.Timings timings = restore.restore(snapshot, command.getFile(), target, !command.isNewFile());
            return new Answer(command, true, "restored " + command.getFile() + " from pool snapshot " + command.getSnapshotPath()
                    + " into " + target + ": " + timings);
        } catch (IOException | RuntimeException e) {
            LOG.warn("Restore of {} from pool snapshot {} failed", command.getFile(), command.getSnapshotPath(), e);
            return new Answer(command, false, "Restore of " + command.getFile() + " from pool snapshot " + command.getSnapshotPath()
                    + " failed (the volume's file is unchanged): " + e.getMessage());
        }
    }
}
