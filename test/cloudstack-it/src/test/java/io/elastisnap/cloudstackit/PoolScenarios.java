// Licensed under the Apache License, Version 2.0. See LICENSE in the project root.
package io.elastisnap.cloudstackit;

import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertFalse;
import static org.junit.Assert.assertTrue;
import static org.junit.Assert.fail;

import java.util.List;

import org.junit.After;
import org.junit.Before;
import org.junit.Test;

import com.google.gson.JsonObject;

/**
 * Pool registration as the README describes it, every bad input, maintenance, key rotation, delete and a management
 * server restart, through the real API; no answer, job result or database row may carry the ElastiCenter key.
 */
public class PoolScenarios {
    private Lab lab;
    private KeyForms key;
    private String poolId;

    @Before
    public void setUp() {
        lab = Lab.require();
        key = new KeyForms(lab.ecKey());
    }

    @After
    public void deletePool() {
        if (poolId != null) {
            lab.deletePool(poolId);
        }
    }

    private JsonObject register(String name, String... extra) {
        JsonObject pool = lab.registerPool(name, extra);
        poolId = pool.get("id").getAsString();
        return pool;
    }

    @Test
    public void registeredPoolIsUpAndNoAnswerCarriesTheKey() {
        JsonObject created = register("it-register");
        key.assertAbsent("createStoragePool answer", created.toString());
        assertEquals("Up", created.get("state").getAsString());
        assertEquals("ElastiStor", created.get("provider").getAsString());
        assertTrue("managed", created.get("managed").getAsBoolean());
        assertEquals("Iscsi", created.get("type").getAsString());
        JsonObject listed = lab.api.list("listStoragePools", "storagepool", "id", poolId).get(0);
        key.assertAbsent("listStoragePools answer", listed.toString());
        assertTrue(listed.toString(), listed.getAsJsonObject("details").has("elasticenter.url"));
    }

    @Test
    public void wrongKeyIsRefusedWithoutEchoingIt() {
        ApiError error = refused("it-wrong-key", "details[0].apisecretkey", "not-the-key-" + System.nanoTime());
        assertTrue(error.text, error.text.contains("ElastiCenter") && error.text.toLowerCase().contains("key"));
        key.assertAbsent("the refusal", error.text);
    }

    @Test
    public void wrongCertificatePinIsRefused() {
        ApiError error = refused("it-wrong-pin", "details[0].tls", "sha256:" + "00".repeat(32));
        assertTrue(error.text, error.text.toLowerCase().contains("certificate") || error.text.contains("TLS"));
    }

    @Test
    public void unknownTsmIsRefusedNamingIt() {
        ApiError error = refused("it-no-tsm", "details[0].tsm", "no-such-tsm");
        assertTrue(error.text, error.text.contains("no TSM 'no-such-tsm'"));
    }

    @Test
    public void plainHttpIsRefused() {
        ApiError error = refused("it-http", "url", lab.settings.ecUrl.replaceFirst("^https:", "http:"));
        assertTrue(error.text, error.text.contains("https://host[:port]"));
    }

    @Test
    public void hypervisorOtherThanKvmIsRefused() {
        ApiError error = refused("it-not-kvm", "scope", "zone", "podid", "-", "clusterid", "-", "hypervisor", "Simulator");
        assertTrue(error.text, error.text.contains("KVM only"));
    }

    @Test
    public void keyUnderADetailNameTheApiLogShowsIsRefused() {
        // not the real key: CloudStack's API log records this parameter before the plugin can refuse it (that is why
        // it is refused), and the key audit must find the real key nowhere
        String loggedKey = "key-sent-under-a-logged-name-" + System.nanoTime();
        ApiError error = refused("it-apikey-name", "details[0].apisecretkey", "-", "details[0].apikey", loggedKey);
        assertTrue(error.text, error.text.contains("details[0].apisecretkey"));
        assertFalse("the refusal does not echo the key", error.text.contains(loggedKey));
    }

    @Test
    public void maintenanceJobResultsCarryNoKey() {
        register("it-maintenance");
        JsonObject entered = lab.api.call("enableStorageMaintenance", "id", poolId);
        key.assertAbsent("enableStorageMaintenance job result", entered.toString());
        assertEquals("Maintenance", entered.getAsJsonObject("storagepool").get("state").getAsString());
        JsonObject left = lab.api.call("cancelStorageMaintenance", "id", poolId);
        key.assertAbsent("cancelStorageMaintenance job result", left.toString());
        assertEquals("Up", left.getAsJsonObject("storagepool").get("state").getAsString());
    }

    @Test
    public void keyRotationAnswersWithoutTheKey() {
        register("it-rotate");
        JsonObject updated = lab.api.call("updateStoragePool", "id", poolId, "details[0].apisecretkey", lab.ecKey())
                .getAsJsonObject("storagepool");
        key.assertAbsent("updateStoragePool answer", updated.toString());
        JsonObject listed = lab.api.list("listStoragePools", "storagepool", "id", poolId).get(0);
        key.assertAbsent("listStoragePools answer after a rotation", listed.toString());
        if (lab.hasDatabase()) {
            for (String[] row : lab.sql("SELECT name, value FROM storage_pool_details WHERE pool_id = (SELECT id FROM storage_pool"
                    + " WHERE uuid = '" + poolId + "')")) {
                key.assertAbsent("storage_pool_details row " + row[0], row[1]);
            }
        }
    }

    @Test
    public void deletedPoolLeavesNoDetailRows() {
        lab.requireDatabase("detail rows are not visible through the API once the pool is gone");
        register("it-delete");
        String dbId = lab.sql("SELECT id FROM storage_pool WHERE uuid = '" + poolId + "'").get(0)[0];
        assertFalse("the registered pool has detail rows", lab.sql("SELECT name FROM storage_pool_details WHERE pool_id = " + dbId).isEmpty());
        lab.deletePool(poolId);
        poolId = null;
        List<String[]> left = lab.sql("SELECT name FROM storage_pool_details WHERE pool_id = " + dbId);
        assertTrue("detail rows left by deleteStoragePool: " + left.stream().map(r -> r[0]).reduce((a, b) -> a + ", " + b).orElse(""),
                left.isEmpty());
    }

    @Test
    public void poolsSurviveAManagementServerRestart() {
        register("it-restart");
        lab.restartManagementServer();
        JsonObject listed = lab.api.list("listStoragePools", "storagepool", "id", poolId).get(0);
        assertEquals("Up", listed.get("state").getAsString());
        assertTrue("ElastiStor still listed as a provider", lab.api.list("listStorageProviders", "dataStoreProvider", "type", "primary")
                .stream().anyMatch(p -> "ElastiStor".equals(p.get("name").getAsString())));
        JsonObject entered = lab.api.call("enableStorageMaintenance", "id", poolId);
        assertEquals("Maintenance", entered.getAsJsonObject("storagepool").get("state").getAsString());
    }

    private ApiError refused(String name, String... extra) {
        try {
            register(name, extra);
        } catch (ApiError e) {
            return e;
        }
        fail("createStoragePool " + name + " was accepted");
        throw new AssertionError();
    }
}
