// Licensed under the Apache License, Version 2.0. See LICENSE in the project root.
package io.elastisnap.cloudstack.array;

import java.security.SecureRandom;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import javax.inject.Inject;

import org.apache.cloudstack.storage.datastore.db.StoragePoolDetailVO;
import org.apache.cloudstack.storage.datastore.db.StoragePoolDetailsDao;
import org.apache.logging.log4j.LogManager;
import org.apache.logging.log4j.Logger;

import com.cloud.utils.exception.CloudRuntimeException;

import io.elastisnap.cloudstack.ElastiStorPool;
import io.elastisnap.cloudstack.cluster.ClusterLocks;
import io.elastisnap.cloudstack.command.ElastiCenterEndpoint;
import io.elastisnap.cloudstack.config.ElastiSnapConfiguration;
import io.elastisnap.cloudstack.config.KeyCipher;
import io.elastisnap.cloudstack.config.PoolKeyCipher;
import io.elastisnap.cloudstack.config.SnapshotSettings;
import io.elastisnap.cloudstack.elasticenter.ElastiCenterClients;
import io.elastisnap.elasticenter.ElastiCenterAuthException;
import io.elastisnap.elasticenter.ElastiCenterClient;
import io.elastisnap.elasticenter.ElastiCenterException;
import io.elastisnap.elasticenter.IscsiAuthGroup;
import io.elastisnap.elasticenter.IscsiAuthUser;
import io.elastisnap.elasticenter.Secret;
import io.elastisnap.elasticenter.TlsTrust;

/**
 * Per-pool ElastiCenter access from storage_pool_details: endpoint, TLS trust (or the global default) and the API key,
 * stored encrypted. Details are read at every call, so an updated key or trust takes effect without a restart; clients
 * are cached per endpoint, trust and key fingerprint. Nothing is static: pools on different ElastiCenters coexist.
 */
public class ElastiCenterArrays implements ElastiStorArrays {
    private static final Logger LOG = LogManager.getLogger(ElastiCenterArrays.class);
    /** How long a key repair waits for the pool's lock (held by an operation or another server's repair). */
    static final Duration KEY_REPAIR_WAIT = Duration.ofSeconds(30);
    /** 16 characters: what most initiators accept (Microsoft's takes 12-16), about 95 bits from this alphabet. */
    static final int CHAP_SECRET_LENGTH = 16;
    private static final String CHAP_ALPHABET = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789";
    private static final SecureRandom RANDOM = new SecureRandom();

    @Inject
    private StoragePoolDetailsDao poolDetailsDao;
    @Inject
    private KeyCipher cipher;
    @Inject
    private SnapshotSettings settings;
    @Inject
    private ClusterLocks locks;
    private final ElastiCenterClients clients = new ElastiCenterClients();

    public ElastiCenterArrays() {
    }

    public ElastiCenterArrays(StoragePoolDetailsDao poolDetailsDao, KeyCipher cipher, SnapshotSettings settings, ClusterLocks locks) {
        this.poolDetailsDao = poolDetailsDao;
        this.cipher = cipher;
        this.settings = settings;
        this.locks = locks;
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
    public Optional<ChapCredentials> chap(long poolId) {
        Map<String, String> details = poolDetailsDao.listDetailsKeyPairs(poolId);
        if (ElastiStorPool.CHAP_OFF.equals(details.get(ElastiStorPool.DETAIL_CHAP))) {
            return Optional.empty();
        }
        Optional<ChapCredentials> stored = storedChap(poolId, details);
        if (stored.isPresent()) {
            return stored;
        }
        synchronized (this) {
            stored = storedChap(poolId, poolDetailsDao.listDetailsKeyPairs(poolId));
            if (stored.isPresent()) {
                return stored;
            }
            String accountId = required(details, ElastiStorPool.DETAIL_ACCOUNT_ID, poolId);
            ChapCredentials chap = prepareChap(client(poolId), accountId, null);
            storeChap(poolId, chap);
            LOG.info("Storage pool {} was registered without CHAP settings; its volumes are now exported behind CHAP user {}",
                    poolId, chap.user());
            return Optional.of(chap);
        }
    }

    private Optional<ChapCredentials> storedChap(long poolId, Map<String, String> details) {
        String groupId = details.get(ElastiStorPool.DETAIL_CHAP_AUTH_GROUP_ID);
        String user = details.get(ElastiStorPool.DETAIL_CHAP_USER);
        StoragePoolDetailVO secret = poolDetailsDao.findDetail(poolId, ElastiStorPool.DETAIL_CHAP_SECRET);
        if (groupId == null || user == null || secret == null) {
            return Optional.empty();
        }
        if (secret.isDisplay()) {
            // updateStoragePool re-saves every detail as displayed (see protectApiKey): hide it again.
            poolDetailsDao.removeDetail(poolId, ElastiStorPool.DETAIL_CHAP_SECRET);
            poolDetailsDao.addDetail(poolId, ElastiStorPool.DETAIL_CHAP_SECRET, secret.getValue(), false);
        }
        try {
            return Optional.of(new ChapCredentials(groupId, user, cipher.decrypt(secret.getValue())));
        } catch (RuntimeException e) {
            // The cipher's message could quote its input; never pass it on.
            throw new CloudRuntimeException("The CHAP secret of storage pool " + poolId + " cannot be decrypted ("
                    + e.getClass().getSimpleName() + "); remove the pool details " + ElastiStorPool.DETAIL_CHAP_AUTH_GROUP_ID
                    + ", " + ElastiStorPool.DETAIL_CHAP_USER + " and " + ElastiStorPool.DETAIL_CHAP_SECRET
                    + " and a new auth group is set up at the next use");
        }
    }

    @Override
    public ChapCredentials prepareChap(ElastiCenterClient client, String accountId, String authGroupName) {
        try {
            if (authGroupName != null) {
                IscsiAuthGroup group = client.listIscsiAuthGroups(accountId).stream().filter(g -> g.isNamed(authGroupName))
                        .findFirst().orElseThrow(() -> new IllegalArgumentException("ElastiStor account " + accountId
                                + " has no iSCSI auth group '" + authGroupName + "'; create it (with a CHAP user) in ElastiCenter,"
                                + " or omit details[0]." + ElastiStorPool.INPUT_CHAP_AUTH_GROUP + " to let the plugin create one"));
                List<IscsiAuthUser> users = client.listIscsiAuthUsers(accountId, group.id());
                if (users.isEmpty()) {
                    throw new IllegalArgumentException("The iSCSI auth group '" + authGroupName + "' has no CHAP user; add one in"
                            + " ElastiCenter");
                }
                return new ChapCredentials(group.id(), users.get(0).chapUser(), users.get(0).chapSecret());
            }
            String suffix = randomText(8).toLowerCase(java.util.Locale.ROOT);
            String user = "esnap" + suffix;
            Secret secret = Secret.of(randomText(CHAP_SECRET_LENGTH));
            IscsiAuthGroup group = client.addIscsiAuthGroup(accountId, "esnap-" + suffix, user, secret);
            return new ChapCredentials(group.id(), user, secret);
        } catch (ElastiCenterException e) {
            throw new CloudRuntimeException("Cannot set up CHAP for ElastiStor account " + accountId + ": " + e.getMessage()
                    + (authGroupName == null ? "; create an auth group with a CHAP user in ElastiCenter and name it with details[0]."
                    + ElastiStorPool.INPUT_CHAP_AUTH_GROUP : ""));
        }
    }

    private static String randomText(int length) {
        StringBuilder text = new StringBuilder(length);
        for (int i = 0; i < length; i++) {
            text.append(CHAP_ALPHABET.charAt(RANDOM.nextInt(CHAP_ALPHABET.length())));
        }
        return text.toString();
    }

    @Override
    public void storeChap(long poolId, ChapCredentials chap) {
        poolDetailsDao.removeDetail(poolId, ElastiStorPool.DETAIL_CHAP_SECRET);
        poolDetailsDao.addDetail(poolId, ElastiStorPool.DETAIL_CHAP_SECRET, cipher.encrypt(chap.secret()), false);
        poolDetailsDao.removeDetail(poolId, ElastiStorPool.DETAIL_CHAP_USER);
        poolDetailsDao.addDetail(poolId, ElastiStorPool.DETAIL_CHAP_USER, chap.user(), true);
        poolDetailsDao.removeDetail(poolId, ElastiStorPool.DETAIL_CHAP_AUTH_GROUP_ID);
        poolDetailsDao.addDetail(poolId, ElastiStorPool.DETAIL_CHAP_AUTH_GROUP_ID, chap.authGroupId(), true);
    }

    @Override
    public PoolConnection connection(long poolId) {
        protectApiKey(poolId);
        Map<String, String> details = poolDetailsDao.listDetailsKeyPairs(poolId);
        return new PoolConnection(endpoint(poolId, details), decrypt(poolId, required(details, ElastiStorPool.DETAIL_API_KEY, poolId)));
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

    private Secret decrypt(long poolId, String stored) {
        try {
            return cipher.decrypt(stored);
        } catch (RuntimeException e) {
            // The cipher's message could quote its input; never pass it on.
            throw new CloudRuntimeException("The ElastiCenter API key of storage pool " + poolId + " cannot be decrypted ("
                    + e.getClass().getSimpleName() + "); update it with updateStoragePool details[0].apisecretkey=...");
        }
    }

    /**
     * CloudStack 4.22's updateStoragePool never calls the lifecycle: it merges the given details into
     * storage_pool_details as they are, all displayed. So a key rotated with {@code details[0].apisecretkey=...} arrives in
     * clear, and any update re-saves the encrypted key as displayed. Both are repaired at the pool's next use, before
     * CloudStack builds any answer that shows the pool (its response builder asks the driver for the pool's used IOPS
     * before it reads the details), and every minute by the periodic task for every pool, connected host or not. The
     * rotated key leaves the displayed details at once: it is kept encrypted and hidden as pending until ElastiCenter
     * has accepted it, then becomes the pool's key; a key ElastiCenter rejects is dropped, the previous key stays in use
     * and the displayed detail {@link ElastiStorPool#DETAIL_KEY_ROTATION} says why. One management server at a time
     * does it for a pool (the pool's cluster lock).
     */
    @Override
    public Optional<String> protectApiKey(long poolId) {
        if (!needsRepair(poolId)) {
            return Optional.empty();
        }
        return locks.withLock(ClusterLocks.poolLock(poolId), KEY_REPAIR_WAIT, () -> repair(poolId),
                () -> Optional.of("storage pool " + poolId + " stayed locked; its key is repaired at its next use"));
    }

    private boolean needsRepair(long poolId) {
        StoragePoolDetailVO stored = poolDetailsDao.findDetail(poolId, ElastiStorPool.DETAIL_API_KEY);
        return hasValue(poolDetailsDao.findDetail(poolId, ElastiStorPool.INPUT_API_KEY))
                || hasValue(poolDetailsDao.findDetail(poolId, ElastiStorPool.DETAIL_PENDING_API_KEY))
                || stored != null && (stored.isDisplay() || !cipher.isCurrent(stored.getValue()));
    }

    private static boolean hasValue(StoragePoolDetailVO detail) {
        return detail != null && detail.getValue() != null && !detail.getValue().trim().isEmpty();
    }

    private Optional<String> repair(long poolId) {
        StoragePoolDetailVO rotated = poolDetailsDao.findDetail(poolId, ElastiStorPool.INPUT_API_KEY);
        if (hasValue(rotated)) {
            poolDetailsDao.removeDetail(poolId, ElastiStorPool.INPUT_API_KEY);
            try {
                Secret key = Secret.of(rotated.getValue().trim());
                poolDetailsDao.removeDetail(poolId, ElastiStorPool.DETAIL_PENDING_API_KEY);
                poolDetailsDao.addDetail(poolId, ElastiStorPool.DETAIL_PENDING_API_KEY, cipher.encrypt(key), false);
            } catch (IllegalArgumentException e) {
                return Optional.of(reject(poolId, "it is not a usable API key (" + e.getMessage() + ")"));
            }
        }
        StoragePoolDetailVO pending = poolDetailsDao.findDetail(poolId, ElastiStorPool.DETAIL_PENDING_API_KEY);
        if (hasValue(pending)) {
            return Optional.of(adoptPendingKey(poolId, pending.getValue()));
        }
        StoragePoolDetailVO stored = poolDetailsDao.findDetail(poolId, ElastiStorPool.DETAIL_API_KEY);
        if (stored == null) {
            return Optional.empty();
        }
        if (!cipher.isCurrent(stored.getValue())) {
            storeApiKey(poolId, decrypt(poolId, stored.getValue()));
            return Optional.of("re-encrypted the ElastiCenter API key of storage pool " + poolId + " with "
                    + PoolKeyCipher.KEY_ENCRYPTION_KEY_SETTING);
        }
        if (stored.isDisplay()) {
            poolDetailsDao.removeDetail(poolId, ElastiStorPool.DETAIL_API_KEY);
            poolDetailsDao.addDetail(poolId, ElastiStorPool.DETAIL_API_KEY, stored.getValue(), false);
            return Optional.of("hid the encrypted ElastiCenter API key detail of storage pool " + poolId + " again");
        }
        return Optional.empty();
    }

    private String adoptPendingKey(long poolId, String encrypted) {
        Secret newKey = decrypt(poolId, encrypted);
        try {
            client(new PoolConnection(endpoint(poolId, poolDetailsDao.listDetailsKeyPairs(poolId)), newKey)).listAccounts();
        } catch (ElastiCenterAuthException e) {
            return reject(poolId, "ElastiCenter rejected it (" + e.getMessage() + ")");
        } catch (ElastiCenterException e) {
            // Not a verdict on the key: it stays pending (encrypted, hidden) until ElastiCenter answers.
            return "could not check the new ElastiCenter API key of storage pool " + poolId + " (" + e.getMessage()
                    + "); it stays pending, the previous key in use, and is checked again at the next use";
        }
        storeApiKey(poolId, newKey);
        poolDetailsDao.removeDetail(poolId, ElastiStorPool.DETAIL_PENDING_API_KEY);
        poolDetailsDao.removeDetail(poolId, ElastiStorPool.DETAIL_KEY_ROTATION);
        return "stored the new ElastiCenter API key of storage pool " + poolId + " encrypted and hidden (ElastiCenter accepted it)";
    }

    private String reject(long poolId, String why) {
        poolDetailsDao.removeDetail(poolId, ElastiStorPool.DETAIL_PENDING_API_KEY);
        String outcome = "the ElastiCenter API key set on " + Instant.now() + " was not adopted: " + why + "; the previous key"
                + " stays in use. Set a valid key with updateStoragePool details[0]." + ElastiStorPool.INPUT_API_KEY + "=...";
        poolDetailsDao.removeDetail(poolId, ElastiStorPool.DETAIL_KEY_ROTATION);
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
