// Licensed under the Apache License, Version 2.0. See LICENSE in the project root.
package com.cloud.storage.dao;

import org.apache.cloudstack.resourcedetail.ResourceDetailsDao;

import com.cloud.storage.VolumeDetailVO;
import com.cloud.utils.db.GenericDao;

public interface VolumeDetailsDao extends GenericDao<VolumeDetailVO, Long>, ResourceDetailsDao<VolumeDetailVO> {
}
