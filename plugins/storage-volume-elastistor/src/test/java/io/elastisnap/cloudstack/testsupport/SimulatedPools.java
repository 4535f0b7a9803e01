// Licensed under the Apache License, Version 2.0. See LICENSE in the project root.
package io.elastisnap.cloudstack.testsupport;

import static org.mockito.ArgumentMatchers.anyString;
import static org.mockito.Mockito.mock;
import static org.mockito.Mockito.when;

import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.Map;

import org.apache.cloudstack.framework.config.dao.ConfigurationDao;

import io.elastisnap.cloudstack.ElastiStorPool;
import io.elastisnap.cloudstack.array.ElastiCenterArrays;
import io.elastisnap.cloudstack.cluster.ClusterLocks;
import io.elastisnap.cloudstack.config.PoolKeyCipher;
import io.elastisnap.cloudstack.config.SnapshotSettings;
import io.elastisnap.elasticenter.Secret;
import io.elastisnap.engine.FreezeLimits;
import io.elastisnap.simulator.ElastiCenterSimulator;

/**
 * ElastiStor pools backed by real simulated ElastiCenters (HTTPS, pinned certificate), registered in a {@link FakeDb}
 * the way the lifecycle stores them, with the real {@link ElastiCenterArrays} on top.
 */
public final class SimulatedPools implements AutoCloseable {
    /**
     * The plugin's own cipher, its key-encryption key in an in-memory configuration table. Values stored by earlier
     * versions are read with a stand-in for CloudStack's database encryption: {@link #legacyEncrypt}.
     */
    public static final PoolKeyCipher CIPHER = cipher(new HashMap<>());

    /** A cipher over {@code configuration} (setting name to value), as one management server over a shared database. */
    public static PoolKeyCipher cipher(Map<String, String> configuration) {
        ConfigurationDao dao = mock(ConfigurationDao.class);
        when(dao.getValue(anyString())).thenAnswer(i -> configuration.get(i.<String>getArgument(0)));
        when(dao.getValueAndInitIfNotExist(anyString(), anyString(), anyString(), anyString()))
                .thenAnswer(i -> configuration.computeIfAbsent(i.getArgument(0), k -> i.getArgument(2)));
        return Wiring.inject(new PoolKeyCipher(SimulatedPools::legacyDecrypt), dao);
    }

    /** Stands in for CloudStack's database encryption (DBEncryptionUtil), which earlier versions stored the key with. */
    public static String legacyEncrypt(String plain) {
        return "ENC(" + new StringBuilder(plain).reverse() + ")";
    }

    private static String legacyDecrypt(String stored) {
        if (!stored.startsWith("ENC(")) {
            throw new IllegalStateException("not encrypted: " + stored);
        }
        return new StringBuilder(stored.substring(4, stored.length() - 1)).reverse().toString();
    }

    public final FakeDb db;
    public final MutableSettings settings = new MutableSettings();
    public final ElastiCenterArrays arrays;
    /** The named locks of the (one) database the management servers of a test share. */
    public final SharedDatabaseLocks database = new SharedDatabaseLocks();
    /** The cluster locks of the management server the test's beans run on. */
    public final ClusterLocks locks = database.server("ms1");
    private final Map<Long, ElastiCenterSimulator> simulators = new LinkedHashMap<>();

    public SimulatedPools(FakeDb db) {
        this.db = db;
        this.arrays = new ElastiCenterArrays(db.poolDetails, CIPHER, settings, locks);
    }

    /** Starts a simulator and registers pool {@code poolId} on it. */
    public ElastiCenterSimulator add(long poolId) {
        return register(poolId, ElastiCenterSimulator.builder().apiKey("key-of-pool-" + poolId).start());
    }

    /** Like {@link #add(long)}, with image files in {@code dataDirectory} exported by the simulator's real iSCSI target. */
    public ElastiCenterSimulator addWithIscsiTarget(long poolId, Path dataDirectory) {
        return add(poolId, ElastiCenterSimulator.builder().dataDirectory(dataDirectory).iscsiTarget(0));
    }

    /** A pool on a simulator built with the caller's options (real image files, an iSCSI target...). */
    public ElastiCenterSimulator add(long poolId, ElastiCenterSimulator.Builder options) {
        return register(poolId, options.apiKey("key-of-pool-" + poolId).start());
    }

    private ElastiCenterSimulator register(long poolId, ElastiCenterSimulator sim) {
        simulators.put(poolId, sim);
        db.pool(poolId, ElastiStorPool.PROVIDER_NAME);
        Map<String, String> details = new HashMap<>();
        details.put(ElastiStorPool.DETAIL_URL, sim.baseUrl().toString());
        details.put(ElastiStorPool.DETAIL_TLS, "sha256:" + sim.certificateSha256());
        details.put(ElastiStorPool.DETAIL_API_KEY, CIPHER.encrypt(Secret.of(sim.apiKey())));
        details.put(ElastiStorPool.DETAIL_ACCOUNT, sim.defaults().accountName());
        details.put(ElastiStorPool.DETAIL_ACCOUNT_ID, sim.defaults().accountId());
        details.put(ElastiStorPool.DETAIL_TSM, sim.defaults().tsmName());
        details.put(ElastiStorPool.DETAIL_TSM_ID, sim.defaults().tsmId());
        db.poolDetailRows.put(poolId, details);
        return sim;
    }

    /** A second pool on an already simulated ElastiCenter (another TSM view of the same appliance). */
    public void addOnSameElastiCenter(long poolId, long existingPoolId) {
        simulators.put(poolId, simulators.get(existingPoolId));
        db.pool(poolId, ElastiStorPool.PROVIDER_NAME);
        db.poolDetailRows.put(poolId, new HashMap<>(db.poolDetailRows.get(existingPoolId)));
    }

    public ElastiCenterSimulator simulator(long poolId) {
        return simulators.get(poolId);
    }

    @Override
    public void close() {
        simulators.values().stream().distinct().forEach(ElastiCenterSimulator::close);
    }

    /** Settings a test can change. */
    public static final class MutableSettings implements SnapshotSettings {
        public String policy = "BEST_EFFORT";
        public FreezeLimits limits = FreezeLimits.builder().maxFrozenWindow(Duration.ofSeconds(4)).freezeTimeout(Duration.ofSeconds(2))
                .thawTimeout(Duration.ofSeconds(2)).build();
        public Duration jobPollDeadline = Duration.ofSeconds(30);
        public String tls = "system";
        public boolean keepArraySnapshot = true;
        public boolean compressBackups;

        @Override
        public String defaultPolicy() {
            return policy;
        }

        @Override
        public FreezeLimits limits() {
            return limits;
        }

        @Override
        public Duration jobPollDeadline() {
            return jobPollDeadline;
        }

        @Override
        public String defaultTls() {
            return tls;
        }

        @Override
        public int reconcileIntervalMinutes() {
            return 0;
        }

        @Override
        public boolean removeOrphans() {
            return false;
        }

        @Override
        public boolean keepArraySnapshotAfterBackup() {
            return keepArraySnapshot;
        }

        @Override
        public boolean compressBackups() {
            return compressBackups;
        }

        @Override
        public Duration backupWait() {
            return Duration.ofMinutes(5);
        }
    }
}
