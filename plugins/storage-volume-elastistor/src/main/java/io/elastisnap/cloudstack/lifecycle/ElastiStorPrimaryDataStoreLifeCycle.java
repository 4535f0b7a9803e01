// Licensed under the Apache License, Version 2.0. See LICENSE in the project root.
package io.elastisnap.cloudstack.lifecycle;

import java.net.URI;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.UUID;

import javax.inject.Inject;

import org.apache.cloudstack.engine.subsystem.api.storage.ClusterScope;
import org.apache.cloudstack.engine.subsystem.api.storage.DataStore;
import org.apache.cloudstack.engine.subsystem.api.storage.HostScope;
import org.apache.cloudstack.engine.subsystem.api.storage.PrimaryDataStoreLifeCycle;
import org.apache.cloudstack.engine.subsystem.api.storage.PrimaryDataStoreParameters;
import org.apache.cloudstack.engine.subsystem.api.storage.ZoneScope;
import org.apache.cloudstack.storage.datastore.db.StoragePoolDetailsDao;
import org.apache.cloudstack.storage.volume.datastore.PrimaryDataStoreHelper;
import org.apache.logging.log4j.LogManager;
import org.apache.logging.log4j.Logger;

import com.cloud.agent.api.StoragePoolInfo;
import com.cloud.host.HostVO;
import com.cloud.host.dao.HostDao;
import com.cloud.hypervisor.Hypervisor.HypervisorType;
import com.cloud.storage.Storage.StoragePoolType;
import com.cloud.storage.StoragePool;
import com.cloud.utils.exception.CloudRuntimeException;

import io.elastisnap.cloudstack.ElastiStorPool;
import io.elastisnap.cloudstack.array.ChapCredentials;
import io.elastisnap.cloudstack.array.ElastiCenterArrays;
import io.elastisnap.cloudstack.array.ElastiStorArrays;
import io.elastisnap.cloudstack.array.PoolConnection;
import io.elastisnap.cloudstack.command.ElastiCenterEndpoint;
import io.elastisnap.cloudstack.config.ElastiSnapConfiguration;
import io.elastisnap.cloudstack.config.SnapshotSettings;
import io.elastisnap.elasticenter.Account;
import io.elastisnap.elasticenter.ElastiCenterClient;
import io.elastisnap.elasticenter.ElastiCenterException;
import io.elastisnap.elasticenter.Secret;
import io.elastisnap.elasticenter.TlsTrust;
import io.elastisnap.elasticenter.Tsm;

/**
 * Registers an ElastiStor TSM as a managed iSCSI pool (type Iscsi, KVM). The URL is the ElastiCenter endpoint
 * ({@code https://host[:port]}); details name the account, the TSM (name or id), the API key and the TLS trust. The
 * connection is verified before anything is stored; the key is stored encrypted as a hidden pool detail.
 */
public class ElastiStorPrimaryDataStoreLifeCycle implements PrimaryDataStoreLifeCycle {
    /** createStoragePool details[0].<key> names (the admin's input); the key's is {@link ElastiStorPool#INPUT_API_KEY}. */
    public static final String INPUT_API_KEY = ElastiStorPool.INPUT_API_KEY;
    public static final String INPUT_ACCOUNT = "account";
    public static final String INPUT_TSM = "tsm";
    public static final String INPUT_TLS = "tls";
    static final int ISCSI_PORT = 3260;

    private static final Logger LOG = LogManager.getLogger(ElastiStorPrimaryDataStoreLifeCycle.class);

    @Inject
    private PrimaryDataStoreHelper dataStoreHelper;
    @Inject
    private StoragePoolDetailsDao poolDetailsDao;
    @Inject
    private HostDao hostDao;
    @Inject
    private ElastiStorArrays arrays;
    @Inject
    private SnapshotSettings settings;
    @Inject
    private ElastiStorHostListener hostListener;

    @Override
    @SuppressWarnings("unchecked")
    public DataStore initialize(Map<String, Object> dsInfos) {
        Map<String, String> input = lowerCaseKeys((Map<String, String>) dsInfos.get("details"));
        if (input.containsKey("apikey")) {
            throw new IllegalArgumentException("Pass the ElastiCenter API key as details[0]." + INPUT_API_KEY + ", not details[0].apikey"
                    + " (CloudStack's API log masks *secretkey parameters only; rotate a key that was sent as apikey)");
        }
        Secret apiKey = apiKey(require(input, INPUT_API_KEY));
        String accountName = require(input, INPUT_ACCOUNT);
        String tsmName = require(input, INPUT_TSM);
        String url = endpointUrl((String) dsInfos.get("url"));
        HypervisorType hypervisor = (HypervisorType) dsInfos.get("hypervisorType");
        if (hypervisor != null && !HypervisorType.KVM.equals(hypervisor)) {
            throw new IllegalArgumentException(ElastiStorPool.PROVIDER_NAME + " pools serve KVM only, not " + hypervisor);
        }
        if (Boolean.FALSE.equals(dsInfos.get("managed"))) {
            throw new IllegalArgumentException(ElastiStorPool.PROVIDER_NAME + " pools are managed storage (one ElastiStor volume per"
                    + " CloudStack volume); omit managed=false");
        }
        String tls = input.get(INPUT_TLS);
        ElastiCenterEndpoint endpoint = new ElastiCenterEndpoint(url, tls == null || tls.trim().isEmpty()
                ? defaultTrust() : trust(tls));

        boolean chapOff = chapOff(input.get(ElastiStorPool.INPUT_CHAP));
        String chapGroup = input.get(ElastiStorPool.INPUT_CHAP_AUTH_GROUP);
        if (chapOff && chapGroup != null) {
            throw new IllegalArgumentException("details[0]." + ElastiStorPool.INPUT_CHAP + "=false and details[0]."
                    + ElastiStorPool.INPUT_CHAP_AUTH_GROUP + " contradict each other; give one of them");
        }

        ElastiCenterClient client = arrays.client(new PoolConnection(endpoint, apiKey));
        Account account;
        Tsm tsm;
        try {
            account = client.listAccounts().stream().filter(a -> a.id().equalsIgnoreCase(accountName)
                    || a.name().equalsIgnoreCase(accountName)).findFirst().orElseThrow(() -> new IllegalArgumentException(
                    "ElastiCenter " + url + " has no account '" + accountName + "'"));
            tsm = client.listTsms(account.id()).stream().filter(t -> t.id().equalsIgnoreCase(tsmName) || t.name().equalsIgnoreCase(tsmName))
                    .findFirst().orElseThrow(() -> new IllegalArgumentException("ElastiStor account " + account.name()
                            + " has no TSM '" + tsmName + "'"));
        } catch (ElastiCenterException e) {
            throw new CloudRuntimeException("Cannot register ElastiStor pool: ElastiCenter " + url + " answered: " + e.getMessage());
        }
        String portal = tsm.ipAddress().orElseThrow(() -> new IllegalArgumentException("ElastiStor TSM " + tsm.name()
                + " has no IP address to serve iSCSI from"));
        boolean createsAuthGroup = !chapOff && (chapGroup == null || chapGroup.trim().isEmpty());
        ChapCredentials chap = chapOff ? null : arrays.prepareChap(client, account.id(), createsAuthGroup ? null : chapGroup.trim());
        try {
            return register(dsInfos, url, endpoint, apiKey, account, tsm, portal, chap);
        } catch (RuntimeException e) {
            if (createsAuthGroup) {
                deleteAuthGroup(client, account, chap);
            }
            throw e;
        }
    }

    /** The auth group this registration made goes with its failure: nothing else would ever use or remove it. */
    private static void deleteAuthGroup(ElastiCenterClient client, Account account, ChapCredentials chap) {
        try {
            client.deleteIscsiAuthGroup(account.id(), chap.authGroupId());
            LOG.info("Deleted the iSCSI auth group {} this failed registration created on ElastiStor account {}", chap.authGroupId(),
                    account.name());
        } catch (ElastiCenterException e) {
            LOG.error("The pool registration failed and the iSCSI auth group {} it created on ElastiStor account {} could not be"
                    + " deleted ({}); delete it in ElastiCenter", chap.authGroupId(), account.name(), e.getMessage());
        }
    }

    private DataStore register(Map<String, Object> dsInfos, String url, ElastiCenterEndpoint endpoint, Secret apiKey, Account account,
                               Tsm tsm, String portal, ChapCredentials chap) {
        boolean chapOff = chap == null;

        Map<String, String> details = new HashMap<>();
        details.put(ElastiStorPool.DETAIL_URL, url);
        details.put(ElastiStorPool.DETAIL_TLS, endpoint.tlsSpec());
        details.put(ElastiStorPool.DETAIL_ACCOUNT, account.name());
        details.put(ElastiStorPool.DETAIL_ACCOUNT_ID, account.id());
        details.put(ElastiStorPool.DETAIL_TSM, tsm.name());
        details.put(ElastiStorPool.DETAIL_TSM_ID, tsm.id());
        if (chapOff) {
            details.put(ElastiStorPool.DETAIL_CHAP, ElastiStorPool.CHAP_OFF);
        }

        PrimaryDataStoreParameters parameters = new PrimaryDataStoreParameters();
        parameters.setName((String) dsInfos.get("name"));
        parameters.setUuid(UUID.randomUUID().toString());
        parameters.setType(StoragePoolType.Iscsi);
        parameters.setManaged(true);
        parameters.setHost(portal);
        parameters.setPort(ISCSI_PORT);
        parameters.setPath("/" + tsm.name());
        parameters.setProviderName(ElastiStorPool.PROVIDER_NAME);
        parameters.setHypervisorType(HypervisorType.KVM);
        parameters.setZoneId((Long) dsInfos.get("zoneId"));
        parameters.setPodId((Long) dsInfos.get("podId"));
        parameters.setClusterId((Long) dsInfos.get("clusterId"));
        parameters.setTags((String) dsInfos.get("tags"));
        Long capacityBytes = (Long) dsInfos.get("capacityBytes");
        parameters.setCapacityBytes(capacityBytes != null && capacityBytes > 0 ? capacityBytes : tsm.quotaBytes().orElse(0));
        Long capacityIops = (Long) dsInfos.get("capacityIops");
        parameters.setCapacityIops(capacityIops != null && capacityIops > 0 ? capacityIops
                : (tsm.iops().isPresent() ? tsm.iops().getAsLong() : null));
        parameters.setUsedBytes(0);
        parameters.setDetails(details);

        DataStore store = dataStoreHelper.createPrimaryDataStore(parameters);
        // Hidden and encrypted, and never in the displayed details map handed to createPrimaryDataStore.
        arrays.storeApiKey(store.getId(), apiKey);
        if (chap != null) {
            arrays.storeChap(store.getId(), chap);
        }
        LOG.info("Registered ElastiStor pool {} on {} (account {}, TSM {}, iSCSI portal {}:{}, {})", store.getName(), url,
                account.name(), tsm.name(), portal, ISCSI_PORT, chap == null ? "WITHOUT CHAP" : "CHAP user " + chap.user());
        if (chap == null) {
            LOG.warn("ElastiStor pool {} was registered with details[0].{}=false: its volumes will be exported WITHOUT CHAP,"
                    + " so any initiator that reaches the storage network can log in to them", store.getName(),
                    ElastiStorPool.INPUT_CHAP);
        }
        return store;
    }

    /** details[0].chap: absent or "true" keeps CHAP on; only an explicit "false" turns it off. */
    static boolean chapOff(String value) {
        if (value == null || value.trim().isEmpty() || value.trim().equalsIgnoreCase("true")) {
            return false;
        }
        if (value.trim().equalsIgnoreCase("false")) {
            return true;
        }
        throw new IllegalArgumentException("details[0]." + ElastiStorPool.INPUT_CHAP + " is true or false, not '" + value
                + "' (false exports the pool's volumes without CHAP)");
    }

    private static Map<String, String> lowerCaseKeys(Map<String, String> details) {
        Map<String, String> result = new HashMap<>();
        if (details != null) {
            details.forEach((k, v) -> result.put(k.toLowerCase(Locale.ROOT), v));
        }
        return result;
    }

    /** Trims a key as the admin typed it; the refusal never echoes the value. */
    private static Secret apiKey(String typed) {
        try {
            return Secret.of(typed.trim());
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("details[0]." + INPUT_API_KEY + " is not a usable ElastiCenter API key: " + e.getMessage());
        }
    }

    private static TlsTrust trust(String tls) {
        try {
            return TlsTrust.fromSpec(tls);
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("details[0]." + INPUT_TLS + ": " + e.getMessage());
        }
    }

    private TlsTrust defaultTrust() {
        try {
            return TlsTrust.fromSpec(settings.defaultTls());
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("The global setting " + ElastiSnapConfiguration.TLS_MODE.key() + " is unusable (" + e.getMessage()
                    + "); fix it or give details[0]." + INPUT_TLS);
        }
    }

    private static String require(Map<String, String> input, String key) {
        String value = input.get(key);
        if (value == null || value.trim().isEmpty()) {
            throw new IllegalArgumentException("createStoragePool for provider " + ElastiStorPool.PROVIDER_NAME + " needs details["
                    + "0]." + key);
        }
        return value.trim();
    }

    /** https://host[:port] only: the key travels as a query parameter of every call, so the URL must carry nothing else. */
    public static String endpointUrl(String url) {
        if (url == null || url.trim().isEmpty()) {
            throw new IllegalArgumentException("The url of an " + ElastiStorPool.PROVIDER_NAME + " pool is the ElastiCenter endpoint,"
                    + " e.g. https://elasticenter.example.com");
        }
        URI uri;
        try {
            uri = URI.create(url.trim());
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("The ElastiCenter url is not a URL: " + e.getMessage());
        }
        if (!"https".equalsIgnoreCase(uri.getScheme()) || uri.getHost() == null || uri.getRawQuery() != null
                || uri.getRawUserInfo() != null) {
            throw new IllegalArgumentException("The ElastiCenter url must be https://host[:port] without credentials or query"
                    + " (put the API key in details[0].apisecretkey)");
        }
        return "https://" + uri.getHost() + (uri.getPort() > 0 ? ":" + uri.getPort() : "");
    }

    @Override
    public boolean attachCluster(DataStore store, ClusterScope scope) {
        dataStoreHelper.attachCluster(store);
        connectHosts(store, hostDao.findByClusterId(scope.getScopeId()));
        return true;
    }

    @Override
    public boolean attachZone(DataStore store, ZoneScope scope, HypervisorType hypervisorType) {
        if (hypervisorType != null && !HypervisorType.KVM.equals(hypervisorType)) {
            throw new IllegalArgumentException(ElastiStorPool.PROVIDER_NAME + " pools serve KVM only, not " + hypervisorType);
        }
        dataStoreHelper.attachZone(store, HypervisorType.KVM);
        connectHosts(store, hostDao.listAllHostsUpByZoneAndHypervisor(scope.getScopeId(), HypervisorType.KVM));
        return true;
    }

    /** A host that cannot be reached now gets the pool when it reconnects (the host listener runs again). */
    private void connectHosts(DataStore store, List<HostVO> hosts) {
        for (HostVO host : hosts) {
            try {
                hostListener.hostConnect(host.getId(), store.getId());
            } catch (RuntimeException e) {
                LOG.warn("ElastiStor pool {} is not yet usable from host {}: {}", store.getName(), host.getName(), e.getMessage());
            }
        }
    }

    @Override
    public boolean attachHost(DataStore store, HostScope scope, StoragePoolInfo existingInfo) {
        return false;
    }

    @Override
    public boolean maintain(DataStore store) {
        return dataStoreHelper.maintain(store);
    }

    @Override
    public boolean cancelMaintain(DataStore store) {
        return dataStoreHelper.cancelMaintain(store);
    }

    /** CloudStack's helper removes the pool row but none of its details: ours (the encrypted key among them) go too. */
    @Override
    public boolean deleteDataStore(DataStore store) {
        boolean deleted = dataStoreHelper.deletePrimaryDataStore(store);
        if (deleted) {
            poolDetailsDao.removeDetails(store.getId());
        }
        return deleted;
    }

    @Override
    public boolean migrateToObjectStore(DataStore store) {
        return false;
    }

    /**
     * Rotates the key or changes the trust without re-registering. CloudStack 4.22's updateStoragePool does not call
     * this (it stores the details itself; {@link ElastiCenterArrays} repairs that), later versions may.
     */
    @Override
    public void updateStoragePool(StoragePool storagePool, Map<String, String> details) {
        Map<String, String> input = lowerCaseKeys(details);
        String apiKey = input.get(INPUT_API_KEY);
        if (apiKey != null && !apiKey.trim().isEmpty()) {
            arrays.storeApiKey(storagePool.getId(), apiKey(apiKey));
        }
        String tls = input.get(INPUT_TLS);
        if (tls != null) {
            // Validated before the old value goes; an empty one hands the pool back to elastistor.tls.default.
            String spec = tls.trim().isEmpty() ? null : trust(tls).spec();
            poolDetailsDao.removeDetail(storagePool.getId(), ElastiStorPool.DETAIL_TLS);
            if (spec != null) {
                poolDetailsDao.addDetail(storagePool.getId(), ElastiStorPool.DETAIL_TLS, spec, true);
            }
        }
    }

    @Override
    public void enableStoragePool(DataStore store) {
        dataStoreHelper.enable(store);
    }

    @Override
    public void disableStoragePool(DataStore store) {
        dataStoreHelper.disable(store);
    }

    @Override
    public void changeStoragePoolScopeToZone(DataStore store, ClusterScope clusterScope, HypervisorType hypervisorType) {
        dataStoreHelper.switchToZone(store, hypervisorType);
    }

    @Override
    public void changeStoragePoolScopeToCluster(DataStore store, ClusterScope clusterScope, HypervisorType hypervisorType) {
        dataStoreHelper.switchToCluster(store, clusterScope);
    }
}
