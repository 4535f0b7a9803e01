// Licensed under the Apache License, Version 2.0. See LICENSE in the project root.
package io.elastisnap.cloudstack.pool;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import javax.inject.Inject;

import org.apache.cloudstack.storage.datastore.db.PrimaryDataStoreDao;
import org.apache.cloudstack.storage.datastore.db.StoragePoolDetailVO;
import org.apache.cloudstack.storage.datastore.db.StoragePoolDetailsDao;
import org.apache.cloudstack.storage.datastore.db.StoragePoolVO;
import org.apache.logging.log4j.LogManager;
import org.apache.logging.log4j.Logger;

import com.cloud.hypervisor.Hypervisor.HypervisorType;
import com.cloud.storage.Snapshot;
import com.cloud.storage.SnapshotVO;
import com.cloud.storage.Storage.StoragePoolType;
import com.cloud.storage.dao.SnapshotDao;
import com.cloud.storage.dao.SnapshotDetailsDao;
import com.cloud.storage.dao.SnapshotDetailsVO;

import io.elastisnap.cloudstack.ElastiStorPool;
import io.elastisnap.cloudstack.array.ElastiStorArrays;
import io.elastisnap.cloudstack.array.PoolConnection;
import io.elastisnap.cloudstack.cluster.ClusterLocks;
import io.elastisnap.cloudstack.command.ElastiCenterEndpoint;
import io.elastisnap.cloudstack.config.SnapshotSettings;
import io.elastisnap.cloudstack.lifecycle.ElastiStorPrimaryDataStoreLifeCycle;
import io.elastisnap.elasticenter.ElastiCenterAuthException;
import io.elastisnap.elasticenter.ElastiCenterException;
import io.elastisnap.elasticenter.FileSystem;
import io.elastisnap.elasticenter.Secret;
import io.elastisnap.elasticenter.TlsTrust;

/**
 * Attaches an ElastiStor identity to an existing SharedMountPoint/NetworkFilesystem pool of KVM (adopt), removes it
 * (detach) and lists the adopted pools.
 *
 * <p>Kept in storage_pool_details under the same names as a managed ElastiStor pool's (endpoint, TLS trust, key
 * AES-GCM-encrypted and hidden by the same code, {@link ElastiStorArrays}), plus {@link AdoptedPool#DETAIL_POOL_VOLUME}.
 * Not a table of our own: CloudStack 4.22 has no schema step for an out-of-tree plugin (a table would need DDL run by
 * the plugin itself at start and a DAO bean), while the details rows need none, are keyed by the pool id, and every
 * piece of the managed pools' key handling (encryption, hiding, rotation with updateStoragePool, repair) works on them
 * unchanged. The price: CloudStack sends a pool's details to its hosts in ModifyStoragePoolCommand and shows them to
 * root admins in listStoragePools, so the key goes there as the managed pools' does, as ciphertext only.
 */
public class AdoptedPools {
    static final List<StoragePoolType> ADOPTABLE_TYPES = Arrays.asList(StoragePoolType.SharedMountPoint,
            StoragePoolType.NetworkFilesystem);
    private static final Logger LOG = LogManager.getLogger(AdoptedPools.class);

    @Inject
    private PrimaryDataStoreDao poolDao;
    @Inject
    private StoragePoolDetailsDao poolDetailsDao;
    @Inject
    private SnapshotDao snapshotDao;
    @Inject
    private SnapshotDetailsDao snapshotDetailsDao;
    @Inject
    private ElastiStorArrays arrays;
    @Inject
    private SnapshotSettings settings;
    @Inject
    private ClusterLocks locks;

    /** The adopted pool with that id; empty for every other pool (and for a removed one). */
    public Optional<AdoptedPool> find(long poolId) {
        StoragePoolVO pool = poolDao.findById(poolId);
        if (pool == null || !ADOPTABLE_TYPES.contains(pool.getPoolType())
                || ElastiStorPool.PROVIDER_NAME.equals(pool.getStorageProviderName())) {
            return Optional.empty();
        }
        Map<String, String> details = poolDetailsDao.listDetailsKeyPairs(poolId);
        String volume = details.get(AdoptedPool.DETAIL_POOL_VOLUME);
        return volume == null ? Optional.empty() : Optional.of(adopted(pool, volume, details.get(ElastiStorPool.DETAIL_URL)));
    }

    private static AdoptedPool adopted(StoragePoolVO pool, String volume, String url) {
        return new AdoptedPool(pool.getId(), pool.getUuid(), pool.getName(), pool.getPoolType().name(), volume, url);
    }

    public List<AdoptedPool> list() {
        List<AdoptedPool> adopted = new ArrayList<>();
        for (StoragePoolDetailVO detail : poolDetailsDao.findDetails(AdoptedPool.DETAIL_POOL_VOLUME)) {
            find(detail.getResourceId()).ifPresent(adopted::add);
        }
        return adopted;
    }

    /**
     * Checks everything before storing anything: the pool (SharedMountPoint/NFS, KVM, not ours, not adopted yet), the
     * endpoint and trust, then ElastiCenter itself with the key (accepted, and the volume exists).
     *
     * @throws IllegalArgumentException naming what is wrong and how to fix it; never quoting the key
     */
    public AdoptedPool adopt(String poolUuid, String url, String tls, String apiKey, String poolVolumeId) {
        StoragePoolVO pool = adoptable(poolUuid);
        if (poolVolumeId == null || poolVolumeId.trim().isEmpty()) {
            throw new IllegalArgumentException("Give volumeid: the id of the ElastiStor volume that holds the file system of pool "
                    + pool.getName() + " (listFileSystems on ElastiCenter)");
        }
        String endpointUrl = ElastiStorPrimaryDataStoreLifeCycle.endpointUrl(url);
        TlsTrust trust = trust(tls);
        Secret key = key(apiKey);
        String volumeId = poolVolumeId.trim();
        FileSystem volume = checkOnArray(new PoolConnection(new ElastiCenterEndpoint(endpointUrl, trust), key), endpointUrl, volumeId);
        return locks.onPool(pool.getId(), "Adoption of storage pool " + pool.getName(), () -> {
            poolDetailsDao.addDetail(pool.getId(), ElastiStorPool.DETAIL_URL, endpointUrl, true);
            poolDetailsDao.addDetail(pool.getId(), ElastiStorPool.DETAIL_TLS, trust.spec(), true);
            arrays.storeApiKey(pool.getId(), key);
            poolDetailsDao.addDetail(pool.getId(), AdoptedPool.DETAIL_POOL_VOLUME, volumeId, true);
            AdoptedPool adopted = adopted(pool, volumeId, endpointUrl);
            LOG.info("Adopted {} (ElastiStor volume name {})", adopted, volume.name());
            return adopted;
        });
    }

    private StoragePoolVO adoptable(String poolUuid) {
        StoragePoolVO pool = poolDao.findByUuid(poolUuid);
        if (pool == null) {
            throw new IllegalArgumentException("No storage pool with id " + poolUuid);
        }
        if (ElastiStorPool.PROVIDER_NAME.equals(pool.getStorageProviderName())) {
            throw new IllegalArgumentException("Storage pool " + pool.getName() + " is a managed " + ElastiStorPool.PROVIDER_NAME
                    + " pool: its snapshots are ElastiStor snapshots already; only SharedMountPoint or NetworkFilesystem pools are adopted");
        }
        if (!ADOPTABLE_TYPES.contains(pool.getPoolType())) {
            throw new IllegalArgumentException("Storage pool " + pool.getName() + " is of type " + pool.getPoolType()
                    + ": only SharedMountPoint or NetworkFilesystem pools (VM disks as files on one ElastiStor volume) can be adopted");
        }
        if (pool.getHypervisor() == null || !HypervisorType.KVM.name().equals(pool.getHypervisor().name())) {
            throw new IllegalArgumentException("Storage pool " + pool.getName() + " is not a KVM pool: pool snapshots freeze guests"
                    + " through the KVM agent (qemu-guest-agent), so only pools of KVM clusters can be adopted");
        }
        if (find(pool.getId()).isPresent()) {
            throw new IllegalArgumentException("Storage pool " + pool.getName() + " is adopted already; detach it first"
                    + " (detachElastiStorPool) to change its ElastiStor identity, or rotate its key with updateStoragePool details[0]."
                    + ElastiStorPool.INPUT_API_KEY + "=...");
        }
        return pool;
    }

    private TlsTrust trust(String tls) {
        String spec = tls == null || tls.trim().isEmpty() ? settings.defaultTls() : tls.trim();
        try {
            return TlsTrust.fromSpec(spec);
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("tls: " + e.getMessage() + " (give sha256:<fingerprint of the appliance's certificate>,"
                    + " ca:<file> or system)");
        }
    }

    private static Secret key(String apiKey) {
        try {
            return Secret.of(apiKey == null ? "" : apiKey.trim());
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("apikey is not a usable ElastiCenter API key: " + e.getMessage());
        }
    }

    private FileSystem checkOnArray(PoolConnection connection, String url, String volumeId) {
        try {
            return arrays.client(connection).findFileSystem(volumeId).orElseThrow(() -> new IllegalArgumentException(
                    "ElastiCenter " + url + " has no volume " + volumeId + "; give the id of the volume that holds the pool's file"
                            + " system (listFileSystems)"));
        } catch (ElastiCenterAuthException e) {
            throw new IllegalArgumentException("ElastiCenter " + url + " refused the API key; give the key of the account that owns"
                    + " volume " + volumeId);
        } catch (ElastiCenterException e) {
            throw new IllegalArgumentException("Could not check volume " + volumeId + " on ElastiCenter " + url + ": " + e.getMessage());
        }
    }

    /**
     * Removes the ElastiStor identity. Refused while snapshots of the pool's volumes hold pool snapshots: without the
     * identity, their array snapshots could no longer be reverted to nor deleted.
     */
    public AdoptedPool detach(String poolUuid) {
        StoragePoolVO pool = poolDao.findByUuid(poolUuid);
        AdoptedPool adopted = pool == null ? null : find(pool.getId()).orElse(null);
        if (adopted == null) {
            throw new IllegalArgumentException("Storage pool " + poolUuid + " is not adopted (listElastiStorAdoptedPools)");
        }
        return locks.onPool(pool.getId(), "Detach of storage pool " + pool.getName(), () -> {
            List<String> holding = snapshotsHoldingPoolSnapshots(pool.getId());
            if (!holding.isEmpty()) {
                throw new IllegalArgumentException("Storage pool " + pool.getName() + " still has " + holding.size() + " snapshot(s) on"
                        + " ElastiStor (" + String.join(", ", holding) + "); delete them first, then detach");
            }
            for (String name : Arrays.asList(AdoptedPool.DETAIL_POOL_VOLUME, ElastiStorPool.DETAIL_API_KEY,
                    ElastiStorPool.DETAIL_PENDING_API_KEY, ElastiStorPool.DETAIL_KEY_ROTATION, ElastiStorPool.DETAIL_URL,
                    ElastiStorPool.DETAIL_TLS)) {
                poolDetailsDao.removeDetail(pool.getId(), name);
            }
            LOG.info("Detached {}", adopted);
            return adopted;
        });
    }

    private List<String> snapshotsHoldingPoolSnapshots(long poolId) {
        List<String> holding = new ArrayList<>();
        for (SnapshotDetailsVO detail : snapshotDetailsDao.findDetails(AdoptedPool.SNAPSHOT_POOL, String.valueOf(poolId), null)) {
            SnapshotVO snapshot = snapshotDao.findById(detail.getResourceId());
            if (snapshot != null && snapshot.getState() != Snapshot.State.Destroyed) {
                holding.add(snapshot.getUuid());
            }
        }
        return holding;
    }
}
