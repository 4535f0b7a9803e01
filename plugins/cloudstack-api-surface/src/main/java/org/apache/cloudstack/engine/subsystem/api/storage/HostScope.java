// Licensed under the Apache License, Version 2.0. See LICENSE in the project root.
package org.apache.cloudstack.engine.subsystem.api.storage;

public class HostScope extends AbstractScope {
    private final Long hostId;
    private final Long clusterId;
    private final Long zoneId;

    public HostScope(Long hostId, Long clusterId, Long zoneId) {
        this.hostId = hostId;
        this.clusterId = clusterId;
        this.zoneId = zoneId;
    }

    @Override
    public Long getScopeId() {
        return hostId;
    }

    public Long getClusterId() {
        return clusterId;
    }

    public Long getZoneId() {
        return zoneId;
    }
}
