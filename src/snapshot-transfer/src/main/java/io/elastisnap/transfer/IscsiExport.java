// Licensed under the Apache License, Version 2.0. See LICENSE in the project root.
package io.elastisnap.transfer;

import io.elastisnap.elasticenter.ElastiCenterClient;
import io.elastisnap.elasticenter.ElastiCenterException;
import io.elastisnap.elasticenter.FileSystem;
import io.elastisnap.elasticenter.IscsiInitiator;
import io.elastisnap.elasticenter.IscsiService;

/**
 * Opens an array volume's iSCSI target to an initiator group (a new volume or clone is exported to nobody), behind a
 * CHAP auth group or none.
 */
public final class IscsiExport {
    private IscsiExport() {
    }

    /**
     * Returns the volume as the array describes it afterwards, with its target name and portal address.
     *
     * @param chapAuthGroupId the auth group whose CHAP user may log in; null: no authentication
     */
    public static FileSystem open(ElastiCenterClient client, FileSystem volume, String groupName, String chapAuthGroupId) {
        try {
            String accountId = volume.accountId().orElse(null);
            IscsiInitiator group = client.listIscsiInitiators(accountId).stream().filter(i -> i.isGroup(groupName))
                    .findFirst().orElseThrow(() -> new TransferException(TransferException.Kind.ARRAY_FAILED,
                            "the array account of volume " + volume.name() + " has no initiator group " + groupName,
                            "create the initiator group " + groupName + " on the array, or reach volumes by path"));
            String method = chapAuthGroupId == null ? "None" : "CHAP";
            for (IscsiService service : client.listVolumeIscsiServices(volume.id())) {
                boolean inGroup = service.initiatorGroupId().map(group.id()::equalsIgnoreCase).orElse(false);
                boolean authAsWanted = service.authMethod().map(method::equalsIgnoreCase).orElse(chapAuthGroupId == null)
                        && (chapAuthGroupId == null || service.authGroupId().map(chapAuthGroupId::equalsIgnoreCase).orElse(false));
                if (!inGroup || !authAsWanted) {
                    client.updateVolumeIscsiService(service.id(), group.id(), chapAuthGroupId);
                }
            }
            return client.findFileSystem(volume.id()).orElse(volume);
        } catch (ElastiCenterException e) {
            throw new TransferException(TransferException.Kind.ARRAY_FAILED, "could not export volume " + volume.name()
                    + " (" + volume.id() + ") over iSCSI: " + e.getMessage(), "check its iSCSI service on the array", e);
        }
    }
}
