// Licensed under the Apache License, Version 2.0. See LICENSE in the project root.
package org.apache.cloudstack.storage.datastore.db;

import com.cloud.storage.DataStoreRole;
import com.cloud.utils.db.GenericDao;
import java.util.List;

public interface SnapshotDataStoreDao extends GenericDao<SnapshotDataStoreVO, Long> {
    SnapshotDataStoreVO findByStoreSnapshot(DataStoreRole role, long storeId, long snapshotId);

    List<SnapshotDataStoreVO> listBySnapshotAndDataStoreRole(long snapshotId, DataStoreRole role);

    List<SnapshotDataStoreVO> listByStoreId(long id, DataStoreRole role);
}
