// Licensed under the Apache License, Version 2.0. See LICENSE in the project root.
package io.elastisnap.cli;

import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Supplier;

import io.elastisnap.elasticenter.ElastiCenterClient;
import io.elastisnap.elasticenter.ElastiCenterException;
import io.elastisnap.elasticenter.FileSystem;
import io.elastisnap.elasticenter.IscsiAuthGroup;
import io.elastisnap.elasticenter.IscsiAuthUser;
import io.elastisnap.elasticenter.Secret;
import io.elastisnap.transfer.ChapLogin;
import io.elastisnap.transfer.DataLocation;
import io.elastisnap.transfer.TransferException;
import io.elastisnap.transfer.VolumeAccess;

/**
 * iSCSI access behind the operator's CHAP auth group (named in the config, looked up in the account of each volume):
 * a volume this run opens is put behind that group, and qemu-img logs in as the group's CHAP user with the secret the
 * operator gave in a file or the environment.
 */
final class ChapVolumeAccess implements VolumeAccess {
    private final VolumeAccess iscsi;
    private final Supplier<ElastiCenterClient> client;
    private final String groupName;
    private final Secret secret;
    private final Map<String, VolumeAccess> byAccount = new HashMap<>();

    ChapVolumeAccess(VolumeAccess iscsi, Supplier<ElastiCenterClient> client, String groupName, Secret secret) {
        this.iscsi = iscsi;
        this.client = client;
        this.groupName = groupName;
        this.secret = secret;
    }

    @Override
    public boolean overIscsi() {
        return true;
    }

    @Override
    public FileSystem open(ElastiCenterClient arrayClient, FileSystem volume) {
        return withChap(volume).open(arrayClient, volume);
    }

    @Override
    public DataLocation locate(FileSystem volume) {
        return withChap(volume).locate(volume);
    }

    private synchronized VolumeAccess withChap(FileSystem volume) {
        String account = volume.accountId().orElseThrow(() -> new TransferException(TransferException.Kind.ARRAY_FAILED,
                "ElastiCenter names no account for volume " + volume.name() + " (" + volume.id() + ")", null));
        VolumeAccess access = byAccount.get(account);
        if (access == null) {
            String groupId = authGroupId(account);
            access = iscsi.withChap(groupId, new ChapLogin(chapUser(account, groupId), secret));
            byAccount.put(account, access);
        }
        return access;
    }

    private String authGroupId(String account) {
        try {
            return client.get().listIscsiAuthGroups(account).stream().filter(g -> g.isNamed(groupName)).map(IscsiAuthGroup::id)
                    .findFirst().orElseThrow(() -> new TransferException(TransferException.Kind.BAD_INPUT, "the array account "
                            + account + " has no iSCSI auth group '" + groupName + "' (iscsi.chap-auth-group)",
                            "create it with a CHAP user in ElastiCenter, or name an existing one"));
        } catch (ElastiCenterException e) {
            throw new TransferException(TransferException.Kind.ARRAY_FAILED, "could not look up the iSCSI auth group '"
                    + groupName + "': " + e.getMessage(), "check the ElastiCenter account", e);
        }
    }

    private String chapUser(String account, String groupId) {
        try {
            List<IscsiAuthUser> users = client.get().listIscsiAuthUsers(account, groupId);
            if (users.isEmpty()) {
                throw new TransferException(TransferException.Kind.BAD_INPUT, "the iSCSI auth group '" + groupName
                        + "' has no CHAP user", "add one in ElastiCenter and give its secret in iscsi.chap-secret-file");
            }
            return users.get(0).chapUser();
        } catch (ElastiCenterException e) {
            throw new TransferException(TransferException.Kind.ARRAY_FAILED, "could not look up the CHAP user of the iSCSI"
                    + " auth group '" + groupName + "': " + e.getMessage(), "check the ElastiCenter account", e);
        }
    }
}
