// Licensed under the Apache License, Version 2.0. See LICENSE in the project root.
package com.cloud.storage.dao;

import com.cloud.storage.StoragePoolHostVO;
import com.cloud.utils.db.GenericDao;

public interface StoragePoolHostDao extends GenericDao<StoragePoolHostVO, Long> {
    public StoragePoolHostVO findByPoolHost(long poolId, long hostId);

    public void deleteStoragePoolHostDetails(long hostId, long poolId);
}
