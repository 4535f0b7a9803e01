// Licensed under the Apache License, Version 2.0. See LICENSE in the project root.
package com.cloud.storage.dao;

import com.cloud.storage.Volume;
import com.cloud.storage.VolumeVO;
import com.cloud.utils.db.GenericDao;
import java.util.List;

public interface VolumeDao extends GenericDao<VolumeVO, Long> {
    List<VolumeVO> findByInstance(long id);

    List<VolumeVO> findByPoolId(long poolId);

    List<VolumeVO> findByPoolId(long poolId, Volume.Type volumeType);
}
