// Licensed under the Apache License, Version 2.0. See LICENSE in the project root.
package com.cloud.vm.snapshot.dao;

import com.cloud.utils.db.GenericDao;
import com.cloud.vm.snapshot.VMSnapshotVO;
import java.util.List;

public interface VMSnapshotDao extends GenericDao<VMSnapshotVO, Long> {
    List<VMSnapshotVO> findByVm(Long vmId);

    VMSnapshotVO findCurrentSnapshotByVmId(Long vmId);
}
