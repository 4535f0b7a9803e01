// Licensed under the Apache License, Version 2.0. See LICENSE in the project root.
package io.elastisnap.cloudstackit;

import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertFalse;
import static org.junit.Assert.assertTrue;
import static org.junit.Assert.fail;
import static org.junit.Assume.assumeTrue;

import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import org.junit.BeforeClass;
import org.junit.FixMethodOrder;
import org.junit.Test;
import org.junit.runners.MethodSorters;

import com.google.gson.JsonElement;
import com.google.gson.JsonObject;

/**
 * The plugin's own API commands in a real management server: registered (listApis shows them, their parameters and
 * that the lease commands are async jobs), admin-only (a user account neither sees nor runs them), their errors named
 * (missing or bad parameters, unknown or stopped VM), a lease attempt audited as an event, and the consistency report
 * of a snapshot the plugin took. No KVM host runs here, so no lease can freeze a guest: that is proven on the real
 * guest by test/e2e FreezeLeaseOnRealGuestTest.
 */
@FixMethodOrder(MethodSorters.NAME_ASCENDING)
public class ApiCommandScenarios {
    private static final String ACQUIRE = "acquireElastiStorFreezeLease";
    private static final String RELEASE = "releaseElastiStorFreezeLease";
    private static final String REPORT = "getElastiStorConsistencyReport";
    private static Lab lab;

    @BeforeClass
    public static void lab() {
        lab = Lab.require();
    }

    private static ApiError refused(CloudStackApi api, String command, String... params) {
        try {
            api.call(command, params);
        } catch (ApiError e) {
            return e;
        }
        fail(command + " was accepted");
        throw new AssertionError();
    }

    private static Map<String, JsonObject> parametersOf(JsonObject api) {
        Map<String, JsonObject> params = new HashMap<>();
        for (JsonElement p : api.getAsJsonArray("params")) {
            params.put(p.getAsJsonObject().get("name").getAsString(), p.getAsJsonObject());
        }
        return params;
    }

    @Test
    public void a01_theCommandsAreListedWithTheirParameters() {
        Map<String, Boolean> asyncOf = Map.of(ACQUIRE, true, RELEASE, true, REPORT, false);
        for (Map.Entry<String, Boolean> command : asyncOf.entrySet()) {
            List<JsonObject> apis = lab.api.list("listApis", "api", "name", command.getKey());
            assertEquals(command.getKey() + " is listed", 1, apis.size());
            assertEquals(command.getKey(), command.getValue(), apis.get(0).get("isasync").getAsBoolean());
        }
        Map<String, JsonObject> acquire = parametersOf(lab.api.list("listApis", "api", "name", ACQUIRE).get(0));
        assertTrue(acquire.get("virtualmachineid").get("required").getAsBoolean());
        assertTrue(acquire.get("duration").get("required").getAsBoolean());
        assertEquals("integer", acquire.get("duration").get("type").getAsString());
        Map<String, JsonObject> release = parametersOf(lab.api.list("listApis", "api", "name", RELEASE).get(0));
        assertTrue(release.get("leaseid").get("required").getAsBoolean());
        Map<String, JsonObject> report = parametersOf(lab.api.list("listApis", "api", "name", REPORT).get(0));
        assertFalse(report.get("snapshotid").get("required").getAsBoolean());
        assertFalse(report.get("vmsnapshotid").get("required").getAsBoolean());
    }

    @Test
    public void a02_aUserAccountNeitherSeesNorRunsThem() {
        String name = "it-user-" + UUID.randomUUID().toString().substring(0, 8);
        JsonObject account = lab.api.call("createAccount", "accounttype", "0", "username", name, "password", UUID.randomUUID().toString(),
                "email", name + "@example.com", "firstname", "it", "lastname", "user").getAsJsonObject("account");
        String userId = account.getAsJsonArray("user").get(0).getAsJsonObject().get("id").getAsString();
        try {
            JsonObject keys = lab.api.call("registerUserKeys", "id", userId).getAsJsonObject("userkeys");
            CloudStackApi user = new CloudStackApi(lab.settings.csUrl, keys.get("apikey").getAsString(), keys.get("secretkey").getAsString());
            assertTrue("the user sees the ordinary API", !user.list("listApis", "api", "name", "listVolumes").isEmpty());
            for (String command : List.of(ACQUIRE, RELEASE, REPORT)) {
                ApiError listed = refused(user, "listApis", "name", command);
                assertTrue(command + ": " + listed.getMessage(), listed.text.contains("unable to find an api by that name"));
                ApiError run = refused(user, command, "virtualmachineid", UUID.randomUUID().toString(), "duration", "1", "leaseid", "x",
                        "snapshotid", UUID.randomUUID().toString());
                assertTrue(command + ": " + run.getMessage(), run.code == 401 || run.code == 432);
            }
        } finally {
            lab.api.call("deleteAccount", "id", account.get("id").getAsString());
        }
    }

    @Test
    public void a03_leaseErrorsNameTheProblem() {
        ApiError noDuration = refused(lab.api, ACQUIRE, "virtualmachineid", UUID.randomUUID().toString());
        assertEquals(noDuration.getMessage(), 431, noDuration.code);
        assertTrue(noDuration.text, noDuration.text.contains("duration"));
        ApiError unknownVm = refused(lab.api, ACQUIRE, "virtualmachineid", "no-such-vm", "duration", "2");
        assertEquals(431, unknownVm.code);
        assertTrue(unknownVm.text, unknownVm.text.contains("No virtual machine with id no-such-vm"));
        assumeTrue("needs elastisnap.cs.vm (a stopped VM)", lab.settings.attachVm != null);
        ApiError tooLong = refused(lab.api, ACQUIRE, "virtualmachineid", lab.settings.attachVm, "duration", "99");
        assertEquals(431, tooLong.code);
        assertTrue(tooLong.text, tooLong.text.contains("duration must be 1 to 8 seconds")
                && tooLong.text.contains("elastistor.max.frozen.window.ms"));
        ApiError stopped = refused(lab.api, ACQUIRE, "virtualmachineid", lab.settings.attachVm, "duration", "2");
        assertEquals(431, stopped.code);
        assertTrue(stopped.text, stopped.text.contains("only a running VM's file systems can be frozen"));
        ApiError release = refused(lab.api, RELEASE, "virtualmachineid", lab.settings.attachVm, "leaseid", "no-such-lease");
        assertEquals(431, release.code);
    }

    @Test
    public void a04_leaseAttemptsAreAuditedAsEvents() {
        assumeTrue("needs elastisnap.cs.vm (a stopped VM)", lab.settings.attachVm != null);
        refused(lab.api, ACQUIRE, "virtualmachineid", lab.settings.attachVm, "duration", "3");
        List<JsonObject> events = lab.api.list("listEvents", "event", "type", "ELASTISTOR.FREEZE.LEASE.ACQUIRE", "listall", "true");
        assertTrue("events: " + events, events.stream().anyMatch(e -> "ERROR".equals(e.get("level").getAsString())
                && e.get("description").getAsString().contains("only a running VM's file systems can be frozen")));
        assertTrue("events: " + events, events.stream().anyMatch(e -> e.get("description").getAsString()
                .contains("freezing the file systems of VM " + lab.settings.attachVm + " for at most 3 s")));
    }

    @Test
    public void a05_theReportOfASnapshotShowsItsLevelAndReasonAndItsErrorsNameTheProblem() {
        ApiError neither = refused(lab.api, REPORT);
        assertEquals(431, neither.code);
        assertTrue(neither.text, neither.text.contains("Give either snapshotid or vmsnapshotid"));
        ApiError unknown = refused(lab.api, REPORT, "snapshotid", "no-such-snapshot");
        assertTrue(unknown.text, unknown.code == 431 && unknown.text.contains("No snapshot with id no-such-snapshot"));

        String tag = "it-report";
        String poolId = lab.registerPool(tag, "scope", "zone", "podid", "-", "clusterid", "-", "hypervisor", "KVM").get("id").getAsString();
        String offeringId = lab.api.call("createDiskOffering", "name", tag, "displaytext", tag, "disksize", "1", "tags", tag)
                .getAsJsonObject("diskoffering").get("id").getAsString();
        String volumeId = null;
        String snapshotId = null;
        try {
            volumeId = lab.volumeOnPool(poolId, offeringId, tag).get("id").getAsString();
            snapshotId = lab.api.call("createSnapshot", "volumeid", volumeId).getAsJsonObject("snapshot").get("id").getAsString();
            JsonObject report = lab.api.call(REPORT, "snapshotid", snapshotId).getAsJsonObject("elastistorconsistencyreport");
            assertEquals(report.toString(), "VM_NOT_RUNNING", report.get("consistencylevel").getAsString());
            assertEquals(report.toString(), 0, report.get("frozenwindowms").getAsLong());
            assertTrue(report.toString(), report.get("reason").getAsString().contains("not running"));
        } finally {
            if (snapshotId != null) {
                lab.api.call("deleteSnapshot", "id", snapshotId);
            }
            if (volumeId != null) {
                lab.api.call("deleteVolume", "id", volumeId);
            }
            lab.api.call("deleteDiskOffering", "id", offeringId);
            lab.deletePool(poolId);
        }
    }
}
