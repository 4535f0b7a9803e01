// Licensed under the Apache License, Version 2.0. See LICENSE in the project root.
package io.elastisnap.elasticenter;

import java.util.List;

/**
 * Who may log in to a volume's iSCSI target: its initiator group (ElastiStor's API offers no per-host groups: a host
 * reaches a volume through the account's {@code ALL} group, and {@code None} shuts it) and, with CHAP, the auth group
 * whose user must log in. Shared by the CloudStack plugin's managed volumes and the restore clones of pool mode.
 */
public final class IscsiAccess {
    public static final String ALL_INITIATORS = "ALL";
    public static final String NO_INITIATORS = "None";

    private IscsiAccess() {
    }

    /**
     * Exports the volume to the account's initiator group {@code groupName}, with CHAP through the auth group
     * {@code chapAuthGroupId}, or with no authentication when it is null. Services already so set are not updated.
     *
     * @throws IllegalStateException when the account has no such initiator group
     */
    public static void exportTo(ElastiCenterClient client, String accountId, String volumeId, String groupName,
                                String chapAuthGroupId) {
        String groupId = client.listIscsiInitiators(accountId).stream().filter(i -> i.isGroup(groupName))
                .map(IscsiInitiator::id).findFirst().orElseThrow(() -> new IllegalStateException("ElastiStor account "
                        + accountId + " has no initiator group " + groupName));
        String method = chapAuthGroupId == null ? "None" : "CHAP";
        for (IscsiService service : client.listVolumeIscsiServices(volumeId)) {
            boolean inGroup = service.initiatorGroupId().map(groupId::equalsIgnoreCase).orElse(false);
            boolean chapAsWanted = service.authMethod().map(method::equalsIgnoreCase).orElse(false)
                    && (chapAuthGroupId == null || service.authGroupId().map(chapAuthGroupId::equalsIgnoreCase).orElse(false));
            if (!inGroup || !chapAsWanted) {
                client.updateVolumeIscsiService(service.id(), groupId, chapAuthGroupId);
            }
        }
    }

    /**
     * The CHAP user of the account's auth group {@code authGroupName}, secret included (a {@link Secret}).
     *
     * @throws IllegalStateException when there is no such group, or it has no CHAP user
     */
    public static IscsiAuthUser chapUserOf(ElastiCenterClient client, String accountId, String authGroupName) {
        IscsiAuthGroup group = client.listIscsiAuthGroups(accountId).stream().filter(g -> g.isNamed(authGroupName))
                .findFirst().orElseThrow(() -> new IllegalStateException("ElastiStor account " + accountId
                        + " has no iSCSI auth group '" + authGroupName + "'"));
        List<IscsiAuthUser> users = client.listIscsiAuthUsers(accountId, group.id());
        if (users.isEmpty()) {
            throw new IllegalStateException("the iSCSI auth group '" + authGroupName + "' has no CHAP user");
        }
        return users.get(0);
    }
}
