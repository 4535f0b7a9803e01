// Licensed under the Apache License, Version 2.0. See LICENSE in the project root.
package org.apache.cloudstack.engine.subsystem.api.storage;

public enum DataStoreCapabilities {
    VOLUME_SNAPSHOT_QUIESCEVM, STORAGE_SYSTEM_SNAPSHOT, CAN_CREATE_VOLUME_FROM_SNAPSHOT, CAN_CREATE_VOLUME_FROM_VOLUME,
    CAN_REVERT_VOLUME_TO_SNAPSHOT, CAN_COPY_SNAPSHOT_BETWEEN_ZONES_AND_SAME_POOL_TYPE, CAN_CREATE_TEMPLATE_FROM_SNAPSHOT
}
