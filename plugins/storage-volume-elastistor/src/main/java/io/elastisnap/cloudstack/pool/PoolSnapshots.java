// Licensed under the Apache License, Version 2.0. See LICENSE in the project root.
package io.elastisnap.cloudstack.pool;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;

import javax.inject.Inject;

import org.apache.cloudstack.storage.datastore.db.PrimaryDataStoreDao;
import org.apache.cloudstack.storage.datastore.db.StoragePoolVO;
import org.apache.logging.log4j.LogManager;
import org.apache.logging.log4j.Logger;

import com.cloud.agent.AgentManager;
import com.cloud.agent.api.Answer;
import com.cloud.agent.api.Command;
import com.cloud.exception.AgentUnavailableException;
import com.cloud.exception.OperationTimedoutException;
import com.cloud.host.HostVO;
import com.cloud.host.dao.HostDao;
import com.cloud.hypervisor.Hypervisor.HypervisorType;
import com.cloud.utils.exception.CloudRuntimeException;
import com.cloud.vm.VirtualMachine;

import io.elastisnap.cloudstack.array.ArraySnapshotRef;
import io.elastisnap.cloudstack.array.ElastiStorArrays;
import io.elastisnap.cloudstack.array.PoolConnection;
import io.elastisnap.cloudstack.command.PoolSnapshotAnswer;
import io.elastisnap.cloudstack.command.RestorePoolVolumeCommand;
import io.elastisnap.cloudstack.command.VolumeSnapshotResult;
import io.elastisnap.cloudstack.command.TakePoolSnapshotCommand;
import io.elastisnap.cloudstack.config.SnapshotSettings;
import io.elastisnap.cloudstack.snapshot.ConsistentSnapshotTaker;

/**
 * The management server's side of pool snapshots: the take on the VM's host (freeze, syncfs of the pool's mount, one
 * array snapshot, thaw), or straight on the array when no guest is writing; the restore of one file on a host with the
 * pool mounted; the clean-up of a take that failed.
 */
public class PoolSnapshots {
    /** The policy of a VM-snapshot member: CloudStack's own VM-snapshot strategy froze the guest already. */
    static final String POLICY_NO_FREEZE = "OFF";
    static final String POLICY_REQUIRED = "REQUIRED";
    private static final Logger LOG = LogManager.getLogger(PoolSnapshots.class);

    @Inject
    private AgentManager agentManager;
    @Inject
    private ElastiStorArrays arrays;
    @Inject
    private SnapshotSettings settings;
    @Inject
    private HostDao hostDao;
    @Inject
    private PrimaryDataStoreDao poolDao;

    /**
     * @param files         the VM's disk files on the pool to snapshot (relative to its mount point)
     * @param frozenByCloudStack a member of CloudStack's own VM snapshot, which froze the guest around it: the host only
     *                      flushes the pool and snapshots it
     * @param quiesceRequested quiescevm=true: the freeze is REQUIRED regardless of the default policy
     */
    ConsistentSnapshotTaker.Taken take(AdoptedPool pool, VirtualMachine vm, String name, List<String> files, boolean frozenByCloudStack,
            boolean quiesceRequested) {
        boolean running = vm != null && vm.getState() == VirtualMachine.State.Running;
        if (running && vm.getHostId() == null) {
            throw new CloudRuntimeException("VM " + vm.getInstanceName() + " is Running but has no host; cannot freeze it");
        }
        PoolConnection connection = arrays.connection(pool.poolId());
        TakePoolSnapshotCommand command = new TakePoolSnapshotCommand(running ? vm.getInstanceName() : null, pool.poolUuid(),
                pool.poolType(), pool.poolVolumeId(), name, files, frozenByCloudStack ? POLICY_NO_FREEZE
                        : quiesceRequested ? POLICY_REQUIRED : settings.defaultPolicy(),
                settings.limits(), settings.jobPollDeadline(), connection.endpoint(), connection.apiKey());
        // a stopped VM's files: nothing writes, but the host that flushes the pool's file system can be any with it mounted
        Answer answer = running ? send(vm.getHostId(), command, "Pool snapshot of " + vm.getInstanceName())
                : sendToHostWithPool(pool, command, "Pool snapshot " + name);
        if (!(answer instanceof PoolSnapshotAnswer)) {
            throw notOurs(answer);
        }
        PoolSnapshotAnswer taken = (PoolSnapshotAnswer) answer;
        if (!taken.getResult()) {
            throw new CloudRuntimeException("Pool snapshot " + name + (running ? " of " + vm.getInstanceName() : "") + " failed ("
                    + taken.getFailureReason() + "): " + taken.getDetails());
        }
        LOG.info("Pool snapshot {}: {}", name, taken.getDetails());
        String level = !running ? ConsistentSnapshotTaker.LEVEL_VM_NOT_RUNNING
                : frozenByCloudStack ? ConsistentSnapshotTaker.LEVEL_FROZEN_BY_CLOUDSTACK : taken.getConsistencyLevel();
        VolumeSnapshotResult poolSnapshot = new VolumeSnapshotResult(pool.poolVolumeId(), name, taken.getSnapshotPath());
        return new ConsistentSnapshotTaker.Taken(Collections.singletonList(poolSnapshot), level, taken.getFrozenWindowMillis(),
                taken.getQuiesceFailure(), taken.getFreezeScope());
    }

    /** Compensation after a failed take: the host deletes its own partial snapshot; this catches one the answer never named. */
    void deleteByNameQuietly(AdoptedPool pool, String name) {
        try {
            for (ArraySnapshotRef snapshot : arrays.forPool(pool.poolId()).listSnapshots(pool.poolVolumeId())) {
                if (snapshot.name().equals(name)) {
                    arrays.forPool(pool.poolId()).deleteSnapshot(pool.poolVolumeId(), snapshot.path());
                    LOG.info("Deleted pool snapshot {} of a failed take", snapshot.path());
                }
            }
        } catch (RuntimeException e) {
            LOG.error("Could not check for (or delete) pool snapshot {} of a failed take on {}; its snapshot's delete removes it by"
                    + " name", name, pool, e);
        }
    }

    /**
     * Restores {@code file} of the pool snapshot over {@code targetFile} (or into it as a new file), on an Up KVM host with
     * the pool.
     */
    String restore(AdoptedPool pool, String name, String path, String file, String targetFile, boolean newFile) {
        PoolConnection connection = arrays.connection(pool.poolId());
        RestorePoolVolumeCommand command = new RestorePoolVolumeCommand(pool.poolUuid(), pool.poolType(), pool.poolVolumeId(), name,
                path, file, targetFile, newFile, settings.jobPollDeadline(), connection.endpoint(), connection.apiKey());
        Answer answer = sendToHostWithPool(pool, command, "Restore of " + file);
        if (answer == null || !answer.getResult()) {
            throw new CloudRuntimeException(answer == null ? "no answer" : answer.getDetails());
        }
        return answer.getDetails();
    }

    /**
     * To the first Up KVM host of the pool's cluster (zone, for a zone-wide pool) that takes the command; only a host that
     * never received it is skipped for the next one.
     */
    private Answer sendToHostWithPool(AdoptedPool pool, Command command, String what) {
        List<String> unreachable = new ArrayList<>();
        for (HostVO host : hostsWithPool(pool)) {
            try {
                return agentManager.send(host.getId(), command);
            } catch (AgentUnavailableException e) {
                unreachable.add(host.getName() + ": " + e.getMessage());
            } catch (OperationTimedoutException e) {
                throw new CloudRuntimeException(what + " on host " + host.getName() + " timed out (" + e.getMessage() + "); the host"
                        + " finishes or undoes it", e);
            }
        }
        throw new CloudRuntimeException(what + ": no KVM host with storage pool " + pool.poolName() + " could be reached: "
                + String.join("; ", unreachable));
    }

    private List<HostVO> hostsWithPool(AdoptedPool pool) {
        StoragePoolVO row = poolDao.findById(pool.poolId());
        List<HostVO> hosts = new ArrayList<>();
        for (HostVO host : hostDao.listAllHostsUpByZoneAndHypervisor(row.getDataCenterId(), HypervisorType.KVM)) {
            if (row.getClusterId() == null || row.getClusterId().equals(host.getClusterId())) {
                hosts.add(host);
            }
        }
        if (hosts.isEmpty()) {
            throw new CloudRuntimeException("No KVM host with storage pool " + pool.poolName() + " is Up");
        }
        return hosts;
    }

    private Answer send(long hostId, Command command, String what) {
        try {
            return agentManager.send(hostId, command);
        } catch (AgentUnavailableException | OperationTimedoutException e) {
            throw new CloudRuntimeException(what + ": could not reach the agent of host " + hostId + ": " + e.getMessage(), e);
        }
    }

    private static CloudRuntimeException notOurs(Answer answer) {
        String details = answer == null ? "no answer" : answer.getClass().getSimpleName() + ": " + answer.getDetails();
        return new CloudRuntimeException("The host cannot take ElastiStor pool snapshots (is the plugin jar in"
                + " /usr/share/cloudstack-agent/lib and the agent restarted?): " + details);
    }
}
