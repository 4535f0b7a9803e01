// Licensed under the Apache License, Version 2.0. See LICENSE in the project root.
package com.cloud.vm.snapshot;

import org.apache.cloudstack.engine.subsystem.api.storage.VMSnapshotOptions;

public class VMSnapshotVO implements VMSnapshot {

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

    public Long getVmId() {
        throw new UnsupportedOperationException();
    }

    public java.util.Date getRemoved() {
        throw new UnsupportedOperationException();
    }

    public State getState() {
        throw new UnsupportedOperationException();
    }

    public Long getParent() {
        throw new UnsupportedOperationException();
    }

    public void setParent(Long parent) {
        throw new UnsupportedOperationException();
    }

    public Boolean getCurrent() {
        throw new UnsupportedOperationException();
    }

    public void setCurrent(Boolean current) {
        throw new UnsupportedOperationException();
    }

    public Type getType() {
        throw new UnsupportedOperationException();
    }

    public VMSnapshotOptions getOptions() {
        throw new UnsupportedOperationException();
    }
}
