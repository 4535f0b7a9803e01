// Licensed under the Apache License, Version 2.0. See LICENSE in the project root.
package org.apache.cloudstack.engine.subsystem.api.storage;

import java.util.Map;
import java.util.Set;

public interface DataStoreProvider {
    String NFS_IMAGE = "NFS";
    String S3_IMAGE = "S3";
    String SWIFT_IMAGE = "Swift";
    String SAMPLE_IMAGE = "Sample";
    String SMB = "NFS";
    String DEFAULT_PRIMARY = "DefaultPrimary";

    enum DataStoreProviderType {
        PRIMARY, IMAGE, ImageCache, OBJECT
    }

    DataStoreLifeCycle getDataStoreLifeCycle();

    DataStoreDriver getDataStoreDriver();

    HypervisorHostListener getHostListener();

    String getName();

    boolean configure(Map<String, Object> params);

    Set<DataStoreProviderType> getTypes();
}
