// Licensed under the Apache License, Version 2.0. See LICENSE in the project root.
package io.elastisnap.transfer;

import io.elastisnap.elasticenter.ElastiCenterClient;
import io.elastisnap.elasticenter.ElastiCenterException;
import io.elastisnap.elasticenter.FileSystem;
import io.elastisnap.elasticenter.IscsiInitiator;
import io.elastisnap.elasticenter.IscsiService;

/** Opens an array volume's iSCSI target to an initiator group (a new volume or clone is exported to nobody). */
public final class IscsiExport {
    private IscsiExport() {
    }

    /** Returns the volume as the array describes it afterwards, with its target name and portal address. */
    public static FileSystem open(ElastiCenterClient client, FileSystem volume, String groupName) {
        try {
            String accountId = volume.accountId().orElse(null);
            IscsiInitiator group = client.listIscsiInitiators(accountId).stream().filter(i -> i.isGroup(groupName))
                    .findFirst().orElseThrow(() -> new TransferException(TransferException.Kind.ARRAY_FAILED,
                            "the array account of volume " + volume.name() + " has no initiator group " + groupName,
                            "create the initiator group " + groupName + " on the array, or reach volumes by path"));
            for (IscsiService service : client.listVolumeIscsiServices(volume.id())) {
                if (!service.initiatorGroupId().map(group.id()::equalsIgnoreCase).orElse(false)) {
                    client.updateVolumeIscsiService(service.id(), group.id());
                }
            }
            return client.findFileSystem(volume.id()).orElse(volume);
        } catch (ElastiCenterException e) {
            throw new TransferException(TransferException.Kind.ARRAY_FAILED, "could not export volume " + volume.name()
                    + " (" + volume.id() + ") over iSCSI: " + e.getMessage(), "check its iSCSI service on the array", e);
        }
    }
}
