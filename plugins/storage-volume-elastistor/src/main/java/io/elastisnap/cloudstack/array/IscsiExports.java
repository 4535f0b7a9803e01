// Licensed under the Apache License, Version 2.0. See LICENSE in the project root.
package io.elastisnap.cloudstack.array;

import java.util.Optional;

import org.apache.logging.log4j.LogManager;
import org.apache.logging.log4j.Logger;

import com.cloud.utils.exception.CloudRuntimeException;

import io.elastisnap.cloudstack.ElastiStorPool;

import io.elastisnap.elasticenter.ElastiCenterClient;
import io.elastisnap.elasticenter.FileSystem;
import io.elastisnap.elasticenter.IscsiAccess;
import io.elastisnap.elasticenter.IscsiService;

/** The iSCSI side of ElastiStor volumes: their target names and which initiator group may log in. */
public final class IscsiExports {
    /** ElastiStor's API offers no per-host initiator groups: a host reaches a volume through the account's ALL group. */
    public static final String ALL_INITIATORS = IscsiAccess.ALL_INITIATORS;
    public static final String NO_INITIATORS = IscsiAccess.NO_INITIATORS;
    private static final Logger LOG = LogManager.getLogger(IscsiExports.class);

    private IscsiExports() {
    }

    public static String iqnOf(ElastiCenterClient client, FileSystem volume) {
        Optional<String> iqn = volume.iqn();
        if (!iqn.isPresent()) {
            iqn = client.listVolumeIscsiServices(volume.id()).stream().map(IscsiService::iqn).filter(Optional::isPresent)
                    .map(Optional::get).findFirst();
        }
        return iqn.orElseThrow(() -> new CloudRuntimeException("ElastiStor volume " + volume.id() + " has no iSCSI target name"));
    }

    /**
     * Puts a volume of the pool (a CloudStack volume, or a temporary clone a host copies) in the initiator group behind
     * the pool's CHAP, or, for a pool registered with {@code details[0].chap=false}, without authentication, warned at
     * every opening.
     *
     * @return the CHAP a host logs in with; empty for a pool without CHAP
     */
    public static Optional<ChapCredentials> exportBehindPoolChap(ElastiStorArrays arrays, long poolId, String accountId,
                                                                 ElastiCenterClient client, String esVolumeId, String groupName) {
        Optional<ChapCredentials> chap = arrays.chap(poolId);
        if (chap.isEmpty() && ALL_INITIATORS.equals(groupName)) {
            LOG.warn("Exporting ElastiStor volume {} of pool {} WITHOUT CHAP (the pool was registered with details[0].{}=false):"
                    + " any initiator that reaches the storage network can log in to it", esVolumeId, poolId, ElastiStorPool.INPUT_CHAP);
        }
        exportTo(client, accountId, esVolumeId, groupName, chap.map(ChapCredentials::authGroupId).orElse(null));
        return chap;
    }

    /**
     * Exports the volume to the account's initiator group of that name (ALL or None), with CHAP through the auth group
     * {@code chapGroupId}, or with no authentication when it is null.
     */
    public static void exportTo(ElastiCenterClient client, String accountId, String esVolumeId, String groupName, String chapGroupId) {
        try {
            IscsiAccess.exportTo(client, accountId, esVolumeId, groupName, chapGroupId);
        } catch (IllegalStateException noSuchGroup) {
            throw new CloudRuntimeException(noSuchGroup.getMessage());
        }
    }
}
