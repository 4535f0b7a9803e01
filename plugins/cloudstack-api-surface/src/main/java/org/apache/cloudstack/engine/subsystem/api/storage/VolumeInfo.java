// Licensed under the Apache License, Version 2.0. See LICENSE in the project root.
package org.apache.cloudstack.engine.subsystem.api.storage;

import com.cloud.storage.Volume;

public interface VolumeInfo extends DataObject, Volume {
    Object getpayload();

    boolean stateTransit(Volume.Event event);
}
