// Licensed under the Apache License, Version 2.0. See LICENSE in the project root.
package io.elastisnap.cloudstack.api;

import javax.inject.Inject;

import org.apache.cloudstack.acl.RoleType;
import org.apache.cloudstack.api.APICommand;
import org.apache.cloudstack.api.ApiErrorCode;
import org.apache.cloudstack.api.BaseCmd;
import org.apache.cloudstack.api.Parameter;
import org.apache.cloudstack.api.ServerApiException;
import org.apache.cloudstack.context.CallContext;

import io.elastisnap.cloudstack.pool.AdoptedPools;

@APICommand(name = "detachElastiStorPool", responseObject = AdoptedPoolResponse.class, since = "4.22",
        description = "Removes the ElastiStor identity of an adopted pool (refused while snapshots of it are ElastiStor pool"
                + " snapshots); the pool itself is not touched",
        requestHasSensitiveInfo = false, responseHasSensitiveInfo = false, authorized = {RoleType.Admin})
public class DetachPoolCmd extends BaseCmd {
    @Inject
    private AdoptedPools adoptedPools;

    @Parameter(name = "id", type = BaseCmd.CommandType.STRING, required = true, description = "the storage pool's id")
    private String poolId;

    @Override
    public void execute() {
        try {
            setResponseObject(AdoptedPoolResponse.of(adoptedPools.detach(poolId), getCommandName()));
        } catch (IllegalArgumentException e) {
            throw new ServerApiException(ApiErrorCode.PARAM_ERROR, e.getMessage());
        }
    }

    @Override
    public long getEntityOwnerId() {
        return CallContext.current().getCallingAccountId();
    }
}
