// Licensed under the Apache License, Version 2.0. See LICENSE in the project root.
package org.apache.cloudstack.storage.datastore.db;

import com.cloud.storage.DataStoreRole;
import org.apache.cloudstack.engine.subsystem.api.storage.ObjectInDataStoreStateMachine;

public class SnapshotDataStoreVO {

    public long getId() {
        throw new UnsupportedOperationException();
    }

    public long getSnapshotId() {
        throw new UnsupportedOperationException();
    }

    public long getDataStoreId() {
        throw new UnsupportedOperationException();
    }

    public DataStoreRole getRole() {
        throw new UnsupportedOperationException();
    }

    public long getPhysicalSize() {
        throw new UnsupportedOperationException();
    }

    public String getInstallPath() {
        throw new UnsupportedOperationException();
    }

    public ObjectInDataStoreStateMachine.State getState() {
        throw new UnsupportedOperationException();
    }

    public void setState(ObjectInDataStoreStateMachine.State state) {
        throw new UnsupportedOperationException();
    }
}
