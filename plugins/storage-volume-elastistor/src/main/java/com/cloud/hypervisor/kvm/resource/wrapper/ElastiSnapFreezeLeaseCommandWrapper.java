// Licensed under the Apache License, Version 2.0. See LICENSE in the project root.
package com.cloud.hypervisor.kvm.resource.wrapper;

import com.cloud.agent.api.Answer;
import com.cloud.hypervisor.kvm.resource.LibvirtComputingResource;
import com.cloud.resource.CommandWrapper;
import com.cloud.resource.ResourceWrapper;

import io.elastisnap.cloudstack.agent.AgentSnapshotRuntime;
import io.elastisnap.cloudstack.command.FreezeLeaseAnswer;
import io.elastisnap.cloudstack.command.FreezeLeaseCommand;

/**
 * Acquires and releases freeze leases on the host that runs the VM, with the agent's one consistency engine (the same
 * journal, watchdog and thaw guard as its snapshots). Discovered by CloudStack's LibvirtRequestWrapper like
 * {@link ElastiSnapTakeConsistentSnapshotCommandWrapper}, which starts the journal recovery.
 */
@ResourceWrapper(handles = FreezeLeaseCommand.class)
public final class ElastiSnapFreezeLeaseCommandWrapper extends CommandWrapper<FreezeLeaseCommand, Answer, LibvirtComputingResource> {

    @Override
    public Answer execute(FreezeLeaseCommand command, LibvirtComputingResource serverResource) {
        try {
            return AgentSnapshotRuntime.runner().lease(command, () -> serverResource.getLibvirtUtilitiesHelper().getConnection());
        } catch (RuntimeException e) {
            // The runner never throws by contract; this guards the agent's worker thread against a broken runtime.
            logger.error("Freeze lease {} of {} failed unexpectedly", command.getLeaseId(), command.getDomainName(), e);
            return FreezeLeaseAnswer.failure(command, "INTERNAL_ERROR", "Freeze lease " + command.getLeaseId() + " of "
                    + command.getDomainName() + " failed: " + e.getClass().getSimpleName() + ": " + e.getMessage());
        }
    }
}
