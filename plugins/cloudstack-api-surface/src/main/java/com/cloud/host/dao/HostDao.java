// Licensed under the Apache License, Version 2.0. See LICENSE in the project root.
package com.cloud.host.dao;

import java.util.List;

import org.apache.cloudstack.engine.subsystem.api.storage.VolumeInfo;

import com.cloud.host.HostVO;
import com.cloud.hypervisor.Hypervisor.HypervisorType;
import com.cloud.utils.db.GenericDao;

public interface HostDao extends GenericDao<HostVO, Long> {
    List<HostVO> findByClusterId(Long clusterId);

    List<HostVO> listAllHostsUpByZoneAndHypervisor(long zoneId, HypervisorType hypervisorType);

    Long findClusterIdByVolumeInfo(VolumeInfo volumeInfo);
}
