// Licensed under the Apache License, Version 2.0. See LICENSE in the project root.
package io.elastisnap.cloudstack.api;

import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import javax.inject.Inject;

import org.apache.cloudstack.api.ApiErrorCode;
import org.apache.cloudstack.api.ServerApiException;
import org.apache.logging.log4j.LogManager;
import org.apache.logging.log4j.Logger;

import com.cloud.agent.AgentManager;
import com.cloud.agent.api.Answer;
import com.cloud.exception.AgentUnavailableException;
import com.cloud.exception.OperationTimedoutException;
import com.cloud.storage.SnapshotVO;
import com.cloud.storage.dao.SnapshotDao;
import com.cloud.storage.dao.SnapshotDetailsDao;
import com.cloud.utils.component.PluggableService;
import com.cloud.vm.VMInstanceVO;
import com.cloud.vm.VirtualMachine;
import com.cloud.vm.dao.VMInstanceDao;
import com.cloud.vm.snapshot.VMSnapshotVO;
import com.cloud.vm.snapshot.dao.VMSnapshotDao;
import com.cloud.vm.snapshot.dao.VMSnapshotDetailsDao;

import io.elastisnap.cloudstack.ElastiStorPool;
import io.elastisnap.cloudstack.command.FreezeLeaseAnswer;
import io.elastisnap.cloudstack.command.FreezeLeaseCommand;
import io.elastisnap.cloudstack.config.ElastiSnapConfiguration;
import io.elastisnap.cloudstack.config.SnapshotSettings;
import io.elastisnap.engine.FreezeLimits;

/**
 * The plugin's own API commands (CloudStack registers a PluggableService bean's commands from any module): a freeze
 * lease for external backup tools, run on the VM's host by the same engine as snapshots, and the consistency report of
 * a snapshot or VM snapshot.
 */
public class ElastiSnapApiService implements PluggableService {
    static final String EVENT_LEASE_ACQUIRE = "ELASTISTOR.FREEZE.LEASE.ACQUIRE";
    static final String EVENT_LEASE_RELEASE = "ELASTISTOR.FREEZE.LEASE.RELEASE";
    private static final Logger LOG = LogManager.getLogger(ElastiSnapApiService.class);

    @Inject
    private VMInstanceDao vmInstanceDao;
    @Inject
    private AgentManager agentManager;
    @Inject
    private SnapshotSettings settings;
    @Inject
    private SnapshotDao snapshotDao;
    @Inject
    private SnapshotDetailsDao snapshotDetailsDao;
    @Inject
    private VMSnapshotDao vmSnapshotDao;
    @Inject
    private VMSnapshotDetailsDao vmSnapshotDetailsDao;

    @Override
    public List<Class<?>> getCommands() {
        return Arrays.asList(AcquireFreezeLeaseCmd.class, ReleaseFreezeLeaseCmd.class, ConsistencyReportCmd.class,
                AdoptPoolCmd.class, DetachPoolCmd.class, ListAdoptedPoolsCmd.class);
    }

    /** Freezes the running VM's file systems for at most {@code seconds}, bounded by the maximum frozen window. */
    FreezeLeaseAnswer acquireLease(VMInstanceVO vm, int seconds) {
        FreezeLimits configured = settings.limits();
        if (seconds < 1 || Duration.ofSeconds(seconds).compareTo(configured.maxFrozenWindow()) > 0) {
            throw new ServerApiException(ApiErrorCode.PARAM_ERROR, "duration must be 1 to " + configured.maxFrozenWindow().getSeconds()
                    + " seconds: a lease is bounded by the global setting " + ElastiSnapConfiguration.MAX_FROZEN_WINDOW_MS.key() + " ("
                    + configured.maxFrozenWindow().toMillis() + " ms)");
        }
        FreezeLimits limits = configured.toBuilder().maxFrozenWindow(Duration.ofSeconds(seconds)).build();
        if (!limits.problems().isEmpty()) {
            throw new ServerApiException(ApiErrorCode.PARAM_ERROR, "a lease of " + seconds + " s contradicts the freeze settings: "
                    + String.join("; ", limits.problems(ElastiSnapConfiguration::settingName)) + "; ask for a longer lease");
        }
        return send(requireRunning(vm), FreezeLeaseCommand.acquire(vm.getInstanceName(), UUID.randomUUID().toString(), limits));
    }

    FreezeLeaseAnswer releaseLease(VMInstanceVO vm, String leaseId) {
        return send(requireRunning(vm), FreezeLeaseCommand.release(vm.getInstanceName(), leaseId));
    }

    private static VMInstanceVO requireRunning(VMInstanceVO vm) {
        if (vm.getState() != VirtualMachine.State.Running || vm.getHostId() == null) {
            throw new ServerApiException(ApiErrorCode.PARAM_ERROR, "VM " + vm.getUuid() + " is " + vm.getState()
                    + ": only a running VM's file systems can be frozen");
        }
        return vm;
    }

    private FreezeLeaseAnswer send(VMInstanceVO vm, FreezeLeaseCommand command) {
        Answer answer;
        try {
            answer = agentManager.send(vm.getHostId(), command);
        } catch (AgentUnavailableException | OperationTimedoutException e) {
            throw new ServerApiException(ApiErrorCode.RESOURCE_UNAVAILABLE_ERROR, "Could not reach the agent of the host of VM "
                    + vm.getUuid() + ": " + e.getMessage());
        }
        if (!(answer instanceof FreezeLeaseAnswer)) {
            throw new ServerApiException(ApiErrorCode.UNSUPPORTED_ACTION_ERROR, "The host of VM " + vm.getUuid() + " cannot hold"
                    + " freeze leases (is the plugin jar in /usr/share/cloudstack-agent/lib and the agent restarted?): "
                    + (answer == null ? "no answer" : answer.getDetails()));
        }
        FreezeLeaseAnswer lease = (FreezeLeaseAnswer) answer;
        LOG.info("Freeze lease {} {} of VM {}: {}", command.getAction(), command.getLeaseId(), vm.getUuid(), lease.getDetails());
        if (!lease.getResult() && lease.getState() == null) {
            throw new ServerApiException("NO_SUCH_LEASE".equals(lease.getFailureReason()) ? ApiErrorCode.PARAM_ERROR
                    : ApiErrorCode.INTERNAL_ERROR, lease.getDetails() + " (" + lease.getFailureReason() + ")");
        }
        return lease;
    }

    VMInstanceVO vm(String uuid) {
        VMInstanceVO vm = vmInstanceDao.findByUuid(uuid);
        if (vm == null) {
            throw new ServerApiException(ApiErrorCode.PARAM_ERROR, "No virtual machine with id " + uuid);
        }
        return vm;
    }

    ConsistencyReportResponse report(String snapshotUuid, String vmSnapshotUuid) {
        if ((snapshotUuid == null) == (vmSnapshotUuid == null)) {
            throw new ServerApiException(ApiErrorCode.PARAM_ERROR, "Give either snapshotid or vmsnapshotid");
        }
        if (snapshotUuid != null) {
            SnapshotVO snapshot = snapshotDao.findByUuid(snapshotUuid);
            if (snapshot == null) {
                throw new ServerApiException(ApiErrorCode.PARAM_ERROR, "No snapshot with id " + snapshotUuid);
            }
            return ConsistencyReportResponse.of("snapshot", snapshot.getUuid(), snapshot.getName(), String.valueOf(snapshot.getState()),
                    snapshotDetailsDao.listDetailsKeyPairs(snapshot.getId()));
        }
        VMSnapshotVO vmSnapshot = vmSnapshotDao.findByUuid(vmSnapshotUuid);
        if (vmSnapshot == null) {
            throw new ServerApiException(ApiErrorCode.PARAM_ERROR, "No VM snapshot with id " + vmSnapshotUuid);
        }
        Map<String, String> details = vmSnapshotDetailsDao.listDetailsKeyPairs(vmSnapshot.getId());
        return ConsistencyReportResponse.of("vmsnapshot", vmSnapshot.getUuid(), vmSnapshot.getName(), String.valueOf(vmSnapshot.getState()),
                details);
    }

    /** For the report: a level's meaning when it is not FS_FROZEN and no recorded reason says more. */
    static String reasonOf(String level, Map<String, String> details) {
        String recorded = details.get(ElastiStorPool.SNAPSHOT_CONSISTENCY_REASON);
        if (recorded != null) {
            return recorded;
        }
        switch (level) {
            case "FS_FROZEN":
                return null;
            case "FS_FROZEN_BY_CLOUDSTACK":
                return "frozen by CloudStack's own VM-snapshot strategy around its per-volume snapshots, not by ElastiSnap";
            case "VM_NOT_RUNNING":
                return "the VM was not running: nothing was writing, so no freeze was needed";
            case "CRASH_CONSISTENT":
                return "no freeze was attempted (policy OFF)";
            default:
                return "the guest could not be frozen (" + level + ")";
        }
    }
}
