// Licensed under the Apache License, Version 2.0. See LICENSE in the project root.
package org.apache.cloudstack.storage.to;

import com.cloud.agent.api.to.DataTO;

public class SnapshotObjectTO extends DownloadableObjectTO implements DataTO {
    private String path;
    private Long physicalSize = (long) 0;

    public SnapshotObjectTO() {
    }

    @Override
    public String getPath() {
        return path;
    }

    public void setPath(String path) {
        this.path = path;
    }

    public Long getPhysicalSize() {
        return this.physicalSize;
    }

    public void setPhysicalSize(Long physicalSize) {
        this.physicalSize = physicalSize;
    }
}
