// Licensed under the Apache License, Version 2.0. See LICENSE in the project root.
package io.elastisnap.simulator;

/** Ids and names of the account, TSM and pool the simulator seeds at first start. */
public final class SimDefaults {
    private final String accountId;
    private final String accountName;
    private final String tsmId;
    private final String tsmName;
    private final String tsmDatasetId;
    private final String tsmIpAddress;
    private final String poolName;

    SimDefaults(String accountId, String accountName, String tsmId, String tsmName, String tsmDatasetId,
                String tsmIpAddress, String poolName) {
        this.accountId = accountId;
        this.accountName = accountName;
        this.tsmId = tsmId;
        this.tsmName = tsmName;
        this.tsmDatasetId = tsmDatasetId;
        this.tsmIpAddress = tsmIpAddress;
        this.poolName = poolName;
    }

    public String accountId() {
        return accountId;
    }

    public String accountName() {
        return accountName;
    }

    public String tsmId() {
        return tsmId;
    }

    public String tsmName() {
        return tsmName;
    }

    /** The TSM's own dataset id, passed as datasetid to addQosGroup and createVolume. */
    public String tsmDatasetId() {
        return tsmDatasetId;
    }

    /** The TSM's data IP (the iSCSI portal is this address, port 3260). */
    public String tsmIpAddress() {
        return tsmIpAddress;
    }

    /** The HA pool, first component of every ZFS path. */
    public String poolName() {
        return poolName;
    }

    @Override
    public String toString() {
        return "SimDefaults[account " + accountName + " " + accountId + ", tsm " + tsmName + " " + tsmId
                + ", dataset " + tsmDatasetId + ", pool " + poolName + "]";
    }
}
