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

/**
 * Synchronous on purpose: an async command's parameters are stored with its job (async_job.cmd_info), and this one
 * carries the API key. Its parameter is named apisecretkey because CloudStack's API log drops parameters whose name
 * contains "secretkey".
 */
@APICommand(name = "adoptElastiStorPool", responseObject = AdoptedPoolResponse.class, since = "4.22",
        description = "Attaches an ElastiStor identity (ElastiCenter endpoint, TLS trust, API key, the volume holding the pool's file"
                + " system) to a SharedMountPoint or NetworkFilesystem pool of KVM: its volume snapshots become ONE ElastiStor snapshot"
                + " of that volume taken inside a guest freeze. Needs snapshot.backup.to.secondary=false",
        requestHasSensitiveInfo = true, responseHasSensitiveInfo = false, authorized = {RoleType.Admin})
public class AdoptPoolCmd extends BaseCmd {
    @Inject
    private AdoptedPools adoptedPools;

    @Parameter(name = "id", type = BaseCmd.CommandType.STRING, required = true, description = "the storage pool's id")
    private String poolId;

    @Parameter(name = "url", type = BaseCmd.CommandType.STRING, required = true, description = "ElastiCenter endpoint, https://host[:port]")
    private String url;

    @Parameter(name = "tls", type = BaseCmd.CommandType.STRING,
            description = "TLS trust: sha256:<certificate fingerprint> (recommended), ca:<file> or system; default elastistor.tls")
    private String tls;

    @Parameter(name = "apisecretkey", type = BaseCmd.CommandType.STRING, required = true,
            description = "the ElastiCenter API key of the account owning the volume; stored encrypted, never shown")
    private String apiKey;

    @Parameter(name = "volumeid", type = BaseCmd.CommandType.STRING, required = true,
            description = "the ElastiStor volume holding the pool's file system")
    private String volumeId;

    @Override
    public void execute() {
        try {
            setResponseObject(AdoptedPoolResponse.of(adoptedPools.adopt(poolId, url, tls, apiKey, volumeId), getCommandName()));
        } catch (IllegalArgumentException e) {
            throw new ServerApiException(ApiErrorCode.PARAM_ERROR, e.getMessage());
        }
    }

    @Override
    public long getEntityOwnerId() {
        return CallContext.current().getCallingAccountId();
    }
}
