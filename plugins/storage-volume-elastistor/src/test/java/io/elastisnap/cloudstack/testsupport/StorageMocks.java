// Licensed under the Apache License, Version 2.0. See LICENSE in the project root.
package io.elastisnap.cloudstack.testsupport;

import static org.mockito.Mockito.mock;
import static org.mockito.Mockito.when;

import org.apache.cloudstack.engine.subsystem.api.storage.DataStore;
import org.apache.cloudstack.engine.subsystem.api.storage.VolumeInfo;

import com.cloud.agent.api.to.DataObjectType;

/** The DataStore and VolumeInfo CloudStack hands the driver, as mocks over the in-memory rows. */
public final class StorageMocks {
    private StorageMocks() {
    }

    public static DataStore store(long poolId) {
        DataStore store = mock(DataStore.class);
        when(store.getId()).thenReturn(poolId);
        when(store.getName()).thenReturn("pool-" + poolId);
        return store;
    }

    public static VolumeInfo volumeInfo(Entities.Vol volume, long poolId) {
        VolumeInfo info = mock(VolumeInfo.class);
        when(info.getId()).thenReturn(volume.id);
        when(info.getUuid()).thenReturn(volume.uuid);
        when(info.getType()).thenReturn(DataObjectType.VOLUME);
        when(info.getSize()).thenReturn(volume.size);
        when(info.getMaxIops()).thenReturn(volume.maxIops);
        DataStore store = store(poolId);
        when(info.getDataStore()).thenReturn(store);
        return info;
    }
}
