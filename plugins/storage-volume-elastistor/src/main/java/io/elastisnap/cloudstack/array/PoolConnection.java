// Licensed under the Apache License, Version 2.0. See LICENSE in the project root.
package io.elastisnap.cloudstack.array;

import java.util.Objects;

import io.elastisnap.cloudstack.command.ElastiCenterEndpoint;
import io.elastisnap.elasticenter.Secret;

/** A pool's ElastiCenter endpoint and API key. toString never shows the key. */
public final class PoolConnection {
    private final ElastiCenterEndpoint endpoint;
    private final Secret apiKey;

    public PoolConnection(ElastiCenterEndpoint endpoint, Secret apiKey) {
        this.endpoint = Objects.requireNonNull(endpoint, "endpoint");
        this.apiKey = Objects.requireNonNull(apiKey, "API key");
    }

    public ElastiCenterEndpoint endpoint() {
        return endpoint;
    }

    public Secret apiKey() {
        return apiKey;
    }

    /** Same appliance reached the same way: one agent command (one endpoint, one key) can snapshot both pools' volumes. */
    public boolean sameElastiCenter(PoolConnection other) {
        return other != null && endpoint.equals(other.endpoint) && apiKey.equals(other.apiKey);
    }

    @Override
    public String toString() {
        return "PoolConnection[" + endpoint + ", key " + apiKey + "]";
    }
}
