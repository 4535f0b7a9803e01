// Licensed under the Apache License, Version 2.0. See LICENSE in the project root.
package org.apache.cloudstack.engine.subsystem.api.storage;

public class ZoneScope extends AbstractScope {
    private final Long zoneId;

    public ZoneScope(Long zoneId) {
        this.zoneId = zoneId;
    }

    @Override
    public Long getScopeId() {
        return zoneId;
    }
}
