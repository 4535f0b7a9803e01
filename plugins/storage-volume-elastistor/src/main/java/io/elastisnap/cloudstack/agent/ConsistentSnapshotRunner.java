// Licensed under the Apache License, Version 2.0. See LICENSE in the project root.
package io.elastisnap.cloudstack.agent;

import java.nio.file.Path;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.CompletableFuture;

import io.elastisnap.cloudstack.command.FreezeLeaseAnswer;
import io.elastisnap.cloudstack.command.FreezeLeaseCommand;
import io.elastisnap.cloudstack.command.PoolSnapshotAnswer;
import io.elastisnap.cloudstack.command.RestorePoolVolumeCommand;
import io.elastisnap.cloudstack.command.TakePoolSnapshotCommand;
import io.elastisnap.cloudstack.command.TakeConsistentSnapshotAnswer;
import io.elastisnap.cloudstack.command.TakeConsistentSnapshotCommand;
import com.cloud.agent.api.Answer;

import io.elastisnap.engine.RecoveryOutcome;
import io.elastisnap.engine.libvirt.LibvirtConnectionProvider;

/** Runs one consistent snapshot on this host. The agent process holds exactly one (see {@link AgentSnapshotRuntime}). */
public interface ConsistentSnapshotRunner {
    /**
     * Starts thawing, in the background, what a dead predecessor left frozen; returns at once and never throws.
     * Idempotent: the first call starts it, later ones return the same recovery. A runner without a freeze journal has
     * nothing to recover.
     *
     * @param agentLibvirt the agent's libvirt connection, to use until a command hands over its own
     * @return completes with the outcomes once no journal entry is left unresolved
     */
    default CompletableFuture<List<RecoveryOutcome>> startRecovery(LibvirtConnectionProvider agentLibvirt) {
        return CompletableFuture.completedFuture(Collections.emptyList());
    }

    /**
     * Never throws: every failure becomes a failed answer naming the reason.
     *
     * @param libvirt the agent's own libvirt connection (CloudStack's helper decides the hypervisor URI)
     */
    TakeConsistentSnapshotAnswer run(TakeConsistentSnapshotCommand command, LibvirtConnectionProvider libvirt);

    /**
     * Acquires or releases a freeze lease on this host. Never throws: every failure becomes a failed answer naming the
     * reason. A runner without an engine of its own has no leases.
     */
    default FreezeLeaseAnswer lease(FreezeLeaseCommand command, LibvirtConnectionProvider libvirt) {
        return FreezeLeaseAnswer.failure(command, "UNSUPPORTED", "This host's ElastiSnap runner does not hold freeze leases");
    }

    /**
     * A pool snapshot of one VM whose disks are files on {@code poolMountPoint} (an adopted SharedMountPoint/NFS pool).
     * Never throws. A runner without an engine of its own takes none.
     */
    default PoolSnapshotAnswer takePoolSnapshot(TakePoolSnapshotCommand command, Path poolMountPoint, LibvirtConnectionProvider libvirt) {
        return PoolSnapshotAnswer.failure(command, "UNSUPPORTED", "This host's ElastiSnap runner does not take pool snapshots");
    }

    /** Restores one volume's file from a pool snapshot. Never throws. A runner without an engine of its own restores none. */
    default Answer restorePoolVolume(RestorePoolVolumeCommand command, Path poolMountPoint) {
        return new Answer(command, false, "This host's ElastiSnap runner does not restore from pool snapshots");
    }
}
