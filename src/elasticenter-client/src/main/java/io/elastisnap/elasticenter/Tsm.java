// Licensed under the Apache License, Version 2.0. See LICENSE in the project root.
package io.elastisnap.elasticenter;

import java.util.Optional;
import java.util.OptionalLong;

/**
 * A TSM (tenant storage machine, "VSM") from {@code listTsm}. Its {@code datasetId} is what addQosGroup and
 * createVolume take as {@code datasetid}; its {@code ipAddress} is the data IP (iSCSI portal on port 3260).
 */
public final class Tsm {
    private final String id;
    private final String name;
    private final Optional<String> accountId;
    private final Optional<String> accountName;
    private final Optional<String> datasetId;
    private final Optional<String> ipAddress;
    private final Optional<String> poolId;
    private final Optional<String> poolName;
    private final Optional<String> status;
    private final OptionalLong iops;
    private final OptionalLong availableIops;
    private final OptionalLong quotaBytes;
    private final OptionalLong availableQuotaBytes;
    private final ApiRecord record;

    private Tsm(ApiRecord r) {
        this.id = r.requireString("id");
        this.name = r.requireString("name");
        this.accountId = r.string("accountid");
        this.accountName = r.string("accountname");
        this.datasetId = r.string("datasetid");
        this.ipAddress = r.string("ipaddress");
        this.poolId = r.string("poolid");
        this.poolName = r.string("hapoolname");
        this.status = r.string("status");
        this.iops = r.integer("iops");
        this.availableIops = r.integer("availIOPS");
        this.quotaBytes = r.mebibytesAsBytes("numericquota");
        this.availableQuotaBytes = r.mebibytesAsBytes("availablequota");
        this.record = r;
    }

    public static Tsm from(ApiRecord record) {
        return new Tsm(record);
    }

    public String id() {
        return id;
    }

    public String name() {
        return name;
    }

    public Optional<String> accountId() {
        return accountId;
    }

    public Optional<String> accountName() {
        return accountName;
    }

    /** The TSM's own dataset, the {@code datasetid} of addQosGroup and createVolume. */
    public Optional<String> datasetId() {
        return datasetId;
    }

    public Optional<String> ipAddress() {
        return ipAddress;
    }

    public Optional<String> poolId() {
        return poolId;
    }

    /** The HA pool name, the first component of every ZFS path in this TSM. */
    public Optional<String> poolName() {
        return poolName;
    }

    public Optional<String> status() {
        return status;
    }

    public OptionalLong iops() {
        return iops;
    }

    public OptionalLong availableIops() {
        return availableIops;
    }

    /** {@code numericquota} (MiB) in bytes. */
    public OptionalLong quotaBytes() {
        return quotaBytes;
    }

    /** {@code availablequota} (MiB) in bytes. */
    public OptionalLong availableQuotaBytes() {
        return availableQuotaBytes;
    }

    public ApiRecord record() {
        return record;
    }

    @Override
    public String toString() {
        return "Tsm[" + name + " " + id + datasetId.map(d -> ", dataset " + d).orElse("") + "]";
    }
}
