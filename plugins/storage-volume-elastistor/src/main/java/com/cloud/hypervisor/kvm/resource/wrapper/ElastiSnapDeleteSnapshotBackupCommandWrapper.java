// Licensed under the Apache License, Version 2.0. See LICENSE in the project root.
package com.cloud.hypervisor.kvm.resource.wrapper;

import com.cloud.agent.api.Answer;
import com.cloud.hypervisor.kvm.resource.LibvirtComputingResource;
import com.cloud.resource.CommandWrapper;
import com.cloud.resource.ResourceWrapper;

import io.elastisnap.cloudstack.agent.SnapshotBackupRuntime;
import io.elastisnap.cloudstack.command.DeleteSnapshotBackupCommand;

/** Runs on the KVM host CloudStack's management server picked in the zone; secondary storage mounted as the agent does. */
@ResourceWrapper(handles = DeleteSnapshotBackupCommand.class)
public final class ElastiSnapDeleteSnapshotBackupCommandWrapper extends CommandWrapper<DeleteSnapshotBackupCommand, Answer, LibvirtComputingResource> {
    @Override
    public Answer execute(DeleteSnapshotBackupCommand command, LibvirtComputingResource serverResource) {
        return SnapshotBackupRuntime.runner().delete(command, new KvmSecondaryStorageMounts(serverResource));
    }
}
