// Licensed under the Apache License, Version 2.0. See LICENSE in the project root.
package com.cloud.hypervisor.kvm.resource.wrapper;

import com.cloud.agent.api.Answer;
import com.cloud.hypervisor.kvm.resource.LibvirtComputingResource;
import com.cloud.resource.CommandWrapper;
import com.cloud.resource.ResourceWrapper;

import io.elastisnap.cloudstack.agent.AgentSnapshotRuntime;
import io.elastisnap.cloudstack.command.PoolSnapshotAnswer;
import io.elastisnap.cloudstack.command.TakePoolSnapshotCommand;

/** A pool snapshot of a VM on an adopted SharedMountPoint/NFS pool, run on the VM's host by the agent's one engine. */
@ResourceWrapper(handles = TakePoolSnapshotCommand.class)
public final class ElastiSnapTakePoolSnapshotCommandWrapper extends CommandWrapper<TakePoolSnapshotCommand, Answer, LibvirtComputingResource> {
    @Override
    public Answer execute(TakePoolSnapshotCommand command, LibvirtComputingResource serverResource) {
        try {
            return AgentSnapshotRuntime.runner().takePoolSnapshot(command, KvmPoolMounts.mountPointOf(command, serverResource),
                    () -> serverResource.getLibvirtUtilitiesHelper().getConnection());
        } catch (RuntimeException e) {
            // before anything was frozen: the pool is not mounted here, or the runtime is broken
            logger.error("Pool snapshot of {} failed", command.getDomainName(), e);
            return PoolSnapshotAnswer.failure(command, "INTERNAL_ERROR", "Pool snapshot of " + command.getDomainName()
                    + " failed before freezing: " + e.getMessage());
        }
    }
}
