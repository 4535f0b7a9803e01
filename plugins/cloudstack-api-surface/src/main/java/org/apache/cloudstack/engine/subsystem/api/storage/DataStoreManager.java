// Licensed under the Apache License, Version 2.0. See LICENSE in the project root.
package org.apache.cloudstack.engine.subsystem.api.storage;

import com.cloud.storage.DataStoreRole;

public interface DataStoreManager {
    DataStore getDataStore(long storeId, DataStoreRole role);

    DataStore getImageStoreWithFreeCapacity(long zoneId);

    Long getStoreZoneId(long storeId, DataStoreRole role);
}
