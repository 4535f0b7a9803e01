// Licensed under the Apache License, Version 2.0. See LICENSE in the project root.
package com.cloud.storage;

import java.util.Date;

import com.cloud.storage.Storage.StoragePoolType;

public class VolumeVO implements Volume {
    protected VolumeVO() {
    }

    public long getId() {
        throw new UnsupportedOperationException();
    }

    public String getUuid() {
        throw new UnsupportedOperationException();
    }

    public long getAccountId() {
        throw new UnsupportedOperationException();
    }

    public long getDomainId() {
        throw new UnsupportedOperationException();
    }

    public String getName() {
        throw new UnsupportedOperationException();
    }

    public Long getSize() {
        throw new UnsupportedOperationException();
    }

    public Long getInstanceId() {
        throw new UnsupportedOperationException();
    }

    public Long getPoolId() {
        throw new UnsupportedOperationException();
    }

    public Volume.Type getVolumeType() {
        throw new UnsupportedOperationException();
    }

    public void setMinIops(Long minIops) {
        throw new UnsupportedOperationException();
    }

    public void setMaxIops(Long maxIops) {
        throw new UnsupportedOperationException();
    }

    public void setDiskOfferingId(long diskOfferingId) {
        throw new UnsupportedOperationException();
    }

    public void setPoolId(Long poolId) {
        throw new UnsupportedOperationException();
    }

    public String getPath() {
        throw new UnsupportedOperationException();
    }

    public void setPath(String path) {
        throw new UnsupportedOperationException();
    }

    public State getState() {
        throw new UnsupportedOperationException();
    }

    public String get_iScsiName() {
        throw new UnsupportedOperationException();
    }

    public void set_iScsiName(String iScsiName) {
        throw new UnsupportedOperationException();
    }

    public void setFolder(String folder) {
        throw new UnsupportedOperationException();
    }

    public String getFolder() {
        throw new UnsupportedOperationException();
    }

    public void setPoolType(StoragePoolType poolType) {
        throw new UnsupportedOperationException();
    }

    public void setSize(Long size) {
        throw new UnsupportedOperationException();
    }

    public Long getMinIops() {
        throw new UnsupportedOperationException();
    }

    public Long getMaxIops() {
        throw new UnsupportedOperationException();
    }

    public Date getRemoved() {
        throw new UnsupportedOperationException();
    }
}
