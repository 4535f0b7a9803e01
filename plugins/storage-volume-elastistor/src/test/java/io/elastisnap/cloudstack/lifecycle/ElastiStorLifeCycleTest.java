// Licensed under the Apache License, Version 2.0. See LICENSE in the project root.
package io.elastisnap.cloudstack.lifecycle;

import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertFalse;
import static org.junit.Assert.assertTrue;
import static org.junit.Assert.fail;
import static org.mockito.ArgumentMatchers.any;
import static org.mockito.ArgumentMatchers.anyLong;
import static org.mockito.ArgumentMatchers.eq;
import static org.mockito.Mockito.mock;
import static org.mockito.Mockito.never;
import static org.mockito.Mockito.spy;
import static org.mockito.Mockito.times;
import static org.mockito.Mockito.verify;
import static org.mockito.Mockito.when;

import java.util.Arrays;
import java.util.HashMap;
import java.util.Map;

import org.apache.cloudstack.engine.subsystem.api.storage.ClusterScope;
import org.apache.cloudstack.engine.subsystem.api.storage.DataStore;
import org.apache.cloudstack.engine.subsystem.api.storage.PrimaryDataStoreParameters;
import org.apache.cloudstack.storage.volume.datastore.PrimaryDataStoreHelper;
import org.junit.After;
import org.junit.Before;
import org.junit.Test;
import org.mockito.ArgumentCaptor;

import com.cloud.agent.AgentManager;
import com.cloud.agent.api.Answer;
import com.cloud.agent.api.Command;
import com.cloud.agent.api.ModifyStoragePoolCommand;
import com.cloud.host.HostVO;
import com.cloud.host.dao.HostDao;
import com.cloud.hypervisor.Hypervisor.HypervisorType;
import com.cloud.storage.Storage.StoragePoolType;
import com.cloud.storage.StoragePoolHostVO;
import com.cloud.storage.dao.StoragePoolHostDao;
import com.cloud.utils.exception.CloudRuntimeException;

import io.elastisnap.cloudstack.ElastiStorPool;
import io.elastisnap.cloudstack.array.ElastiCenterArrays;
import io.elastisnap.cloudstack.array.PoolConnection;
import io.elastisnap.cloudstack.command.ElastiCenterEndpoint;
import io.elastisnap.cloudstack.testsupport.FakeDb;
import io.elastisnap.cloudstack.testsupport.SimulatedPools;
import io.elastisnap.cloudstack.testsupport.Wiring;
import io.elastisnap.elasticenter.ElastiCenterClient;
import io.elastisnap.elasticenter.IscsiAuthUser;
import io.elastisnap.elasticenter.Secret;
import io.elastisnap.elasticenter.TlsTrust;
import io.elastisnap.simulator.ElastiCenterSimulator;

public class ElastiStorLifeCycleTest {
    private FakeDb db;
    private SimulatedPools pools;
    private ElastiCenterSimulator sim;
    private PrimaryDataStoreHelper helper;
    private HostDao hostDao;
    private AgentManager agentManager;
    private StoragePoolHostDao poolHostDao;
    private ElastiStorHostListener listener;
    private ElastiStorPrimaryDataStoreLifeCycle lifeCycle;
    private ElastiCenterArrays arrays;
    private DataStore created;

    @Before
    public void setUp() {
        db = new FakeDb();
        pools = new SimulatedPools(db);
        sim = pools.add(1L);
        helper = mock(PrimaryDataStoreHelper.class);
        hostDao = mock(HostDao.class);
        agentManager = mock(AgentManager.class);
        poolHostDao = mock(StoragePoolHostDao.class);
        created = mock(DataStore.class);
        when(created.getId()).thenReturn(9L);
        when(created.getName()).thenReturn("es1");
        when(helper.createPrimaryDataStore(any())).thenReturn(created);
        listener = Wiring.inject(new ElastiStorHostListener(), agentManager, db.poolDao, poolHostDao);
        arrays = spy(pools.arrays);
        lifeCycle = Wiring.inject(new ElastiStorPrimaryDataStoreLifeCycle(), helper, db.poolDetails, hostDao, arrays,
                pools.settings, listener);
    }

    @After
    public void tearDown() {
        pools.close();
    }

    private Map<String, Object> request(String url, Map<String, String> details) {
        Map<String, Object> dsInfos = new HashMap<>();
        dsInfos.put("url", url);
        dsInfos.put("name", "es1");
        dsInfos.put("zoneId", 1L);
        dsInfos.put("podId", 2L);
        dsInfos.put("clusterId", 3L);
        dsInfos.put("hypervisorType", HypervisorType.KVM);
        dsInfos.put("details", details);
        return dsInfos;
    }

    private Map<String, String> details() {
        Map<String, String> details = new HashMap<>();
        details.put("apiSecretKey", sim.apiKey());
        details.put("account", sim.defaults().accountName());
        details.put("tsm", sim.defaults().tsmName());
        details.put("tls", "sha256:" + sim.certificateSha256());
        return details;
    }

    @Test
    public void registersAManagedIscsiPoolWithTheKeyEncryptedAndHidden() {
        DataStore store = lifeCycle.initialize(request(sim.baseUrl().toString(), details()));

        ArgumentCaptor<PrimaryDataStoreParameters> params = ArgumentCaptor.forClass(PrimaryDataStoreParameters.class);
        verify(helper).createPrimaryDataStore(params.capture());
        PrimaryDataStoreParameters p = params.getValue();
        assertEquals(StoragePoolType.Iscsi, p.getType());
        assertTrue(p.isManaged());
        assertEquals(ElastiStorPool.PROVIDER_NAME, p.getProviderName());
        assertEquals(sim.defaults().tsmIpAddress(), p.getHost());
        assertEquals(3260, p.getPort());
        assertEquals(sim.defaults().tsmId(), p.getDetails().get(ElastiStorPool.DETAIL_TSM_ID));
        assertEquals(sim.defaults().accountId(), p.getDetails().get(ElastiStorPool.DETAIL_ACCOUNT_ID));
        assertFalse("the key never travels in the displayed details", p.getDetails().containsValue(sim.apiKey()));
        String stored = db.poolDetailRows.get(9L).get(ElastiStorPool.DETAIL_API_KEY);
        assertEquals(Secret.of(sim.apiKey()), SimulatedPools.CIPHER.decrypt(stored));
        assertFalse(stored.contains(sim.apiKey()));
        assertFalse(db.isDisplayed(org.apache.cloudstack.storage.datastore.db.StoragePoolDetailsDao.class, 9L,
                ElastiStorPool.DETAIL_API_KEY));
        assertEquals(created, store);
    }

    @Test
    public void deletingThePoolRemovesEveryDetailRowOfIt() {
        lifeCycle.initialize(request(sim.baseUrl().toString(), details()));
        db.poolDetails.addDetail(9L, ElastiStorPool.DETAIL_URL, sim.baseUrl().toString(), true);
        when(helper.deletePrimaryDataStore(created)).thenReturn(true);

        assertTrue(lifeCycle.deleteDataStore(created));

        assertTrue(db.poolDetailRows.getOrDefault(9L, java.util.Collections.emptyMap()).isEmpty());
    }

    @Test
    public void registrationPutsThePoolBehindANewChapAuthGroupWithItsSecretEncryptedAndHidden() {
        lifeCycle.initialize(request(sim.baseUrl().toString(), details()));

        Map<String, String> rows = db.poolDetailRows.get(9L);
        String group = rows.get(ElastiStorPool.DETAIL_CHAP_AUTH_GROUP_ID);
        IscsiAuthUser user = client().listIscsiAuthUsers(sim.defaults().accountId(), group).get(0);
        assertEquals(user.chapUser(), rows.get(ElastiStorPool.DETAIL_CHAP_USER));
        assertEquals(user.chapSecret(), SimulatedPools.CIPHER.decrypt(rows.get(ElastiStorPool.DETAIL_CHAP_SECRET)));
        assertFalse(rows.get(ElastiStorPool.DETAIL_CHAP_SECRET).contains(user.chapSecret().reveal()));
        assertFalse(db.isDisplayed(org.apache.cloudstack.storage.datastore.db.StoragePoolDetailsDao.class, 9L,
                ElastiStorPool.DETAIL_CHAP_SECRET));
        assertEquals(null, rows.get(ElastiStorPool.DETAIL_CHAP));
    }

    @Test
    public void aRegistrationFailingAfterItMadeTheAuthGroupDeletesTheGroupButNeverAnOperatorsOne() {
        when(helper.createPrimaryDataStore(any())).thenThrow(new CloudRuntimeException("Storage pool es1 already exists"));
        try {
            lifeCycle.initialize(request(sim.baseUrl().toString(), details()));
            fail();
        } catch (CloudRuntimeException e) {
            assertTrue(e.getMessage(), e.getMessage().contains("already exists"));
        }
        assertEquals("the group was made", 1, sim.requestLog().count("addiSCSIAuthGroup"));
        assertEquals("and deleted again", 1, sim.requestLog().count("deleteiSCSIAuthGroup"));
        assertTrue(client().listIscsiAuthGroups(sim.defaults().accountId()).stream().allMatch(g -> g.isNamed("None")));

        client().addIscsiAuthGroup(sim.defaults().accountId(), "ops-chap", "opsuser", Secret.of("made-by-the-operator"));
        Map<String, String> named = details();
        named.put("chapAuthGroup", "ops-chap");
        try {
            lifeCycle.initialize(request(sim.baseUrl().toString(), named));
            fail();
        } catch (CloudRuntimeException expected) {
            // same failure
        }
        assertEquals("the operator's group stays", 1, sim.requestLog().count("deleteiSCSIAuthGroup"));
        assertTrue(client().listIscsiAuthGroups(sim.defaults().accountId()).stream().anyMatch(g -> g.isNamed("ops-chap")));
    }

    @Test
    public void anAuthGroupMadeOnTheApplianceCanBeNamedInstead() {
        String group = client().addIscsiAuthGroup(sim.defaults().accountId(), "ops-chap", "opsuser",
                Secret.of("made-by-the-operator")).id();
        Map<String, String> details = details();
        details.put("chapAuthGroup", "ops-chap");

        lifeCycle.initialize(request(sim.baseUrl().toString(), details));

        Map<String, String> rows = db.poolDetailRows.get(9L);
        assertEquals(group, rows.get(ElastiStorPool.DETAIL_CHAP_AUTH_GROUP_ID));
        assertEquals("opsuser", rows.get(ElastiStorPool.DETAIL_CHAP_USER));
        assertEquals(Secret.of("made-by-the-operator"), SimulatedPools.CIPHER.decrypt(rows.get(
                ElastiStorPool.DETAIL_CHAP_SECRET)));
        assertEquals("no second group", 1, sim.requestLog().count("addiSCSIAuthGroup"));

        details.put("chapAuthGroup", "no-such-group");
        try {
            lifeCycle.initialize(request(sim.baseUrl().toString(), details));
            fail();
        } catch (IllegalArgumentException e) {
            assertTrue(e.getMessage(), e.getMessage().contains("no iSCSI auth group 'no-such-group'"));
        }
        verify(helper, times(1)).createPrimaryDataStore(any());
    }

    @Test
    public void chapIsOffOnlyByAnExplicitFalseAndContradictionsAreRefused() {
        Map<String, String> off = details();
        off.put("chap", "false");
        lifeCycle.initialize(request(sim.baseUrl().toString(), off));
        ArgumentCaptor<PrimaryDataStoreParameters> params = ArgumentCaptor.forClass(PrimaryDataStoreParameters.class);
        verify(helper).createPrimaryDataStore(params.capture());
        assertEquals(ElastiStorPool.CHAP_OFF, params.getValue().getDetails().get(ElastiStorPool.DETAIL_CHAP));
        assertEquals(0, sim.requestLog().count("addiSCSIAuthGroup"));

        for (String bad : Arrays.asList("no", "off", "0")) {
            Map<String, String> unclear = details();
            unclear.put("chap", bad);
            try {
                lifeCycle.initialize(request(sim.baseUrl().toString(), unclear));
                fail(bad);
            } catch (IllegalArgumentException e) {
                assertTrue(e.getMessage(), e.getMessage().contains("details[0].chap is true or false"));
            }
        }
        Map<String, String> both = details();
        both.put("chap", "false");
        both.put("chapauthgroup", "x");
        try {
            lifeCycle.initialize(request(sim.baseUrl().toString(), both));
            fail();
        } catch (IllegalArgumentException e) {
            assertTrue(e.getMessage(), e.getMessage().contains("contradict"));
        }
    }

    private ElastiCenterClient client() {
        return arrays.client(new PoolConnection(new ElastiCenterEndpoint(sim.baseUrl().toString(),
                TlsTrust.pinnedSha256(sim.certificateSha256())), Secret.of(sim.apiKey())));
    }

    @Test
    public void aWrongKeyOrTsmIsRefusedBeforeAnythingIsStored() {
        Map<String, String> wrongKey = details();
        wrongKey.put("apisecretkey", "not-the-key");
        wrongKey.remove("apiSecretKey");
        try {
            lifeCycle.initialize(request(sim.baseUrl().toString(), wrongKey));
            fail();
        } catch (CloudRuntimeException e) {
            assertFalse(e.getMessage().contains("not-the-key"));
        }
        Map<String, String> wrongTsm = details();
        wrongTsm.put("tsm", "NOPE");
        try {
            lifeCycle.initialize(request(sim.baseUrl().toString(), wrongTsm));
            fail();
        } catch (IllegalArgumentException e) {
            assertTrue(e.getMessage(), e.getMessage().contains("NOPE"));
        }
        verify(helper, never()).createPrimaryDataStore(any());
    }

    @Test
    public void theUrlMustBeAnHttpsEndpointWithoutCredentials() {
        for (String bad : Arrays.asList("http://ec.example", "https://ec.example/client/api?apikey=x", "https://user:pw@ec.example", "")) {
            try {
                ElastiStorPrimaryDataStoreLifeCycle.endpointUrl(bad);
                fail(bad);
            } catch (IllegalArgumentException expected) {
                assertFalse(expected.getMessage().contains("pw"));
            }
        }
        assertEquals("https://ec.example:8443", ElastiStorPrimaryDataStoreLifeCycle.endpointUrl("https://ec.example:8443/"));
    }

    @Test
    public void aKeyPassedUnderALoggedNameIsRefused() {
        Map<String, String> loggedName = details();
        loggedName.put("apikey", loggedName.remove("apiSecretKey"));
        try {
            lifeCycle.initialize(request(sim.baseUrl().toString(), loggedName));
            fail();
        } catch (IllegalArgumentException e) {
            assertTrue(e.getMessage(), e.getMessage().contains("details[0].apisecretkey"));
            assertFalse(e.getMessage().contains(sim.apiKey()));
        }
        verify(helper, never()).createPrimaryDataStore(any());
    }

    @Test
    public void missingDetailsAreNamed() {
        Map<String, String> noKey = details();
        noKey.remove("apiSecretKey");
        try {
            lifeCycle.initialize(request(sim.baseUrl().toString(), noKey));
            fail();
        } catch (IllegalArgumentException e) {
            assertTrue(e.getMessage(), e.getMessage().contains("details[0].apisecretkey"));
        }
    }

    @Test
    public void attachClusterRegistersThePoolOnEveryHostAndToleratesAnUnreachableOne() throws Exception {
        db.pool(9L, ElastiStorPool.PROVIDER_NAME);
        HostVO up = host(41L);
        HostVO down = host(42L);
        when(hostDao.findByClusterId(3L)).thenReturn(Arrays.asList(up, down));
        when(agentManager.send(eq(41L), any(Command.class))).thenReturn(new Answer(null, true, null));
        when(agentManager.send(eq(42L), any(Command.class))).thenReturn(new Answer(null, false, "iscsiadm missing"));

        assertTrue(lifeCycle.attachCluster(created, new ClusterScope(3L, 2L, 1L)));

        verify(helper).attachCluster(created);
        verify(agentManager, times(2)).send(anyLong(), any(ModifyStoragePoolCommand.class));
        verify(poolHostDao, times(1)).persist(any(StoragePoolHostVO.class));
    }

    @Test
    public void hostConnectFailsLoudlyWhenTheHostRefusesThePool() throws Exception {
        db.pool(9L, ElastiStorPool.PROVIDER_NAME);
        when(agentManager.send(eq(41L), any(Command.class))).thenReturn(new Answer(null, false, "no iscsiadm"));
        try {
            listener.hostConnect(41L, 9L);
            fail();
        } catch (CloudRuntimeException e) {
            assertTrue(e.getMessage(), e.getMessage().contains("no iscsiadm"));
        }
        verify(poolHostDao, never()).persist(any());
    }

    @Test
    public void rotatingTheKeyReplacesTheEncryptedDetail() {
        db.pool(9L, ElastiStorPool.PROVIDER_NAME);
        Map<String, String> update = new HashMap<>();
        update.put("apisecretkey", "new-key");
        lifeCycle.updateStoragePool(db.pools.get(9L), update);
        assertEquals(Secret.of("new-key"), SimulatedPools.CIPHER.decrypt(db.poolDetailRows.get(9L).get(ElastiStorPool.DETAIL_API_KEY)));
    }

    @Test
    public void registrationVerifiesThroughTheCachedClientAndLeavesItOpenForThePool() {
        lifeCycle.initialize(request(sim.baseUrl().toString(), details()));

        ArgumentCaptor<PoolConnection> used = ArgumentCaptor.forClass(PoolConnection.class);
        verify(arrays).client(used.capture());
        assertEquals(Secret.of(sim.apiKey()), used.getValue().apiKey());
        assertEquals("sha256:" + sim.certificateSha256(), used.getValue().endpoint().tlsSpec());
        ElastiCenterClient cached = pools.arrays.client(used.getValue());
        assertFalse("still open after registration", cached.listAccounts().isEmpty());
    }

    @Test
    public void anUnusableTlsDetailIsRefusedNamingTheDetail() {
        Map<String, String> badTls = details();
        badTls.put("tls", "ca:");
        try {
            lifeCycle.initialize(request(sim.baseUrl().toString(), badTls));
            fail();
        } catch (IllegalArgumentException e) {
            assertTrue(e.getMessage(), e.getMessage().startsWith("details[0].tls: TLS trust 'ca:' names no file"));
        }
        verify(helper, never()).createPrimaryDataStore(any());
    }

    @Test
    public void updatingTheTlsStoresTheCanonicalFormAndAnEmptyOneFallsBackToTheGlobalDefault() {
        db.pool(9L, ElastiStorPool.PROVIDER_NAME);
        Map<String, String> update = new HashMap<>();
        update.put("tls", " SHA256:" + sim.certificateSha256().toUpperCase());
        lifeCycle.updateStoragePool(db.pools.get(9L), update);
        assertEquals("sha256:" + sim.certificateSha256(), db.poolDetailRows.get(9L).get(ElastiStorPool.DETAIL_TLS));

        update.put("tls", "pin:" + sim.certificateSha256());
        try {
            lifeCycle.updateStoragePool(db.pools.get(9L), update);
            fail();
        } catch (IllegalArgumentException e) {
            assertTrue(e.getMessage(), e.getMessage().contains("sha256:<fingerprint>"));
        }
        assertEquals("a refused value leaves the old one", "sha256:" + sim.certificateSha256(),
                db.poolDetailRows.get(9L).get(ElastiStorPool.DETAIL_TLS));

        update.put("tls", " ");
        lifeCycle.updateStoragePool(db.pools.get(9L), update);
        assertFalse(db.poolDetailRows.get(9L).containsKey(ElastiStorPool.DETAIL_TLS));
    }

    private static HostVO host(long id) {
        HostVO host = mock(HostVO.class);
        when(host.getId()).thenReturn(id);
        when(host.getName()).thenReturn("kvm" + id);
        return host;
    }
}
