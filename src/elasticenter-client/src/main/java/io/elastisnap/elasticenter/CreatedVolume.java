// Licensed under the Apache License, Version 2.0. See LICENSE in the project root.
package io.elastisnap.elasticenter;

import java.util.Optional;
import java.util.OptionalLong;

/**
 * The {@code jobresult.storage} of a finished createVolume job. Its {@code path} is the volume's ZFS dataset
 * ({@code <pool>/<account><tsm>/<volume>}), the prefix of every snapshot path; listFileSystem does not report it.
 */
public final class CreatedVolume {
    private final String id;
    private final String name;
    private final String zfsPath;
    private final Optional<String> tsmId;
    private final Optional<String> tsmName;
    private final Optional<String> poolId;
    private final Optional<String> poolName;
    private final Optional<String> mountpoint;
    private final OptionalLong quotaBytes;
    private final Optional<Boolean> iscsiEnabled;
    private final Optional<Boolean> nfsEnabled;
    private final ApiRecord record;

    private CreatedVolume(ApiRecord r) {
        this.id = r.requireString("id");
        this.name = r.requireString("name");
        this.zfsPath = r.requireString("path");
        this.tsmId = r.string("tsmid");
        this.tsmName = r.string("tsmName");
        this.poolId = r.string("poolid");
        this.poolName = r.string("hapoolname");
        this.mountpoint = r.string("mountpoint");
        this.quotaBytes = r.sizeBytes("quota");
        this.iscsiEnabled = r.bool("iscsienabled");
        this.nfsEnabled = r.bool("nfsenabled");
        this.record = r;
    }

    public static CreatedVolume from(ApiRecord record) {
        return new CreatedVolume(record);
    }

    public String id() {
        return id;
    }

    public String name() {
        return name;
    }

    /** The ZFS dataset path, e.g. {@code Pool1/Account1vsm1/vol1}; snapshot paths are {@code <zfsPath>@<name>}. */
    public String zfsPath() {
        return zfsPath;
    }

    /** The path a snapshot of this volume named {@code snapshotName} has. */
    public String snapshotPath(String snapshotName) {
        return zfsPath + "@" + snapshotName;
    }

    public Optional<String> tsmId() {
        return tsmId;
    }

    public Optional<String> tsmName() {
        return tsmName;
    }

    public Optional<String> poolId() {
        return poolId;
    }

    public Optional<String> poolName() {
        return poolName;
    }

    public Optional<String> mountpoint() {
        return mountpoint;
    }

    /** {@code quota} ("10G") in bytes. */
    public OptionalLong quotaBytes() {
        return quotaBytes;
    }

    public Optional<Boolean> iscsiEnabled() {
        return iscsiEnabled;
    }

    public Optional<Boolean> nfsEnabled() {
        return nfsEnabled;
    }

    public ApiRecord record() {
        return record;
    }

    @Override
    public String toString() {
        return "CreatedVolume[" + name + " " + id + ", " + zfsPath + "]";
    }
}
