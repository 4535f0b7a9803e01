// Licensed under the Apache License, Version 2.0. See LICENSE in the project root.
package io.elastisnap.cloudstack.command;

import java.util.Objects;
import java.util.Optional;

import com.cloud.agent.api.LogLevel;

import io.elastisnap.elasticenter.Secret;

/**
 * An iSCSI LUN as the KVM host reads or writes it: portal, target name and LUN number, and the CHAP user and secret
 * the host logs in with (none only for a pool registered with {@code details[0].chap=false}). Gson carries the secret
 * as plain text (a {@link Secret}'s value is transient) in a field CloudStack's command logging skips
 * ({@code @LogLevel(Off)}); {@link #toString()} is the URL without credentials.
 */
public final class IscsiLun {
    public static final int DEFAULT_PORT = 3260;

    private String portal;
    private int port;
    private String iqn;
    private int lun;
    private String chapUser;
    @LogLevel(LogLevel.Log4jLevel.Off)
    private String chapSecret;

    /** For Gson. */
    IscsiLun() {
    }

    public IscsiLun(String portal, int port, String iqn, int lun) {
        this.portal = VolumeSnapshotSpec.requireText(portal, "iSCSI portal");
        this.iqn = VolumeSnapshotSpec.requireText(iqn, "iSCSI target name");
        if (port <= 0 || port > 65535 || lun < 0) {
            throw new IllegalArgumentException("iSCSI port " + port + " / LUN " + lun + " out of range");
        }
        this.port = port;
        this.lun = lun;
    }

    /** The same LUN, logged in to with this CHAP user and secret. */
    public IscsiLun withChap(String user, Secret secret) {
        IscsiLun withChap = new IscsiLun(portal, port, iqn, lun);
        withChap.chapUser = VolumeSnapshotSpec.requireText(user, "CHAP user");
        withChap.chapSecret = Objects.requireNonNull(secret, "CHAP secret").reveal();
        return withChap;
    }

    /** The CHAP user the host logs in as; empty: the target asks for no authentication. */
    public Optional<String> getChapUser() {
        return Optional.ofNullable(chapUser);
    }

    /** The CHAP secret, present exactly when {@link #getChapUser()} is. */
    public Optional<Secret> getChapSecret() {
        return Optional.ofNullable(chapSecret).map(Secret::of);
    }

    /**
     * From CloudStack's managed-volume iSCSI name ({@code /<iqn>/<lun>}, as the KVM agent's iSCSI adaptor reads it) and
     * the pool's portal address.
     */
    public static IscsiLun fromIscsiName(String portal, String iscsiName) {
        String name = VolumeSnapshotSpec.requireText(iscsiName, "iSCSI name");
        String[] parts = name.startsWith("/") ? name.substring(1).split("/") : name.split("/");
        if (parts.length != 2) {
            throw new IllegalArgumentException("iSCSI name " + iscsiName + " is not /<iqn>/<lun>");
        }
        return new IscsiLun(portal, DEFAULT_PORT, parts[0], Integer.parseInt(parts[1]));
    }

    public String getPortal() {
        return portal;
    }

    public int getPort() {
        return port;
    }

    public String getIqn() {
        return iqn;
    }

    public int getLun() {
        return lun;
    }

    /** The URL QEMU's built-in initiator (libiscsi) opens: no kernel initiator, no iscsiadm login needed. */
    public String url() {
        return "iscsi://" + portal + ":" + port + "/" + iqn + "/" + lun;
    }

    @Override
    public boolean equals(Object o) {
        if (!(o instanceof IscsiLun)) {
            return false;
        }
        IscsiLun other = (IscsiLun) o;
        return port == other.port && lun == other.lun && portal.equals(other.portal) && iqn.equals(other.iqn)
                && Objects.equals(chapUser, other.chapUser) && Objects.equals(chapSecret, other.chapSecret);
    }

    @Override
    public int hashCode() {
        return Objects.hash(portal, port, iqn, lun, chapUser);
    }

    @Override
    public String toString() {
        return url();
    }
}
