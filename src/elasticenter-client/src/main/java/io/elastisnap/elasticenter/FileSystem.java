// Licensed under the Apache License, Version 2.0. See LICENSE in the project root.
package io.elastisnap.elasticenter;

import java.util.Optional;
import java.util.OptionalLong;

/**
 * A volume as {@code listFileSystem}, {@code updateFileSystem} and {@code cloneDatasetSnapshot} report it. Note
 * {@code path} is the IQN for iSCSI volumes and {@code /<mountpoint>} for NFS, not the ZFS path (see
 * {@link CreatedVolume#zfsPath()}); the TSM id arrives as {@code Tsmid} with a capital T.
 */
public final class FileSystem {
    private final String id;
    private final String name;
    private final Optional<String> type;
    private final Optional<String> tsmId;
    private final Optional<String> tsmName;
    private final Optional<String> accountId;
    private final Optional<String> accountName;
    private final Optional<String> poolId;
    private final Optional<String> poolName;
    private final Optional<String> qosGroupId;
    private final Optional<String> qosGroupName;
    private final Optional<String> path;
    private final Optional<String> iqn;
    private final Optional<String> ipAddress;
    private final Optional<String> mountpoint;
    private final Optional<String> initiatorGroup;
    private final Optional<String> status;
    private final Optional<String> quota;
    private final OptionalLong quotaBytes;
    private final OptionalLong totalSpaceBytes;
    private final OptionalLong availableSpaceBytes;
    private final OptionalLong usedSpaceBytes;
    private final OptionalLong iops;
    private final Optional<Boolean> readOnly;
    private final Optional<Boolean> iscsiEnabled;
    private final Optional<Boolean> nfsEnabled;
    private final ApiRecord record;

    private FileSystem(ApiRecord r) {
        this.id = r.requireString("id");
        this.name = r.requireString("name");
        this.type = r.string("type");
        this.tsmId = r.string("Tsmid");
        this.tsmName = r.string("tsmName");
        this.accountId = r.string("accountid");
        this.accountName = r.string("accountname");
        this.poolId = r.string("poolid");
        this.poolName = r.string("hapoolname");
        this.qosGroupId = r.string("groupid");
        this.qosGroupName = r.string("groupname");
        this.path = r.string("path");
        this.iqn = r.string("iqnname");
        this.ipAddress = r.string("ipaddress");
        this.mountpoint = r.string("mountpoint");
        this.initiatorGroup = r.string("initiatorgroup");
        this.status = r.string("status");
        this.quota = r.string("quota");
        OptionalLong fromQuota = r.sizeBytes("quota");
        this.quotaBytes = fromQuota.isPresent() ? fromQuota : r.mebibytesAsBytes("numericquota");
        this.totalSpaceBytes = r.mebibytesAsBytes("currentTotalSpace");
        this.availableSpaceBytes = r.mebibytesAsBytes("currentAvailableSpace");
        this.usedSpaceBytes = r.mebibytesAsBytes("currentUsedSpace");
        this.iops = r.integer("iops");
        this.readOnly = r.bool("readonly");
        this.iscsiEnabled = r.bool("iscsienabled");
        this.nfsEnabled = r.bool("nfsenabled");
        this.record = r;
    }

    public static FileSystem from(ApiRecord record) {
        return new FileSystem(record);
    }

    public String id() {
        return id;
    }

    public String name() {
        return name;
    }

    /** {@code volume} (iSCSI/FC) or {@code filesystem} (NFS/CIFS). */
    public Optional<String> type() {
        return type;
    }

    public Optional<String> tsmId() {
        return tsmId;
    }

    public Optional<String> tsmName() {
        return tsmName;
    }

    public Optional<String> accountId() {
        return accountId;
    }

    public Optional<String> accountName() {
        return accountName;
    }

    public Optional<String> poolId() {
        return poolId;
    }

    public Optional<String> poolName() {
        return poolName;
    }

    /** {@code groupid}: the QoS group that updateQosGroup changes. */
    public Optional<String> qosGroupId() {
        return qosGroupId;
    }

    public Optional<String> qosGroupName() {
        return qosGroupName;
    }

    /** The IQN (iSCSI) or {@code /<mountpoint>} (NFS); never the ZFS path. */
    public Optional<String> path() {
        return path;
    }

    /** The iSCSI target name; empty for NFS volumes. */
    public Optional<String> iqn() {
        return iqn;
    }

    /** The TSM's data IP; the iSCSI portal is {@code ipAddress:3260}. */
    public Optional<String> ipAddress() {
        return ipAddress;
    }

    public Optional<String> mountpoint() {
        return mountpoint;
    }

    /** {@code ALL}/{@code None}; only present on iSCSI volumes after a group was assigned. */
    public Optional<String> initiatorGroup() {
        return initiatorGroup;
    }

    public Optional<String> status() {
        return status;
    }

    /** The quota as the server wrote it, e.g. {@code 10G}. */
    public Optional<String> quota() {
        return quota;
    }

    /** The quota in bytes, from {@code quota} or else {@code numericquota} (MiB). */
    public OptionalLong quotaBytes() {
        return quotaBytes;
    }

    public OptionalLong totalSpaceBytes() {
        return totalSpaceBytes;
    }

    public OptionalLong availableSpaceBytes() {
        return availableSpaceBytes;
    }

    public OptionalLong usedSpaceBytes() {
        return usedSpaceBytes;
    }

    public OptionalLong iops() {
        return iops;
    }

    public Optional<Boolean> readOnly() {
        return readOnly;
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
        return "FileSystem[" + name + " " + id + type.map(t -> ", " + t).orElse("")
                + quota.map(q -> ", " + q).orElse("") + "]";
    }
}
