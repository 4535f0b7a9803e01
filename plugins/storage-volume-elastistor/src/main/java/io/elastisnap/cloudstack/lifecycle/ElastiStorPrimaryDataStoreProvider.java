// Licensed under the Apache License, Version 2.0. See LICENSE in the project root.
package io.elastisnap.cloudstack.lifecycle;

import java.util.Collections;
import java.util.Map;
import java.util.Set;

import javax.inject.Inject;

import org.apache.cloudstack.engine.subsystem.api.storage.DataStoreDriver;
import org.apache.cloudstack.engine.subsystem.api.storage.DataStoreLifeCycle;
import org.apache.cloudstack.engine.subsystem.api.storage.HypervisorHostListener;
import org.apache.cloudstack.engine.subsystem.api.storage.PrimaryDataStoreProvider;

import io.elastisnap.cloudstack.ElastiStorPool;
import io.elastisnap.cloudstack.driver.ElastiStorPrimaryDataStoreDriver;

/**
 * {@code createStoragePool provider=ElastiStor}. The lifecycle, driver and host listener are beans of this module's
 * Spring context (so they can use the plugin's own beans), not ComponentContext.inject products.
 */
public class ElastiStorPrimaryDataStoreProvider implements PrimaryDataStoreProvider {
    @Inject
    private ElastiStorPrimaryDataStoreLifeCycle lifeCycle;
    @Inject
    private ElastiStorPrimaryDataStoreDriver driver;
    @Inject
    private ElastiStorHostListener hostListener;

    @Override
    public DataStoreLifeCycle getDataStoreLifeCycle() {
        return lifeCycle;
    }

    @Override
    public DataStoreDriver getDataStoreDriver() {
        return driver;
    }

    @Override
    public HypervisorHostListener getHostListener() {
        return hostListener;
    }

    @Override
    public String getName() {
        return ElastiStorPool.PROVIDER_NAME;
    }

    @Override
    public boolean configure(Map<String, Object> params) {
        return lifeCycle != null && driver != null && hostListener != null;
    }

    @Override
    public Set<DataStoreProviderType> getTypes() {
        return Collections.singleton(DataStoreProviderType.PRIMARY);
    }
}
