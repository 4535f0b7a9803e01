// Licensed under the Apache License, Version 2.0. See LICENSE in the project root.
package io.elastisnap.cloudstack.array;

import java.time.Instant;
import java.util.Map;
import java.util.Optional;

import javax.inject.Inject;

import org.apache.cloudstack.storage.datastore.db.StoragePoolDetailVO;
import org.apache.cloudstack.storage.datastore.db.StoragePoolDetailsDao;

import com.cloud.utils.exception.CloudRuntimeException;

import io.elastisnap.cloudstack.ElastiStorPool;
import io.elastisnap.cloudstack.command.ElastiCenterEndpoint;
import io.elastisnap.cloudstack.config.ElastiSnapConfiguration;
import io.elastisnap.cloudstack.config.KeyCipher;
import io.elastisnap.cloudstack.config.SnapshotSettings;
import io.elastisnap.cloudstack.elasticenter.ElastiCenterClients;
import io.elastisnap.elasticenter.ElastiCenterAuthException;
import io.elastisnap.elasticenter.ElastiCenterClient;
import io.elastisnap.elasticenter.ElastiCenterException;
import io.elastisnap.elasticenter.Secret;
import io.elastisnap.elasticenter.TlsTrust;

/**
 * Per-pool ElastiCenter access from storage_pool_details: endpoint, TLS trust (or the global default) and the API key,
 * stored encrypted. Details are read at every call, so an updated key or trust takes effect without a restart; clients
 * are cached per endpoint, trust and key fingerprint. Nothing is static: pools on different ElastiCenters coexist.
 */
public class ElastiCenterArrays implements ElastiStorArrays {
    @Inject
    private StoragePoolDetailsDao poolDetailsDao;
    @Inject
    private KeyCipher cipher;
    @Inject
    private SnapshotSettings settings;
    private final ElastiCenterClients clients = new ElastiCenterClients();

    public ElastiCenterArrays() {
    }

    public ElastiCenterArrays(StoragePoolDetailsDao poolDetailsDao, KeyCipher cipher, SnapshotSettings settings) {
        this.poolDetailsDao = poolDetailsDao;
        this.cipher = cipher;
        this.settings = settings;
    }

    @Override
    public ElastiStorArray forPool(long poolId) {
        return new ClientArray(client(poolId));
    }

    @Override
    public ElastiCenterClient client(long poolId) {
        return client(connection(poolId));
    }

    @Override
    public ElastiCenterClient client(PoolConnection connection) {
        return clients.get(connection.endpoint(), connection.apiKey(), settings.jobPollDeadline());
    }

    @Override
    public void storeApiKey(long poolId, Secret apiKey) {
        poolDetailsDao.removeDetail(poolId, ElastiStorPool.DETAIL_API_KEY);
        poolDetailsDao.addDetail(poolId, ElastiStorPool.DETAIL_API_KEY, cipher.encrypt(apiKey), false);
    }

    @Override
    public PoolConnection connection(long poolId) {
        Map<String, String> details = poolDetailsDao.listDetailsKeyPairs(poolId);
        return new PoolConnection(endpoint(poolId, details), storedKey(poolId, details));
    }

    private ElastiCenterEndpoint endpoint(long poolId, Map<String, String> details) {
        String url = required(details, ElastiStorPool.DETAIL_URL, poolId);
        String tls = details.get(ElastiStorPool.DETAIL_TLS);
        boolean poolSetsTls = tls != null && !tls.trim().isEmpty();
        try {
            return new ElastiCenterEndpoint(url, TlsTrust.fromSpec(poolSetsTls ? tls : settings.defaultTls()));
        } catch (IllegalArgumentException e) {
            throw new CloudRuntimeException((poolSetsTls ? "Storage pool " + poolId + " has an unusable ElastiCenter TLS setting"
                    : "The global setting " + ElastiSnapConfiguration.TLS_MODE.key() + " (used by storage pool " + poolId
                    + ") is unusable") + ": " + e.getMessage());
        }
    }

    private Secret storedKey(long poolId, Map<String, String> details) {
        String storedKey = required(details, ElastiStorPool.DETAIL_API_KEY, poolId);
        try {
            return cipher.decrypt(storedKey);
        } catch (RuntimeException e) {
            // The cipher's message could quote its input; never pass it on.
            throw new CloudRuntimeException("The ElastiCenter API key of storage pool " + poolId + " cannot be decrypted ("
                    + e.getClass().getSimpleName() + "); update it with updateStoragePool details[0].apisecretkey=...");
        }
    }

    /**
     * CloudStack 4.22's updateStoragePool never calls the lifecycle: it merges the given details into
     * storage_pool_details as they are, all displayed. So a key rotated with {@code details[0].apisecretkey=...} arrives in
     * clear, and any update re-saves the encrypted key as displayed. The periodic task repairs both for every pool (on
     * one management server, pool locked), also for pools no host is connected to. A rotated key is first checked
     * against the pool's ElastiCenter: a key it rejects is removed, the previous key stays in use and the pool's
     * displayed detail {@link ElastiStorPool#DETAIL_KEY_ROTATION} says why; if ElastiCenter cannot be reached the new key
     * waits for the next run.
     */
    @Override
    public Optional<String> repairApiKey(long poolId) {
        Map<String, String> details = poolDetailsDao.listDetailsKeyPairs(poolId);
        String rotated = details == null ? null : details.get(ElastiStorPool.INPUT_API_KEY);
        if (rotated != null && !rotated.trim().isEmpty()) {
            return Optional.of(adoptRotatedKey(poolId, details, rotated.trim()));
        }
        StoragePoolDetailVO stored = poolDetailsDao.findDetail(poolId, ElastiStorPool.DETAIL_API_KEY);
        if (stored != null && stored.isDisplay()) {
            poolDetailsDao.removeDetail(poolId, ElastiStorPool.DETAIL_API_KEY);
            poolDetailsDao.addDetail(poolId, ElastiStorPool.DETAIL_API_KEY, stored.getValue(), false);
            return Optional.of("hid the encrypted ElastiCenter API key detail of storage pool " + poolId + " again");
        }
        return Optional.empty();
    }

    private String adoptRotatedKey(long poolId, Map<String, String> details, String rotated) {
        Secret newKey;
        String rejection;
        try {
            newKey = Secret.of(rotated);
            client(new PoolConnection(endpoint(poolId, details), newKey)).listAccounts();
            rejection = null;
        } catch (ElastiCenterAuthException e) {
            newKey = null;
            rejection = "ElastiCenter rejected it (" + e.getMessage() + ")";
        } catch (IllegalArgumentException e) {
            newKey = null;
            rejection = "it is not a usable API key (" + e.getMessage() + ")";
        } catch (ElastiCenterException e) {
            // Not a verdict on the key: it stays pending (and visible to root admins) until ElastiCenter answers.
            return "could not check the new ElastiCenter API key of storage pool " + poolId + " (" + e.getMessage()
                    + "); trying again at the next run";
        }
        poolDetailsDao.removeDetail(poolId, ElastiStorPool.INPUT_API_KEY);
        poolDetailsDao.removeDetail(poolId, ElastiStorPool.DETAIL_KEY_ROTATION);
        if (rejection == null) {
            storeApiKey(poolId, newKey);
            return "stored the new ElastiCenter API key of storage pool " + poolId + " encrypted and hidden (ElastiCenter accepted it)";
        }
        String outcome = "the ElastiCenter API key set on " + Instant.now() + " was not adopted: " + rejection + "; the previous key"
                + " stays in use. Set a valid key with updateStoragePool details[0]." + ElastiStorPool.INPUT_API_KEY + "=...";
        poolDetailsDao.addDetail(poolId, ElastiStorPool.DETAIL_KEY_ROTATION, outcome, true);
        return "storage pool " + poolId + ": " + outcome;
    }

    private static String required(Map<String, String> details, String name, long poolId) {
        String value = details == null ? null : details.get(name);
        if (value == null || value.trim().isEmpty()) {
            throw new CloudRuntimeException("Storage pool " + poolId + " has no " + name + " detail; it was not registered by the "
                    + ElastiStorPool.PROVIDER_NAME + " provider");
        }
        return value;
    }
}
