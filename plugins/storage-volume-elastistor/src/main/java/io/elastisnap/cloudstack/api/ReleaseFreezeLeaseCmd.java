// Licensed under the Apache License, Version 2.0. See LICENSE in the project root.
package io.elastisnap.cloudstack.api;

import org.apache.cloudstack.acl.RoleType;
import org.apache.cloudstack.api.APICommand;
import org.apache.cloudstack.api.BaseCmd;
import org.apache.cloudstack.api.Parameter;

import com.cloud.vm.VMInstanceVO;

import io.elastisnap.cloudstack.command.FreezeLeaseAnswer;

@APICommand(name = "releaseElastiStorFreezeLease", responseObject = FreezeLeaseResponse.class, since = "4.22",
        description = "Thaws the file systems a freeze lease froze and says how long they were frozen; a lease that already"
                + " ended says how (RELEASE or EXPIRY)",
        requestHasSensitiveInfo = false, responseHasSensitiveInfo = false, authorized = {RoleType.Admin})
public class ReleaseFreezeLeaseCmd extends FreezeLeaseCmd {
    @Parameter(name = "leaseid", type = BaseCmd.CommandType.STRING, required = true,
            description = "the lease id acquireElastiStorFreezeLease answered")
    private String leaseId;

    @Override
    FreezeLeaseAnswer lease(ElastiSnapApiService service, VMInstanceVO vm) {
        return service.releaseLease(vm, leaseId);
    }

    @Override
    public String getEventType() {
        return ElastiSnapApiService.EVENT_LEASE_RELEASE;
    }

    @Override
    public String getEventDescription() {
        return "thawing the file systems of VM " + virtualMachineId() + " (freeze lease " + leaseId + ")";
    }
}
