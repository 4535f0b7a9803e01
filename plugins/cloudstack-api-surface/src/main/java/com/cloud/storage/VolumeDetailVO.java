// Licensed under the Apache License, Version 2.0. See LICENSE in the project root.
package com.cloud.storage;

import org.apache.cloudstack.api.ResourceDetail;

public class VolumeDetailVO implements ResourceDetail {
    public long getId() {
        throw new UnsupportedOperationException();
    }

    public long getResourceId() {
        throw new UnsupportedOperationException();
    }

    public String getName() {
        throw new UnsupportedOperationException();
    }

    public String getValue() {
        throw new UnsupportedOperationException();
    }

    public boolean isDisplay() {
        throw new UnsupportedOperationException();
    }
}
