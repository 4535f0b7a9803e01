// Licensed under the Apache License, Version 2.0. See LICENSE in the project root.
package io.elastisnap.cloudstack.snapshot;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.function.BiConsumer;

import javax.inject.Inject;

import org.apache.logging.log4j.LogManager;
import org.apache.logging.log4j.Logger;

import com.cloud.agent.AgentManager;
import com.cloud.agent.api.Answer;
import com.cloud.exception.AgentUnavailableException;
import com.cloud.exception.OperationTimedoutException;
import com.cloud.utils.exception.CloudRuntimeException;
import com.cloud.vm.VirtualMachine;

import io.elastisnap.cloudstack.ElastiStorPool;
import io.elastisnap.cloudstack.array.ElastiStorArrays;
import io.elastisnap.cloudstack.array.PoolConnection;
import io.elastisnap.cloudstack.command.TakeConsistentSnapshotAnswer;
import io.elastisnap.cloudstack.command.TakeConsistentSnapshotCommand;
import io.elastisnap.cloudstack.command.VolumeSnapshotResult;
import io.elastisnap.cloudstack.command.VolumeSnapshotSpec;
import io.elastisnap.cloudstack.config.SnapshotSettings;

/**
 * Takes array snapshots of one or more volumes of one pool's ElastiCenter: through the agent of the VM's host (one
 * freeze for all volumes) when the VM runs, directly on the array otherwise.
 */
public class ConsistentSnapshotTaker {
    /** Recorded when no freeze was needed: the VM was not running, so nothing was writing. */
    public static final String LEVEL_VM_NOT_RUNNING = "VM_NOT_RUNNING";
    /** Recorded for the per-volume snapshots of CloudStack's own VM-snapshot strategy, which froze the guest itself. */
    public static final String LEVEL_FROZEN_BY_CLOUDSTACK = "FS_FROZEN_BY_CLOUDSTACK";
    static final String POLICY_REQUIRED = "REQUIRED";

    private static final Logger LOG = LogManager.getLogger(ConsistentSnapshotTaker.class);

    @Inject
    private AgentManager agentManager;
    @Inject
    private ElastiStorArrays arrays;
    @Inject
    private SnapshotSettings settings;

    public ConsistentSnapshotTaker() {
    }

    public ConsistentSnapshotTaker(AgentManager agentManager, ElastiStorArrays arrays, SnapshotSettings settings) {
        this.agentManager = agentManager;
        this.arrays = arrays;
        this.settings = settings;
    }

    /** Result of one take: per-volume snapshots in request order, level and frozen window. */
    public static final class Taken {
        private final List<VolumeSnapshotResult> snapshots;
        private final String level;
        private final long frozenWindowMillis;
        private final String quiesceFailure;
        private final String freezeScope;

        public Taken(List<VolumeSnapshotResult> snapshots, String level, long frozenWindowMillis, String quiesceFailure,
              String freezeScope) {
            this.snapshots = Collections.unmodifiableList(new ArrayList<>(snapshots));
            this.level = level;
            this.frozenWindowMillis = frozenWindowMillis;
            this.quiesceFailure = quiesceFailure;
            this.freezeScope = freezeScope;
        }

        public List<VolumeSnapshotResult> snapshots() {
            return snapshots;
        }

        public String level() {
            return level;
        }

        public long frozenWindowMillis() {
            return frozenWindowMillis;
        }

        /** Why the guest was not frozen (QUIESCE_FAILED, QUIESCE_TIMEOUT), or null. */
        public String quiesceFailure() {
            return quiesceFailure;
        }

        /** "partial freeze of /data1 (...)" or "whole guest (...)"; null when the guest was not frozen by us. */
        public String freezeScope() {
            return freezeScope;
        }

        /**
         * Records the consistency level, the frozen window and, when present, the freeze scope and the reason the guest
         * was not frozen in a snapshot's details.
         */
        public void recordIn(BiConsumer<String, String> details) {
            details.accept(ElastiStorPool.SNAPSHOT_CONSISTENCY, level);
            details.accept(ElastiStorPool.SNAPSHOT_FROZEN_WINDOW_MS, String.valueOf(frozenWindowMillis));
            if (freezeScope != null) {
                details.accept(ElastiStorPool.SNAPSHOT_FREEZE_SCOPE, freezeScope);
            }
            if (quiesceFailure != null) {
                details.accept(ElastiStorPool.SNAPSHOT_CONSISTENCY_REASON, quiesceFailure);
            }
        }
    }

    /**
     * @param vm the VM the volumes belong to, or null for a detached volume
     * @param quiesceRequested quiescevm=true: the freeze is REQUIRED regardless of the default policy
     */
    public Taken take(VirtualMachine vm, long poolId, List<VolumeSnapshotSpec> volumes, boolean quiesceRequested) {
        boolean running = vm != null && vm.getState() == VirtualMachine.State.Running;
        if (!running) {
            return takeDirectly(poolId, volumes, LEVEL_VM_NOT_RUNNING);
        }
        if (vm.getHostId() == null) {
            throw new CloudRuntimeException("VM " + vm.getInstanceName() + " is Running but has no host; cannot freeze it");
        }
        String policy = quiesceRequested ? POLICY_REQUIRED : settings.defaultPolicy();
        PoolConnection connection = arrays.connection(poolId);
        TakeConsistentSnapshotCommand command = new TakeConsistentSnapshotCommand(vm.getInstanceName(), volumes, policy,
                Collections.emptyList(), settings.limits(), settings.jobPollDeadline(), connection.endpoint(), connection.apiKey());
        TakeConsistentSnapshotAnswer answer = send(vm.getHostId(), command, vm.getInstanceName());
        LOG.info("Consistent snapshot of {} ({} volume(s)) on host {}: {}, frozen {} ms, {}", vm.getInstanceName(), volumes.size(),
                vm.getHostId(), answer.getConsistencyLevel(), answer.getFrozenWindowMillis(), answer.getFreezeScope());
        if (answer.getSnapshots().size() != volumes.size()) {
            throw new CloudRuntimeException("Agent reported " + answer.getSnapshots().size() + " snapshot(s) for " + volumes.size()
                    + " volume(s) of " + vm.getInstanceName());
        }
        return new Taken(answer.getSnapshots(), answer.getConsistencyLevel(), answer.getFrozenWindowMillis(),
                answer.getQuiesceFailure(), answer.getFreezeScope());
    }

    /** Array snapshots without any guest interaction, one volume after the other; all-or-nothing. */
    public Taken takeDirectly(long poolId, List<VolumeSnapshotSpec> volumes, String level) {
        List<VolumeSnapshotResult> done = new ArrayList<>();
        try {
            for (VolumeSnapshotSpec volume : volumes) {
                String path = arrays.forPool(poolId).createSnapshot(volume.getVolumeId(), volume.getSnapshotName());
                done.add(new VolumeSnapshotResult(volume.getVolumeId(), volume.getSnapshotName(), path));
            }
        } catch (RuntimeException e) {
            deleteQuietly(poolId, done);
            throw new CloudRuntimeException("ElastiStor snapshot failed after " + done.size() + " of " + volumes.size()
                    + " volume(s): " + e.getMessage(), e);
        }
        return new Taken(done, level, 0, null, null);
    }

    /** Compensation: removes snapshots already taken; failures are logged, the caller reports the original error. */
    public void deleteQuietly(long poolId, List<VolumeSnapshotResult> taken) {
        for (VolumeSnapshotResult snapshot : taken) {
            try {
                arrays.forPool(poolId).deleteSnapshot(snapshot.getVolumeId(), snapshot.getPath());
            } catch (RuntimeException e) {
                LOG.error("Could not remove ElastiStor snapshot {} while undoing a failed operation; remove it by hand"
                        + " (or run the reconcile task)", snapshot, e);
            }
        }
    }

    private TakeConsistentSnapshotAnswer send(long hostId, TakeConsistentSnapshotCommand command, String vmName) {
        Answer answer;
        try {
            answer = agentManager.send(hostId, command);
        } catch (AgentUnavailableException | OperationTimedoutException e) {
            throw new CloudRuntimeException("Could not reach the agent of host " + hostId + " to snapshot " + vmName + ": "
                    + e.getMessage(), e);
        }
        if (!(answer instanceof TakeConsistentSnapshotAnswer)) {
            String details = answer == null ? "no answer" : answer.getClass().getSimpleName() + ": " + answer.getDetails();
            throw new CloudRuntimeException("Host " + hostId + " cannot take ElastiStor consistent snapshots (is the plugin jar in"
                    + " /usr/share/cloudstack-agent/lib and the agent restarted?): " + details);
        }
        TakeConsistentSnapshotAnswer result = (TakeConsistentSnapshotAnswer) answer;
        if (!result.getResult()) {
            throw new CloudRuntimeException("Consistent snapshot of " + vmName + " failed (" + result.getFailureReason() + "): "
                    + result.getDetails());
        }
        return result;
    }
}
