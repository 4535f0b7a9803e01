// Licensed under the Apache License, Version 2.0. See LICENSE in the project root.
package org.apache.cloudstack.framework.config.dao;

import org.apache.cloudstack.framework.config.impl.ConfigurationVO;

import com.cloud.utils.db.GenericDao;

public interface ConfigurationDao extends GenericDao<ConfigurationVO, String> {
    String getValue(String name);

    String getValueAndInitIfNotExist(String name, String category, String initValue, String desc);
}
