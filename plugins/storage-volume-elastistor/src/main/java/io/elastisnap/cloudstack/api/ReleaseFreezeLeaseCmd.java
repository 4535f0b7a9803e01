// Licensed under the Apache License, Version 2.0. See LICENSE in the project root.
package io.elastisnap.cloudstack.api;

import javax.inject.Inject;

import org.apache.cloudstack.acl.RoleType;
import org.apache.cloudstack.api.APICommand;
import org.apache.cloudstack.api.BaseAsyncCmd;
import org.apache.cloudstack.api.BaseCmd;
import org.apache.cloudstack.api.Parameter;
import org.apache.cloudstack.context.CallContext;

import com.cloud.vm.VMInstanceVO;

@APICommand(name = "releaseElastiStorFreezeLease", responseObject = FreezeLeaseResponse.class, since = "4.22",
        description = "Thaws the file systems a freeze lease froze and says how long they were frozen; a lease that already"
                + " ended says how (RELEASE or EXPIRY)",
        requestHasSensitiveInfo = false, responseHasSensitiveInfo = false, authorized = {RoleType.Admin})
public class ReleaseFreezeLeaseCmd extends BaseAsyncCmd {
    @Inject
    private ElastiSnapApiService service;

    @Parameter(name = "virtualmachineid", type = BaseCmd.CommandType.STRING, required = true, description = "the VM's id")
    private String virtualMachineId;

    @Parameter(name = "leaseid", type = BaseCmd.CommandType.STRING, required = true,
            description = "the lease id acquireElastiStorFreezeLease answered")
    private String leaseId;

    @Override
    public void execute() {
        VMInstanceVO vm = service.vm(virtualMachineId);
        LeaseEvents.completed(this, vm, () -> service.releaseLease(vm, leaseId), answer -> {
            FreezeLeaseResponse response = FreezeLeaseResponse.of(vm.getUuid(), answer);
            response.setResponseName(getCommandName());
            setResponseObject(response);
        });
    }

    @Override
    public long getEntityOwnerId() {
        return CallContext.current().getCallingAccountId();
    }

    @Override
    public String getEventType() {
        return ElastiSnapApiService.EVENT_LEASE_RELEASE;
    }

    @Override
    public String getEventDescription() {
        return "thawing the file systems of VM " + virtualMachineId + " (freeze lease " + leaseId + ")";
    }
}
