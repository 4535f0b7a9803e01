// Licensed under the Apache License, Version 2.0. See LICENSE in the project root.
package org.apache.cloudstack.engine.subsystem.api.storage;

import com.cloud.storage.DataStoreRole;

public interface DataStore {
    DataStoreDriver getDriver();

    DataStoreRole getRole();

    long getId();

    String getUuid();

    String getUri();

    String getName();

    DataObject create(DataObject obj);

    boolean delete(DataObject obj);
}
