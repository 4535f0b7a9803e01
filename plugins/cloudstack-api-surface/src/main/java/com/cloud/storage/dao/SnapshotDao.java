// Licensed under the Apache License, Version 2.0. See LICENSE in the project root.
package com.cloud.storage.dao;

import com.cloud.storage.SnapshotVO;
import com.cloud.utils.db.GenericDao;
import java.util.List;

public interface SnapshotDao extends GenericDao<SnapshotVO, Long> {
    List<SnapshotVO> listByVolumeId(long volumeId);
}
