// Licensed under the Apache License, Version 2.0. See LICENSE in the project root.
package io.elastisnap.cloudstack.agent;

import java.nio.file.Path;
import java.nio.file.Paths;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.function.Supplier;

import org.apache.logging.log4j.LogManager;
import org.apache.logging.log4j.Logger;
import org.libvirt.Connect;

import com.cloud.agent.api.Answer;

import io.elastisnap.cloudstack.command.FreezeLeaseAnswer;
import io.elastisnap.cloudstack.command.FreezeLeaseCommand;
import io.elastisnap.cloudstack.command.PoolSnapshotAnswer;
import io.elastisnap.cloudstack.command.RestorePoolVolumeCommand;
import io.elastisnap.cloudstack.command.TakePoolSnapshotCommand;
import io.elastisnap.cloudstack.command.TakeConsistentSnapshotAnswer;
import io.elastisnap.cloudstack.command.TakeConsistentSnapshotCommand;
import io.elastisnap.cloudstack.command.VolumeSnapshotResult;
import io.elastisnap.cloudstack.command.VolumeSnapshotSpec;
import io.elastisnap.cloudstack.elasticenter.ElastiCenterClients;
import io.elastisnap.elasticenter.ElastiCenterClient;
import io.elastisnap.engine.ConsistencyEngine;
import io.elastisnap.engine.ConsistencyEngineListener;
import io.elastisnap.engine.ConsistencyPolicy;
import io.elastisnap.engine.ConsistentSnapshotException;
import io.elastisnap.engine.ConsistentSnapshotRequest;
import io.elastisnap.engine.ConsistentSnapshotResult;
import io.elastisnap.engine.FreezeScope;
import io.elastisnap.engine.EngineRuntime;
import io.elastisnap.engine.GuestQuiescer;
import io.elastisnap.engine.RecoveryOutcome;
import io.elastisnap.engine.ThawGuard;
import io.elastisnap.engine.VolumeOutcome;
import io.elastisnap.engine.VolumeSnapshot;
import io.elastisnap.engine.guard.ProcessThawGuard;
import io.elastisnap.engine.journal.FreezeJournal;
import io.elastisnap.engine.libvirt.LibvirtConnectionProvider;
import io.elastisnap.engine.libvirt.LibvirtGuestQuiescer;
import io.elastisnap.engine.pool.CloneHost;
import io.elastisnap.engine.pool.PoolFlusher;
import io.elastisnap.engine.pool.PoolSnapshotLedger;

/**
 * The agent's runner: one {@link ConsistencyEngine} and one freeze journal per agent process, ElastiCenter clients
 * cached per endpoint, trust and key. The journal of a crashed predecessor is recovered (guests it left frozen are
 * thawed) in the background from {@link #startRecovery}, which the agent reaches when it loads our wrapper, or at the
 * latest at the first command; it is retried until libvirt answers.
 */
public final class EngineSnapshotRunner implements ConsistentSnapshotRunner {
    /** The engine's host-wide journal, shared with the elastisnap CLI so each thaws what the other left frozen. */
    public static final Path DEFAULT_JOURNAL_DIRECTORY = FreezeJournal.DEFAULT_DIRECTORY;
    /** JVM system property (e.g. in JAVA_OPTS of the agent) that moves the journal. */
    public static final String JOURNAL_DIRECTORY_PROPERTY = "elastisnap.journal.dir";

    static final Duration CALLS_STILL_OUT_WAIT = Duration.ofSeconds(1);

    private static final Logger LOG = LogManager.getLogger(EngineSnapshotRunner.class);

    private final AgentConnection libvirt;
    private final ConsistencyEngine engine;
    private final RoutingArraySnapshotter routes = new RoutingArraySnapshotter();
    private final ElastiCenterClients clients;
    private final FreezeLeases leases;
    private final PoolSnapshotRunner pools;
    private CompletableFuture<List<RecoveryOutcome>> recovery;

    /**
     * The agent's wiring: libvirt guest agent through the agent's own connection, journal in the configured directory,
     * and a thaw guard per freeze (a transient systemd service, so restarting cloudstack-agent does not kill it) whose
     * virsh uses the agent connection's URI.
     */
    static EngineSnapshotRunner forAgent() {
        AgentConnection connection = new AgentConnection();
        Path journal = Paths.get(System.getProperty(JOURNAL_DIRECTORY_PROPERTY, DEFAULT_JOURNAL_DIRECTORY.toString()));
        return new EngineSnapshotRunner(new LibvirtGuestQuiescer(connection), connection, new FreezeJournal(journal),
                new ElastiCenterClients(), new ProcessThawGuard(connection::uri), PoolSnapshotRunner.agentLedger(), PoolFlusher.SYNCFS,
                PoolSnapshotRunner::configuredCloneHost);
    }

    /** With a stand-in guest (tests, hosts without libvirt) and no thaw guard. */
    public EngineSnapshotRunner(GuestQuiescer quiescer, FreezeJournal journal, ElastiCenterClients clients) {
        this(quiescer, new AgentConnection(), journal, clients, ThawGuard.NONE, PoolSnapshotRunner.agentLedger(), PoolFlusher.SYNCFS,
                PoolSnapshotRunner::configuredCloneHost);
    }

    /** With a stand-in guest and no thaw guard, the pool ledger in {@code poolLedger} and the given way to attach clones. */
    public EngineSnapshotRunner(GuestQuiescer quiescer, FreezeJournal journal, ElastiCenterClients clients, PoolSnapshotLedger poolLedger,
            PoolFlusher flusher, Supplier<CloneHost> cloneHost) {
        this(quiescer, new AgentConnection(), journal, clients, ThawGuard.NONE, poolLedger, flusher, cloneHost);
    }

    private EngineSnapshotRunner(GuestQuiescer quiescer, AgentConnection libvirt, FreezeJournal journal, ElastiCenterClients clients,
            ThawGuard thawGuard, PoolSnapshotLedger poolLedger, PoolFlusher flusher, Supplier<CloneHost> cloneHost) {
        this.libvirt = libvirt;
        this.clients = clients;
        this.engine = new ConsistencyEngine(quiescer, routes, journal, EngineRuntime.shared(), ConsistencyEngineListener.NONE,
                thawGuard);
        this.leases = new FreezeLeases(engine, routes);
        this.pools = new PoolSnapshotRunner(quiescer, journal, thawGuard, clients, poolLedger, flusher, cloneHost);
    }

    /**
     * The agent's libvirt connection (the one recovery was started with, then the latest command's): the quiescer is
     * built once, the agent owns the connection.
     */
    private static final class AgentConnection implements LibvirtConnectionProvider {
        private volatile LibvirtConnectionProvider current;

        @Override
        public Connect connect() throws org.libvirt.LibvirtException {
            LibvirtConnectionProvider provider = current;
            if (provider == null) {
                throw new IllegalStateException("The agent has not handed over its libvirt connection yet");
            }
            return provider.connect();
        }

        /** The URI of the agent's connection, for the thaw guard's virsh. */
        String uri() {
            try {
                return connect().getURI();
            } catch (org.libvirt.LibvirtException e) {
                throw new IllegalStateException("cannot read the URI of the agent's libvirt connection: " + e.getMessage(), e);
            }
        }
    }

    @Override
    public synchronized CompletableFuture<List<RecoveryOutcome>> startRecovery(LibvirtConnectionProvider agentLibvirt) {
        if (agentLibvirt != null && libvirt.current == null) {
            libvirt.current = agentLibvirt;
        }
        if (recovery == null) {
            recovery = new JournalRecoveryLoop(engine::recoverFromJournal).start();
        }
        return recovery;
    }

    /** The recovery, if something started it (observing it starts nothing). */
    synchronized Optional<CompletableFuture<List<RecoveryOutcome>>> startedRecovery() {
        return Optional.ofNullable(recovery);
    }

    @Override
    public FreezeLeaseAnswer lease(FreezeLeaseCommand command, LibvirtConnectionProvider agentLibvirt) {
        useConnection(agentLibvirt);
        return leases.handle(command);
    }

    private void useConnection(LibvirtConnectionProvider agentLibvirt) {
        if (agentLibvirt != null) {
            libvirt.current = agentLibvirt;
        }
        startRecovery(agentLibvirt);
    }

    @Override
    public PoolSnapshotAnswer takePoolSnapshot(TakePoolSnapshotCommand command, Path poolMountPoint, LibvirtConnectionProvider agentLibvirt) {
        useConnection(agentLibvirt);
        return pools.take(command, poolMountPoint);
    }

    @Override
    public Answer restorePoolVolume(RestorePoolVolumeCommand command, Path poolMountPoint) {
        return pools.restore(command, poolMountPoint);
    }

    @Override
    public TakeConsistentSnapshotAnswer run(TakeConsistentSnapshotCommand command, LibvirtConnectionProvider agentLibvirt) {
        useConnection(agentLibvirt);
        ConsistentSnapshotRequest request;
        try {
            request = toRequest(command);
        } catch (IllegalArgumentException e) {
            return TakeConsistentSnapshotAnswer.failure(command, ConsistentSnapshotException.Reason.INVALID_REQUEST.name(),
                    "Invalid consistent snapshot request for " + command.getDomainName() + ": " + e.getMessage());
        }
        try {
            ConsistentSnapshotResult result = engine.snapshot(request);
            LOG.info("Consistent snapshot of {}: {}", command.getDomainName(), result);
            List<VolumeSnapshotResult> snapshots = new ArrayList<>();
            for (VolumeSnapshot s : result.snapshots()) {
                snapshots.add(new VolumeSnapshotResult(s.volumeId(), s.snapshotName(), s.path()));
            }
            return TakeConsistentSnapshotAnswer.success(command, snapshots, result.level().name(),
                    result.timings().freeze().toMillis(), result.timings().snapshots().toMillis(),
                    result.timings().thaw().toMillis(), result.timings().frozenWindow().toMillis(),
                    result.quiesceFailure().map(f -> f.reason() + ": " + f.message()).orElse(null),
                    result.freezeScope().map(FreezeScope::describe).orElse(null));
        } catch (ConsistentSnapshotException e) {
            LOG.warn("Consistent snapshot of {} failed ({}): {}", command.getDomainName(), e.reason(), e.getMessage());
            return TakeConsistentSnapshotAnswer.failure(command, e.reason().name(), describe(e));
        }
    }

    /**
     * The answer names what may be left on the array. A snapshot call still out when the engine gave up (a hung array)
     * gets {@link #CALLS_STILL_OUT_WAIT} to return; after that the answer goes (the guest was thawed long before) and
     * the snapshot is deleted in the background when its call returns, or, if the agent stops first, found by its name as
     * an orphan by the ElastiStor reconcile task.
     */
    private static String describe(ConsistentSnapshotException e) {
        List<String> left = new ArrayList<>();
        for (VolumeOutcome outcome : e.outcomesWithin(CALLS_STILL_OUT_WAIT)) {
            if (outcome.state() == VolumeOutcome.State.PENDING) {
                left.add(outcome.snapshotName() + " on volume " + outcome.volumeId() + " (its create call had not returned:"
                        + " this agent deletes it when the call returns)");
            } else if (outcome.state() == VolumeOutcome.State.DELETE_FAILED) {
                left.add(outcome.snapshotName() + " on volume " + outcome.volumeId() + " (its delete failed: "
                        + outcome.error().orElse("no error text") + ")");
            }
        }
        return left.isEmpty() ? e.getMessage() : e.getMessage() + "; still outstanding on the array: " + String.join(", ", left)
                + "; the ElastiStor reconcile task reports whatever of these remains as an orphan (and removes it with elastistor.reconcile.remove.orphans=true)";
    }

    private ConsistentSnapshotRequest toRequest(TakeConsistentSnapshotCommand command) {
        ElastiCenterClient client = clients.get(command.getEndpoint(), command.getApiKey(), command.getJobPollDeadline());
        ConsistentSnapshotRequest.Builder builder = ConsistentSnapshotRequest.builder(command.getDomainName())
                .policy(ConsistencyPolicy.valueOf(command.getPolicy().trim().toUpperCase(Locale.ROOT)))
                .mountPoints(command.getMountPoints())
                .limits(command.getLimits());
        for (VolumeSnapshotSpec volume : command.getVolumes()) {
            routes.route(volume.getVolumeId(), client);
            if (volume.getDiskSerial() == null) {
                builder.volume(volume.getVolumeId(), volume.getSnapshotName());
            } else {
                builder.volumeWithSerial(volume.getVolumeId(), volume.getSnapshotName(), volume.getDiskSerial());
            }
        }
        return builder.build();
    }
}
