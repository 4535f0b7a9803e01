// Licensed under the Apache License, Version 2.0. See LICENSE in the project root.
package org.apache.cloudstack.storage.to;

import com.cloud.agent.api.to.DataTO;

public class VolumeObjectTO extends DownloadableObjectTO implements DataTO {
    private String path;
    private Long size;

    public VolumeObjectTO() {
    }

    @Override
    public String getPath() {
        return path;
    }

    public void setPath(String path) {
        this.path = path;
    }

    public Long getSize() {
        return size;
    }

    public void setSize(long size) {
        this.size = size;
    }
}
