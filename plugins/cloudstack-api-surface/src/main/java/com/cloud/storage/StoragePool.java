// Licensed under the Apache License, Version 2.0. See LICENSE in the project root.
package com.cloud.storage;

import org.apache.cloudstack.api.Identity;
import org.apache.cloudstack.api.InternalIdentity;

public interface StoragePool extends Identity, InternalIdentity {
    String getName();

    Storage.StoragePoolType getPoolType();

    long getDataCenterId();

    long getCapacityBytes();

    Long getCapacityIops();

    String getStorageProviderName();

    boolean isManaged();

    boolean isInMaintenance();
}
