// Licensed under the Apache License, Version 2.0. See LICENSE in the project root.
package com.cloud.hypervisor.kvm.resource.wrapper;

import com.cloud.agent.api.Answer;
import com.cloud.hypervisor.kvm.resource.LibvirtComputingResource;
import com.cloud.resource.CommandWrapper;
import com.cloud.resource.ResourceWrapper;

import io.elastisnap.cloudstack.agent.AgentSnapshotRuntime;
import io.elastisnap.cloudstack.command.RestorePoolVolumeCommand;

/** Restores one volume's file on an adopted SharedMountPoint/NFS pool from a pool snapshot, on a host with the pool mounted. */
@ResourceWrapper(handles = RestorePoolVolumeCommand.class)
public final class ElastiSnapRestorePoolVolumeCommandWrapper
        extends CommandWrapper<RestorePoolVolumeCommand, Answer, LibvirtComputingResource> {
    @Override
    public Answer execute(RestorePoolVolumeCommand command, LibvirtComputingResource serverResource) {
        try {
            return AgentSnapshotRuntime.runner().restorePoolVolume(command, KvmPoolMounts.mountPointOf(command, serverResource));
        } catch (RuntimeException e) {
            logger.error("Restore of {} from pool snapshot {} failed", command.getFile(), command.getSnapshotPath(), e);
            return new Answer(command, false, "Restore of " + command.getFile() + " failed before it started (the volume's file is"
                    + " unchanged): " + e.getMessage());
        }
    }
}
