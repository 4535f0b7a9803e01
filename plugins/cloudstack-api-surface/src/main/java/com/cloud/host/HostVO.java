// Licensed under the Apache License, Version 2.0. See LICENSE in the project root.
package com.cloud.host;

public class HostVO implements Host {
    protected HostVO() {
    }

    public long getId() {
        throw new UnsupportedOperationException();
    }

    public String getUuid() {
        throw new UnsupportedOperationException();
    }

    public String getName() {
        throw new UnsupportedOperationException();
    }

    public String getStorageUrl() {
        throw new UnsupportedOperationException();
    }

    public Long getClusterId() {
        throw new UnsupportedOperationException();
    }
}
