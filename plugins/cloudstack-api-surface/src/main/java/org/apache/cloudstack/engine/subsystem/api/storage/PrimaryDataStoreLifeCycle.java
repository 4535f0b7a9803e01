// Licensed under the Apache License, Version 2.0. See LICENSE in the project root.
package org.apache.cloudstack.engine.subsystem.api.storage;

import com.cloud.hypervisor.Hypervisor;
import com.cloud.storage.StoragePool;
import java.util.Map;

public interface PrimaryDataStoreLifeCycle extends DataStoreLifeCycle {
    String CAPACITY_BYTES = "capacityBytes";
    String CAPACITY_IOPS = "capacityIops";

    void updateStoragePool(StoragePool storagePool, Map<String, String> details);

    void enableStoragePool(DataStore store);

    void disableStoragePool(DataStore store);

    void changeStoragePoolScopeToZone(DataStore store, ClusterScope clusterScope, Hypervisor.HypervisorType hypervisorType);

    void changeStoragePoolScopeToCluster(DataStore store, ClusterScope clusterScope, Hypervisor.HypervisorType hypervisorType);
}
