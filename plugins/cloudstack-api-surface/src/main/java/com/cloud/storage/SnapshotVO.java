// Licensed under the Apache License, Version 2.0. See LICENSE in the project root.
package com.cloud.storage;

import java.util.Date;

public class SnapshotVO implements Snapshot {

    public long getId() {
        throw new UnsupportedOperationException();
    }

    public String getUuid() {
        throw new UnsupportedOperationException();
    }

    public long getAccountId() {
        throw new UnsupportedOperationException();
    }

    public long getDomainId() {
        throw new UnsupportedOperationException();
    }

    public String getName() {
        throw new UnsupportedOperationException();
    }

    public long getVolumeId() {
        throw new UnsupportedOperationException();
    }

    public LocationType getLocationType() {
        throw new UnsupportedOperationException();
    }

    public com.cloud.hypervisor.Hypervisor.HypervisorType getHypervisorType() {
        throw new UnsupportedOperationException();
    }

    public Date getCreated() {
        throw new UnsupportedOperationException();
    }

    public State getState() {
        throw new UnsupportedOperationException();
    }

    public void setState(State state) {
        throw new UnsupportedOperationException();
    }

    public short getSnapshotType() {
        throw new UnsupportedOperationException();
    }
}
