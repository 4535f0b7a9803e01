// Licensed under the Apache License, Version 2.0. See LICENSE in the project root.
package io.elastisnap.engine.pool;

import io.elastisnap.elasticenter.ElastiCenterClient;
import io.elastisnap.elasticenter.ElastiCenterException;
import io.elastisnap.elasticenter.FileSystem;
import io.elastisnap.elasticenter.IscsiAccess;
import io.elastisnap.elasticenter.IscsiAuthUser;
import java.io.IOException;
import java.nio.file.Path;
import java.util.Objects;
import java.util.Optional;

/**
 * A clone of a real ElastiStor reached over iSCSI with CHAP, as the managed path exports its volumes: the clone's
 * iSCSI service is opened to the account's {@code ALL} initiator group with {@code authmethod=CHAP} and the named auth
 * group, the host logs in as that group's CHAP user ({@link IscsiLunLogin}) at the clone's portal
 * ({@code ipaddress:port}), and the LUN's block device goes to the mount step. Detach logs out and shuts the export
 * ({@code None} group); the clone volume itself is deleted by {@link VolumeRestore}. A failed attach leaves nothing.
 */
public final class IscsiCloneHost implements CloneHost {
    private final ElastiCenterClient client;
    private final String chapAuthGroupName;
    private final int portalPort;
    private final int lun;
    private final IscsiLunLogin login;

    /**
     * @param chapAuthGroupName the account's iSCSI auth group whose CHAP user logs in (the pool's, or one made for it)
     * @param portalPort        the array's iSCSI port (ElastiStor: 3260)
     * @param lun               the clone's LUN number (ElastiStor: 0)
     */
    public IscsiCloneHost(ElastiCenterClient client, String chapAuthGroupName, int portalPort, int lun, IscsiLunLogin login) {
        this.client = Objects.requireNonNull(client, "client");
        this.chapAuthGroupName = Objects.requireNonNull(chapAuthGroupName, "chapAuthGroupName");
        this.portalPort = portalPort;
        this.lun = lun;
        this.login = Objects.requireNonNull(login, "login");
    }

    @Override
    public Path attach(String cloneVolumeId) throws IOException {
        FileSystem clone = client.findFileSystem(cloneVolumeId).orElseThrow(() -> new IOException("clone volume "
                + cloneVolumeId + " is not on the array"));
        String accountId = clone.accountId().orElseThrow(() -> new IOException("the array names no account of clone "
                + cloneVolumeId));
        String iqn = clone.iqn().orElseThrow(() -> new IOException("clone " + cloneVolumeId + " has no iSCSI target"
                + " name (is the pool volume an NFS share? use the NFS clone attach)"));
        String host = clone.ipAddress().orElseThrow(() -> new IOException("the array names no portal address of clone "
                + cloneVolumeId));
        IscsiAuthUser chap;
        try {
            chap = IscsiAccess.chapUserOf(client, accountId, chapAuthGroupName);
            IscsiAccess.exportTo(client, accountId, cloneVolumeId, IscsiAccess.ALL_INITIATORS,
                    chap.authGroupId().orElseGet(() -> authGroupIdOrNull(accountId)));
        } catch (IllegalStateException e) {
            throw new IOException(e.getMessage() + "; name an auth group with a CHAP user (ElastiCenter: iSCSI auth groups)", e);
        }
        try {
            return login.login(host + ":" + portalPort, iqn, lun, chap.chapUser(), chap.chapSecret(), cloneVolumeId);
        } catch (IOException | RuntimeException e) {
            try {
                revoke(accountId, cloneVolumeId);
            } catch (RuntimeException cleanup) {
                e.addSuppressed(cleanup);
            }
            throw e;
        }
    }

    @Override
    public void detach(Path attached, String cloneVolumeId) throws IOException {
        Optional<FileSystem> clone;
        try {
            clone = client.findFileSystem(cloneVolumeId);
        } catch (ElastiCenterException e) {
            throw new IOException("cannot look clone " + cloneVolumeId + " up to log out of it: " + e.getMessage(), e);
        }
        login.logout(attached, clone.flatMap(FileSystem::iqn).orElse(null), cloneVolumeId);
        if (clone.isPresent() && clone.get().accountId().isPresent()) {
            revoke(clone.get().accountId().get(), cloneVolumeId);
        }
    }

    /** Shuts the clone's target to every initiator (CHAP stays set). */
    private void revoke(String accountId, String cloneVolumeId) {
        IscsiAccess.exportTo(client, accountId, cloneVolumeId, IscsiAccess.NO_INITIATORS,
                authGroupIdOrNull(accountId));
    }

    private String authGroupIdOrNull(String accountId) {
        return client.listIscsiAuthGroups(accountId).stream().filter(g -> g.isNamed(chapAuthGroupName)).findFirst()
                .map(g -> g.id()).orElse(null);
    }
}
