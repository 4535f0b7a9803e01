// Licensed under the Apache License, Version 2.0. See LICENSE in the project root.
package io.elastisnap.cloudstack.api;

import java.util.ArrayList;
import java.util.List;

import javax.inject.Inject;

import org.apache.cloudstack.acl.RoleType;
import org.apache.cloudstack.api.APICommand;
import org.apache.cloudstack.api.BaseCmd;
import org.apache.cloudstack.api.response.ListResponse;
import org.apache.cloudstack.context.CallContext;

import io.elastisnap.cloudstack.pool.AdoptedPool;
import io.elastisnap.cloudstack.pool.AdoptedPools;

@APICommand(name = "listElastiStorAdoptedPools", responseObject = AdoptedPoolResponse.class, since = "4.22",
        description = "Lists the SharedMountPoint/NetworkFilesystem pools adopted by ElastiSnap and their ElastiStor volumes",
        requestHasSensitiveInfo = false, responseHasSensitiveInfo = false, authorized = {RoleType.Admin})
public class ListAdoptedPoolsCmd extends BaseCmd {
    @Inject
    private AdoptedPools adoptedPools;

    @Override
    public void execute() {
        List<AdoptedPoolResponse> pools = new ArrayList<>();
        for (AdoptedPool pool : adoptedPools.list()) {
            pools.add(AdoptedPoolResponse.of(pool, "elastistoradoptedpool"));
        }
        ListResponse<AdoptedPoolResponse> response = new ListResponse<>();
        response.setResponses(pools, pools.size());
        response.setResponseName(getCommandName());
        setResponseObject(response);
    }

    @Override
    public long getEntityOwnerId() {
        return CallContext.current().getCallingAccountId();
    }
}
