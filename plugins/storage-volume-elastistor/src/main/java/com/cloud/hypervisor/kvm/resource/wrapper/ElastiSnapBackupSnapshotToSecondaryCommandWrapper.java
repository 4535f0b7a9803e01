// Licensed under the Apache License, Version 2.0. See LICENSE in the project root.
package com.cloud.hypervisor.kvm.resource.wrapper;

import com.cloud.agent.api.Answer;
import com.cloud.hypervisor.kvm.resource.LibvirtComputingResource;
import com.cloud.resource.CommandWrapper;
import com.cloud.resource.ResourceWrapper;

import io.elastisnap.cloudstack.agent.SnapshotBackupRuntime;
import io.elastisnap.cloudstack.command.BackupSnapshotToSecondaryCommand;

/** Runs on the KVM host CloudStack's management server picked in the zone; secondary storage mounted as the agent does. */
@ResourceWrapper(handles = BackupSnapshotToSecondaryCommand.class)
public final class ElastiSnapBackupSnapshotToSecondaryCommandWrapper extends CommandWrapper<BackupSnapshotToSecondaryCommand, Answer, LibvirtComputingResource> {
    @Override
    public Answer execute(BackupSnapshotToSecondaryCommand command, LibvirtComputingResource serverResource) {
        return SnapshotBackupRuntime.runner().backUp(command, new KvmSecondaryStorageMounts(serverResource));
    }
}
