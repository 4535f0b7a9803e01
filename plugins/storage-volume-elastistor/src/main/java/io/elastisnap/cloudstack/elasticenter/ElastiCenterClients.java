// Licensed under the Apache License, Version 2.0. See LICENSE in the project root.
package io.elastisnap.cloudstack.elasticenter;

import java.net.URI;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentMap;

import io.elastisnap.cloudstack.command.ElastiCenterEndpoint;
import io.elastisnap.elasticenter.ElastiCenterClient;
import io.elastisnap.elasticenter.ElastiCenterConfig;
import io.elastisnap.elasticenter.Secret;

/**
 * ElastiCenter clients cached per endpoint, TLS trust, API key and job deadline: a changed key (or trust) gets a new
 * client, while every pool or command naming the same ElastiCenter with the same key shares one pooled client. The
 * key is held as the {@link Secret} the client itself keeps, never as text. One instance per process side (agent
 * runner, management-server arrays); never static, so tests stay isolated.
 */
public final class ElastiCenterClients implements AutoCloseable {
    /** Enough pooled connections for the volumes of several VMs snapshotted at once inside their frozen windows. */
    static final int MAX_CONNECTIONS = 64;

    private final ConcurrentMap<List<Object>, ElastiCenterClient> clients = new ConcurrentHashMap<>();

    public ElastiCenterClient get(ElastiCenterEndpoint endpoint, Secret apiKey, Duration jobDeadline) {
        return clients.computeIfAbsent(List.of(endpoint, apiKey, jobDeadline), k -> new ElastiCenterClient(ElastiCenterConfig
                .builder(URI.create(endpoint.getUrl()), apiKey)
                .trust(endpoint.trust())
                .jobDeadline(jobDeadline)
                .maxConnections(MAX_CONNECTIONS)
                .build()));
    }

    /** Number of distinct clients (endpoint, trust, key) created so far. */
    public int size() {
        return clients.size();
    }

    @Override
    public void close() {
        clients.values().forEach(ElastiCenterClient::close);
        clients.clear();
    }
}
