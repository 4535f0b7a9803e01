// Licensed under the Apache License, Version 2.0. See LICENSE in the project root.
package com.cloud.hypervisor.kvm.resource.wrapper;

import com.cloud.agent.api.Answer;
import com.cloud.hypervisor.kvm.resource.LibvirtComputingResource;
import com.cloud.resource.CommandWrapper;
import com.cloud.resource.ResourceWrapper;

import io.elastisnap.cloudstack.agent.AgentSnapshotRuntime;
import io.elastisnap.cloudstack.command.TakeConsistentSnapshotAnswer;
import io.elastisnap.cloudstack.command.TakeConsistentSnapshotCommand;

/**
 * Discovered by CloudStack's LibvirtRequestWrapper (reflection over this package) and constructed by it once, when its
 * class is initialised: at the first command the agent executes, the ReadyCommand the management server sends as soon
 * as the agent has connected. Construction starts the freeze journal recovery in the background; commands run the
 * consistency engine on the host that runs the VM.
 */
@ResourceWrapper(handles = TakeConsistentSnapshotCommand.class)
public final class ElastiSnapTakeConsistentSnapshotCommandWrapper
        extends CommandWrapper<TakeConsistentSnapshotCommand, Answer, LibvirtComputingResource> {

    public ElastiSnapTakeConsistentSnapshotCommandWrapper() {
        // The agent's own connection, as commands get it from LibvirtComputingResource (its URI is set at configure()).
        AgentSnapshotRuntime.startRecovery(() -> new LibvirtUtilitiesHelper().getConnection());
    }

    @Override
    public Answer execute(TakeConsistentSnapshotCommand command, LibvirtComputingResource serverResource) {
        try {
            return AgentSnapshotRuntime.runner().run(command,
                    () -> serverResource.getLibvirtUtilitiesHelper().getConnection());
        } catch (RuntimeException e) {
            // The runner never throws by contract; this guards the agent's worker thread against a broken runtime.
            logger.error("Consistent snapshot of {} failed unexpectedly", command.getDomainName(), e);
            return TakeConsistentSnapshotAnswer.failure(command, "INTERNAL_ERROR", "Consistent snapshot of "
                    + command.getDomainName() + " failed: " + e.getClass().getSimpleName() + ": " + e.getMessage());
        }
    }
}
