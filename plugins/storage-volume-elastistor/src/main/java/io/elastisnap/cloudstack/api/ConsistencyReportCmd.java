// Licensed under the Apache License, Version 2.0. See LICENSE in the project root.
package io.elastisnap.cloudstack.api;

import javax.inject.Inject;

import org.apache.cloudstack.acl.RoleType;
import org.apache.cloudstack.api.APICommand;
import org.apache.cloudstack.api.BaseCmd;
import org.apache.cloudstack.api.Parameter;
import org.apache.cloudstack.context.CallContext;

@APICommand(name = "getElastiStorConsistencyReport", responseObject = ConsistencyReportResponse.class, since = "4.22",
        description = "How consistent an ElastiStor snapshot or VM snapshot is: its consistency level, how long the guest was"
                + " frozen, the reason when it is not FS_FROZEN, and for a failed one why it failed",
        requestHasSensitiveInfo = false, responseHasSensitiveInfo = false, authorized = {RoleType.Admin})
public class ConsistencyReportCmd extends BaseCmd {
    @Inject
    private ElastiSnapApiService service;

    @Parameter(name = "snapshotid", type = BaseCmd.CommandType.STRING, description = "a volume snapshot's id")
    private String snapshotId;

    @Parameter(name = "vmsnapshotid", type = BaseCmd.CommandType.STRING, description = "a VM snapshot's id")
    private String vmSnapshotId;

    @Override
    public void execute() {
        ConsistencyReportResponse response = service.report(snapshotId, vmSnapshotId);
        response.setResponseName(getCommandName());
        setResponseObject(response);
    }

    @Override
    public long getEntityOwnerId() {
        return CallContext.current().getCallingAccountId();
    }
}
