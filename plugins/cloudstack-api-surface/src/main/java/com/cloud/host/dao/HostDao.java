// Licensed under the Apache License, Version 2.0. See LICENSE in the project root.
package com.cloud.host.dao;

import com.cloud.host.HostVO;
import com.cloud.utils.db.GenericDao;

public interface HostDao extends GenericDao<HostVO, Long> {
}
