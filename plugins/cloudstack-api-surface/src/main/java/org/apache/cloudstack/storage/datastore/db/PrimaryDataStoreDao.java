// Licensed under the Apache License, Version 2.0. See LICENSE in the project root.
package org.apache.cloudstack.storage.datastore.db;

import com.cloud.utils.db.GenericDao;
import java.util.List;

public interface PrimaryDataStoreDao extends GenericDao<StoragePoolVO, Long> {
    List<StoragePoolVO> findPoolsByProvider(String provider);
}
