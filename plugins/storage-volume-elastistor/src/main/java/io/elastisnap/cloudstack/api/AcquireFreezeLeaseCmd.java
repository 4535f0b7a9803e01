// Licensed under the Apache License, Version 2.0. See LICENSE in the project root.
package io.elastisnap.cloudstack.api;

import org.apache.cloudstack.acl.RoleType;
import org.apache.cloudstack.api.APICommand;
import org.apache.cloudstack.api.BaseCmd;
import org.apache.cloudstack.api.Parameter;

import com.cloud.vm.VMInstanceVO;

import io.elastisnap.cloudstack.command.FreezeLeaseAnswer;

@APICommand(name = "acquireElastiStorFreezeLease", responseObject = FreezeLeaseResponse.class, since = "4.22",
        description = "Freezes a running KVM VM's file systems (qemu-guest-agent) for at most 'duration' seconds, bounded by"
                + " elastistor.max.frozen.window.ms, for an external backup tool; thawed by releaseElastiStorFreezeLease or by the"
                + " VM's host itself when the lease ends, also if the management server or the agent dies meanwhile",
        requestHasSensitiveInfo = false, responseHasSensitiveInfo = false, authorized = {RoleType.Admin})
public class AcquireFreezeLeaseCmd extends FreezeLeaseCmd {
    @Parameter(name = "duration", type = BaseCmd.CommandType.INTEGER, required = true,
            description = "seconds the file systems stay frozen at most (1 to elastistor.max.frozen.window.ms)")
    private Integer duration;

    @Override
    FreezeLeaseAnswer lease(ElastiSnapApiService service, VMInstanceVO vm) {
        return service.acquireLease(vm, duration == null ? 0 : duration);
    }

    @Override
    public String getEventType() {
        return ElastiSnapApiService.EVENT_LEASE_ACQUIRE;
    }

    @Override
    public String getEventDescription() {
        return "freezing the file systems of VM " + virtualMachineId() + " for at most " + duration + " s";
    }
}
