// Licensed under the Apache License, Version 2.0. See LICENSE in the project root.
package com.cloud.vm.dao;

import com.cloud.utils.db.GenericDao;
import com.cloud.vm.VMInstanceVO;

public interface VMInstanceDao extends GenericDao<VMInstanceVO, Long> {
}
