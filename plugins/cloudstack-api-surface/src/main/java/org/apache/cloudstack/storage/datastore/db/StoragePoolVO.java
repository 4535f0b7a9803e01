// Licensed under the Apache License, Version 2.0. See LICENSE in the project root.
package org.apache.cloudstack.storage.datastore.db;

import com.cloud.storage.Storage.StoragePoolType;
import com.cloud.storage.StoragePool;

public class StoragePoolVO implements StoragePool {

    public long getId() {
        throw new UnsupportedOperationException();
    }

    public String getUuid() {
        throw new UnsupportedOperationException();
    }

    public String getName() {
        throw new UnsupportedOperationException();
    }

    public StoragePoolType getPoolType() {
        throw new UnsupportedOperationException();
    }

    public long getDataCenterId() {
        throw new UnsupportedOperationException();
    }

    public long getCapacityBytes() {
        throw new UnsupportedOperationException();
    }

    public Long getCapacityIops() {
        throw new UnsupportedOperationException();
    }

    public String getStorageProviderName() {
        throw new UnsupportedOperationException();
    }

    public boolean isManaged() {
        throw new UnsupportedOperationException();
    }

    public boolean isInMaintenance() {
        throw new UnsupportedOperationException();
    }

    public void setUsedBytes(long usedBytes) {
        throw new UnsupportedOperationException();
    }

    public long getUsedBytes() {
        throw new UnsupportedOperationException();
    }

    public com.cloud.hypervisor.Hypervisor.HypervisorType getHypervisor() {
        throw new UnsupportedOperationException();
    }

    public Long getClusterId() {
        throw new UnsupportedOperationException();
    }

    public String getHostAddress() {
        throw new UnsupportedOperationException();
    }
}
