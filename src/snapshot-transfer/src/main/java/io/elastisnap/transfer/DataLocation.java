// Licensed under the Apache License, Version 2.0. See LICENSE in the project root.
package io.elastisnap.transfer;

import com.google.gson.JsonObject;

import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.regex.Pattern;

/**
 * Where the bytes of a volume (or of a snapshot's temporary clone) can be read or written on this host: a local path
 * (an image file, or the {@code /dev/disk/by-path/...-iscsi-<iqn>-lun-N} device of a LUN logged in with iscsiadm, as
 * CloudStack's KVM agent does), or an {@code iscsi://host[:port]/<iqn>/<lun>} URL that qemu-img's built-in libiscsi
 * initiator opens in user space (no kernel initiator needed). qemu-img treats both alike, so every transfer works with
 * either. An iSCSI location may carry a {@link ChapLogin}: qemu-img then logs in with its user and the secret object
 * {@value #CHAP_SECRET_ID}, which {@link QemuImg} defines from its standard input.
 */
public final class DataLocation {
    /** The id of the qemu secret object that holds the CHAP secret (qemu-img's {@code --object secret,id=...}). */
    static final String CHAP_SECRET_ID = "es-chap";
    private static final Pattern IQN = Pattern.compile("(iqn\\.[0-9]{4}-[0-9]{2}\\.[^\\s/]+|eui\\.[0-9A-Fa-f]{16})");
    private final Path path;
    private final String url;
    private final ChapLogin chap;

    private DataLocation(Path path, String url, ChapLogin chap) {
        this.path = path;
        this.url = url;
        this.chap = chap;
    }

    /** A local image file or block device. */
    public static DataLocation path(Path path) {
        return new DataLocation(Objects.requireNonNull(path, "path").toAbsolutePath(), null, null);
    }

    /** An iSCSI LUN read through qemu-img's user-space initiator, without authentication. */
    public static DataLocation iscsi(String host, int port, String iqn, int lun) {
        return iscsi(host, port, iqn, lun, null);
    }

    /** An iSCSI LUN read through qemu-img's user-space initiator, logging in with {@code chap} (null: none). */
    public static DataLocation iscsi(String host, int port, String iqn, int lun, ChapLogin chap) {
        if (host == null || host.isBlank() || host.contains("/") || host.contains("@")) {
            throw new IllegalArgumentException("iSCSI portal host '" + host + "' is not a host name or address");
        }
        if (port < 1 || port > 65535) {
            throw new IllegalArgumentException("iSCSI portal port " + port + " is out of range 1-65535");
        }
        if (iqn == null || !IQN.matcher(iqn).matches()) {
            throw new IllegalArgumentException("'" + iqn + "' is not an iSCSI target name (iqn.YYYY-MM.<authority>[:id])");
        }
        if (lun < 0 || lun > 16383) {
            throw new IllegalArgumentException("iSCSI LUN " + lun + " is out of range 0-16383");
        }
        String hostPart = host.contains(":") ? "[" + host + "]" : host;
        return new DataLocation(null, "iscsi://" + hostPart + ":" + port + "/" + iqn + "/" + lun, chap);
    }

    /** How it reads in messages and manifests. */
    public String qemuName() {
        return path != null ? path.toString() : url;
    }

    /**
     * The protocol layer's options: a file name, or the iSCSI driver's portal, target and LUN with its {@code timeout}
     * (seconds without an answer before a read fails, instead of waiting for ever on a dropped connection).
     */
    private Map<String, String> protocolOptions(int iscsiTimeoutSeconds) {
        Map<String, String> options = new LinkedHashMap<>();
        if (path != null) {
            options.put("filename", path.toString());
            return options;
        }
        String rest = url.substring("iscsi://".length());
        int slash = rest.indexOf('/');
        int lunSlash = rest.lastIndexOf('/');
        options.put("driver", "iscsi");
        options.put("transport", "tcp");
        options.put("portal", rest.substring(0, slash));
        options.put("target", rest.substring(slash + 1, lunSlash));
        options.put("lun", rest.substring(lunSlash + 1));
        options.put("timeout", Integer.toString(iscsiTimeoutSeconds));
        if (chap != null) {
            options.put("user", chap.user());
            options.put("password-secret", CHAP_SECRET_ID);
        }
        return options;
    }

    /** The raw image as qemu-img's {@code --image-opts}: one form for a file, a device and an iSCSI LUN. */
    String imageOpts(int iscsiTimeoutSeconds) {
        StringBuilder sb = new StringBuilder("driver=raw");
        protocolOptions(iscsiTimeoutSeconds).forEach((k, v) -> sb.append(",file.").append(k).append('=')
                .append(v.replace(",", ",,")));
        return sb.toString();
    }

    /** The raw image as a {@code json:} file name, for where qemu-img takes a name and no options (a backing file). */
    String jsonName(int iscsiTimeoutSeconds) {
        JsonObject file = new JsonObject();
        protocolOptions(iscsiTimeoutSeconds).forEach(file::addProperty);
        JsonObject raw = new JsonObject();
        raw.addProperty("driver", "raw");
        raw.add("file", file);
        return "json:" + raw;
    }

    /** The local path, when it is one. */
    public Optional<Path> localPath() {
        return Optional.ofNullable(path);
    }

    public boolean isIscsi() {
        return url != null;
    }

    /** The CHAP login qemu-img needs to open it, if any. */
    public Optional<ChapLogin> chap() {
        return Optional.ofNullable(chap);
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof DataLocation && qemuName().equals(((DataLocation) o).qemuName());
    }

    @Override
    public int hashCode() {
        return qemuName().hashCode();
    }

    @Override
    public String toString() {
        return qemuName();
    }
}
