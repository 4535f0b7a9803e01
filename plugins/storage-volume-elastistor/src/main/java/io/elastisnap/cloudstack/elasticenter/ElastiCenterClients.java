// Licensed under the Apache License, Version 2.0. See LICENSE in the project root.
package io.elastisnap.cloudstack.elasticenter;

import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Paths;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Duration;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentMap;

import io.elastisnap.cloudstack.command.ElastiCenterEndpoint;
import io.elastisnap.elasticenter.ElastiCenterClient;
import io.elastisnap.elasticenter.ElastiCenterConfig;
import io.elastisnap.elasticenter.Secret;
import io.elastisnap.elasticenter.TlsTrust;

/**
 * ElastiCenter clients cached per endpoint, TLS trust and API-key fingerprint: a changed key (or trust) gets a new
 * client, while every pool or command naming the same ElastiCenter with the same key shares one pooled client.
 * One instance per process side (agent runner, management-server arrays); never static, so tests stay isolated.
 */
public final class ElastiCenterClients implements AutoCloseable {
    /** Enough pooled connections for the volumes of several VMs snapshotted at once inside their frozen windows. */
    static final int MAX_CONNECTIONS = 64;

    private final ConcurrentMap<String, ElastiCenterClient> clients = new ConcurrentHashMap<>();

    public ElastiCenterClient get(ElastiCenterEndpoint endpoint, String apiKey, Duration jobDeadline) {
        String cacheKey = endpoint.getUrl() + '|' + endpoint.tlsSpec() + '|' + fingerprint(apiKey) + '|' + jobDeadline.toMillis();
        return clients.computeIfAbsent(cacheKey, k -> new ElastiCenterClient(ElastiCenterConfig
                .builder(URI.create(endpoint.getUrl()), Secret.of(apiKey))
                .trust(trustOf(endpoint))
                .jobPolling(Duration.ofMillis(250), Duration.ofSeconds(5), jobDeadline)
                .maxConnections(MAX_CONNECTIONS)
                .build()));
    }

    public static TlsTrust trustOf(ElastiCenterEndpoint endpoint) {
        switch (endpoint.getTlsMode()) {
            case CA_FILE:
                return TlsTrust.caFile(Paths.get(endpoint.getTlsValue()));
            case PINNED_SHA256:
                return TlsTrust.pinnedSha256(endpoint.getTlsValue());
            case INSECURE:
                return TlsTrust.insecure();
            default:
                return TlsTrust.systemDefault();
        }
    }

    /** SHA-256 of the key: identifies it in the cache without keeping a second copy of the key as a map key. */
    static String fingerprint(String apiKey) {
        try {
            byte[] digest = MessageDigest.getInstance("SHA-256").digest(apiKey.getBytes(StandardCharsets.UTF_8));
            StringBuilder hex = new StringBuilder(digest.length * 2);
            for (byte b : digest) {
                hex.append(String.format("%02x", b));
            }
            return hex.toString();
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is not available in this JVM", e);
        }
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
