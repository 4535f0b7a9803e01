// Licensed under the Apache License, Version 2.0. See LICENSE in the project root.
package org.apache.cloudstack.engine.subsystem.api.storage;

import com.cloud.storage.Snapshot;

public interface SnapshotInfo extends DataObject, Snapshot {
    String getPath();

    VolumeInfo getBaseVolume();

    Object getPayload();

    Long getDataCenterId();
}
