// Licensed under the Apache License, Version 2.0. See LICENSE in the project root.
package io.elastisnap.cloudstack.array;

import java.util.Map;

import javax.inject.Inject;

import org.apache.cloudstack.storage.datastore.db.StoragePoolDetailVO;
import org.apache.cloudstack.storage.datastore.db.StoragePoolDetailsDao;
import org.apache.logging.log4j.LogManager;
import org.apache.logging.log4j.Logger;

import com.cloud.utils.exception.CloudRuntimeException;

import io.elastisnap.cloudstack.ElastiStorPool;
import io.elastisnap.cloudstack.command.ElastiCenterEndpoint;
import io.elastisnap.cloudstack.config.ElastiSnapConfiguration;
import io.elastisnap.cloudstack.config.KeyCipher;
import io.elastisnap.cloudstack.config.PoolKeyCipher;
import io.elastisnap.cloudstack.config.SnapshotSettings;
import io.elastisnap.cloudstack.elasticenter.ElastiCenterClients;
import io.elastisnap.elasticenter.ElastiCenterClient;
import io.elastisnap.elasticenter.Secret;
import io.elastisnap.elasticenter.TlsTrust;

/**
 * Per-pool ElastiCenter access from storage_pool_details: endpoint, TLS trust (or the global default) and the API key,
 * stored encrypted. Details are read at every call, so an updated key or trust takes effect without a restart; clients
 * are cached per endpoint, trust and key fingerprint. Nothing is static: pools on different ElastiCenters coexist.
 */
public class ElastiCenterArrays implements ElastiStorArrays {
    private static final Logger LOG = LogManager.getLogger(ElastiCenterArrays.class);

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
        protectApiKey(poolId);
        Map<String, String> details = poolDetailsDao.listDetailsKeyPairs(poolId);
        String url = required(details, ElastiStorPool.DETAIL_URL, poolId);
        String storedKey = required(details, ElastiStorPool.DETAIL_API_KEY, poolId);
        String tls = details.get(ElastiStorPool.DETAIL_TLS);
        boolean poolSetsTls = tls != null && !tls.trim().isEmpty();
        ElastiCenterEndpoint endpoint;
        try {
            endpoint = new ElastiCenterEndpoint(url, TlsTrust.fromSpec(poolSetsTls ? tls : settings.defaultTls()));
        } catch (IllegalArgumentException e) {
            throw new CloudRuntimeException((poolSetsTls ? "Storage pool " + poolId + " has an unusable ElastiCenter TLS setting"
                    : "The global setting " + ElastiSnapConfiguration.TLS_MODE.key() + " (used by storage pool " + poolId
                    + ") is unusable") + ": " + e.getMessage());
        }
        Secret apiKey;
        try {
            apiKey = cipher.decrypt(storedKey);
        } catch (RuntimeException e) {
            // The cipher's message could quote its input; never pass it on.
            throw new CloudRuntimeException("The ElastiCenter API key of storage pool " + poolId + " cannot be decrypted ("
                    + e.getClass().getSimpleName() + "); update it with updateStoragePool details[0].apisecretkey=...");
        }
        return new PoolConnection(endpoint, apiKey);
    }

    /**
     * CloudStack 4.22's updateStoragePool never calls the lifecycle: it merges the given details into
     * storage_pool_details as they are, all displayed. So a key rotated with {@code details[0].apisecretkey=...} arrives in
     * clear, and any update re-saves the encrypted key as displayed. Both are repaired at the pool's next use, and
     * before CloudStack builds any answer that shows the pool (its response builder asks the driver for the pool's used
     * IOPS before it reads the details), so the rotated key never reaches an API answer, a job result or a log.
     */
    @Override
    public void protectApiKey(long poolId) {
        StoragePoolDetailVO rotated = poolDetailsDao.findDetail(poolId, ElastiStorPool.INPUT_API_KEY);
        if (rotated != null && rotated.getValue() != null && !rotated.getValue().trim().isEmpty()) {
            storeApiKey(poolId, Secret.of(rotated.getValue().trim()));
            poolDetailsDao.removeDetail(poolId, ElastiStorPool.INPUT_API_KEY);
            LOG.info("Stored the new ElastiCenter API key of storage pool {} encrypted and hidden", poolId);
            return;
        }
        StoragePoolDetailVO stored = poolDetailsDao.findDetail(poolId, ElastiStorPool.DETAIL_API_KEY);
        if (stored == null) {
            return;
        }
        if (!cipher.isCurrent(stored.getValue())) {
            Secret key;
            try {
                key = cipher.decrypt(stored.getValue());
            } catch (RuntimeException e) {
                return; // connection() reports it, without the cipher's message
            }
            storeApiKey(poolId, key);
            LOG.info("Re-encrypted the ElastiCenter API key of storage pool {} with {}", poolId, PoolKeyCipher.KEY_ENCRYPTION_KEY_SETTING);
        } else if (stored.isDisplay()) {
            poolDetailsDao.removeDetail(poolId, ElastiStorPool.DETAIL_API_KEY);
            poolDetailsDao.addDetail(poolId, ElastiStorPool.DETAIL_API_KEY, stored.getValue(), false);
            LOG.info("Hid the encrypted ElastiCenter API key detail of storage pool {} again", poolId);
        }
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
