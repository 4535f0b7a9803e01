// Licensed under the Apache License, Version 2.0. See LICENSE in the project root.
package org.apache.cloudstack.storage.volume.datastore;

import com.cloud.hypervisor.Hypervisor.HypervisorType;
import org.apache.cloudstack.engine.subsystem.api.storage.ClusterScope;
import org.apache.cloudstack.engine.subsystem.api.storage.DataStore;
import org.apache.cloudstack.engine.subsystem.api.storage.PrimaryDataStoreParameters;

public class PrimaryDataStoreHelper {

    public DataStore createPrimaryDataStore(PrimaryDataStoreParameters params) {
        throw new UnsupportedOperationException();
    }

    public DataStore attachCluster(DataStore store) {
        throw new UnsupportedOperationException();
    }

    public DataStore attachZone(DataStore store, HypervisorType hypervisor) {
        throw new UnsupportedOperationException();
    }

    public boolean maintain(DataStore store) {
        throw new UnsupportedOperationException();
    }

    public boolean cancelMaintain(DataStore store) {
        throw new UnsupportedOperationException();
    }

    public boolean disable(DataStore store) {
        throw new UnsupportedOperationException();
    }

    public boolean enable(DataStore store) {
        throw new UnsupportedOperationException();
    }

    public boolean deletePrimaryDataStore(DataStore store) {
        throw new UnsupportedOperationException();
    }

    public void switchToZone(DataStore store, HypervisorType hypervisorType) {
        throw new UnsupportedOperationException();
    }

    public void switchToCluster(DataStore store, ClusterScope clusterScope) {
        throw new UnsupportedOperationException();
    }
}
