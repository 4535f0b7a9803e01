// Licensed under the Apache License, Version 2.0. See LICENSE in the project root.
package com.cloud.storage.dao;

import com.cloud.storage.SnapshotZoneVO;
import com.cloud.utils.db.GenericDao;

public interface SnapshotZoneDao extends GenericDao<SnapshotZoneVO, Long> {
    void addSnapshotToZone(long snapshotId, long zoneId);
}
