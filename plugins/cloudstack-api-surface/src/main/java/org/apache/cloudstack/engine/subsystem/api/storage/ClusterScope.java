// Licensed under the Apache License, Version 2.0. See LICENSE in the project root.
package org.apache.cloudstack.engine.subsystem.api.storage;

public class ClusterScope extends AbstractScope {
    private final Long clusterId;
    private final Long podId;
    private final Long zoneId;

    public ClusterScope(Long clusterId, Long podId, Long zoneId) {
        this.clusterId = clusterId;
        this.podId = podId;
        this.zoneId = zoneId;
    }

    @Override
    public Long getScopeId() {
        return clusterId;
    }

    public Long getPodId() {
        return podId;
    }

    public Long getZoneId() {
        return zoneId;
    }
}
