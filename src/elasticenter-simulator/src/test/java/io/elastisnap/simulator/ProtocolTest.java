// Licensed under the Apache License, Version 2.0. See LICENSE in the project root.
package io.elastisnap.simulator;

import com.google.gson.JsonArray;
import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import org.junit.AfterClass;
import org.junit.BeforeClass;
import org.junit.Test;

import java.time.Duration;
import java.util.Map;

import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertFalse;
import static org.junit.Assert.assertNull;
import static org.junit.Assert.assertTrue;

/** Envelopes, casing, value types, empty lists, errors and parameter decoding, over real HTTPS. */
public class ProtocolTest {
    private static ElastiCenterSimulator simulator;
    private static ApiTestClient api;
    private static SimDefaults defaults;

    @BeforeClass
    public static void start() {
        simulator = ElastiCenterSimulator.builder().apiKey("protocol-test-key_0123456789").start();
        api = new ApiTestClient(simulator);
        defaults = simulator.defaults();
    }

    @AfterClass
    public static void stop() {
        simulator.close();
    }

    @Test
    public void listCapabilitiesHasCloudByteVersionAndOnlyPrimitives() {
        JsonObject capability = api.call("listCapabilities").ok("listcapabilitiesresponse")
                .getAsJsonObject("capability");
        assertEquals(JsonViews.VERSION, capability.get("cloudByteVersion").getAsString());
        for (Map.Entry<String, JsonElement> field : capability.entrySet()) {
            assertTrue(field.getKey() + " must be a primitive for CloudStack", field.getValue().isJsonPrimitive());
        }
    }

    @Test
    public void listAccountListsTheSeededAccount() {
        JsonObject body = api.call("listAccount").ok("listAccountResponse");
        JsonObject account = body.getAsJsonArray("account").get(0).getAsJsonObject();
        assertEquals(body.getAsJsonArray("account").size(), body.get("count").getAsInt());
        assertEquals(defaults.accountId(), account.get("id").getAsString());
        assertEquals(defaults.accountName(), account.get("name").getAsString());
    }

    @Test
    public void listTsmCarriesDatasetIdAndIpAndFiltersByAccount() {
        JsonObject body = api.call("listTsm", "accountid", defaults.accountId()).ok("listTsmResponse");
        JsonObject tsm = body.getAsJsonArray("listTsm").get(0).getAsJsonObject();
        assertEquals(1, body.get("count").getAsInt());
        assertEquals(defaults.tsmId(), tsm.get("id").getAsString());
        assertEquals(defaults.tsmDatasetId(), tsm.get("datasetid").getAsString());
        assertEquals(defaults.tsmIpAddress(), tsm.get("ipaddress").getAsString());
        assertEquals(defaults.poolName(), tsm.get("hapoolname").getAsString());
        assertTrue("numbers as strings", tsm.getAsJsonPrimitive("iops").isString());
        assertTrue(tsm.getAsJsonPrimitive("numericquota").isNumber());
    }

    @Test
    public void emptyListsHaveNeitherArrayNorCount() {
        assertEquals("{ \"listTsmResponse\" : {} }",
                api.call("listTsm", "accountid", "00000000-0000-0000-0000-000000000000").body);
        assertEquals("{ \"listFilesystemResponse\" : {} }",
                api.call("listFileSystem", "id", "00000000-0000-0000-0000-000000000000").body);
    }

    @Test
    public void tsmListsVolumesOnlyWhenItHasSome() {
        ElastiCenterSimulator fresh = ElastiCenterSimulator.builder().start();
        try {
            ApiTestClient freshApi = new ApiTestClient(fresh);
            JsonObject before = freshApi.call("listTsm").ok("listTsmResponse").getAsJsonArray("listTsm")
                    .get(0).getAsJsonObject();
            assertFalse("CloudStack reads volumes[0] of any volumes array", before.has("volumes"));
            SimVolume volume = fresh.provisionVolume("tsmvol", SizeUnits.GIB);
            JsonObject after = freshApi.call("listTsm").ok("listTsmResponse").getAsJsonArray("listTsm")
                    .get(0).getAsJsonObject();
            JsonObject listed = after.getAsJsonArray("volumes").get(0).getAsJsonObject();
            assertEquals(volume.id(), listed.get("id").getAsString());
            assertEquals(volume.zfsPath(), listed.get("path").getAsString());
        } finally {
            fresh.close();
        }
    }

    @Test
    public void addQosGroupDecoratesTheNameAndReturnsASingleObject() {
        JsonObject group = api.call("addQosGroup", "name", "QoS_deco", "tsmid", defaults.tsmId(), "iops", "20")
                .ok("addqosgroupresponse").getAsJsonObject("qosgroup");
        assertEquals("QoS_deco" + defaults.accountName() + defaults.tsmName(), group.get("name").getAsString());
        assertEquals("20", group.get("iops").getAsString());
        assertTrue(group.getAsJsonPrimitive("iops").isString());
    }

    @Test
    public void addQosGroupWithoutTsmIdIsTheCapturedMissingParameterError() {
        ApiTestClient.Response response = api.call("addQosGroup", "name", "QoS_x");
        assertEquals("Unable to execute API command addqosgroup due to missing parameter tsmid.",
                response.errorText("addqosgroupresponse", 431));
    }

    @Test
    public void addQosGroupOverTheIopsBudgetIs530() {
        String text = api.call("addQosGroup", "name", "QoS_huge", "tsmid", defaults.tsmId(), "iops", "999999999")
                .errorText("addqosgroupresponse", 530);
        assertTrue(text, text.startsWith("Failed to provision Qos group due to : [IOPS] : Iops value should not"
                + " exceed VSM's available IOPS: "));
    }

    @Test
    public void updateQosGroupAnswersAnArray() {
        String group = ApiFlows.addQosGroup(api, defaults, "QoS_upd");
        JsonObject body = api.call("updateQosGroup", "id", group, "iops", "300", "graceallowed", "false")
                .ok("updateqosresponse");
        assertEquals(1, body.get("count").getAsInt());
        assertEquals("300", body.getAsJsonArray("qosgroup").get(0).getAsJsonObject().get("iops").getAsString());
    }

    @Test
    public void createVolumeJobResultCarriesTheZfsPathAndLowerCaseTsmid() {
        JsonObject storage = ApiFlows.createVolume(api, defaults, "jobvol", "5G").getAsJsonObject("storage");
        assertEquals(defaults.poolName() + "/" + defaults.accountName() + defaults.tsmName() + "/jobvol",
                storage.get("path").getAsString());
        assertEquals(defaults.tsmId(), storage.get("tsmid").getAsString());
        assertEquals("5G", storage.get("quota").getAsString());
        assertEquals(defaults.accountName() + "jobvol", storage.get("mountpoint").getAsString());
    }

    @Test
    public void listFileSystemUsesItsOwnCasingAndTheIqnAsPath() {
        String id = ApiFlows.createVolumeId(api, defaults, "fsvol");
        JsonObject body = api.call("listFileSystem", "id", id).ok("listFilesystemResponse");
        assertEquals(1, body.get("count").getAsInt());
        JsonObject fs = body.getAsJsonArray("filesystem").get(0).getAsJsonObject();
        String accountInIqn = defaults.accountName().replace("_", "");
        String iqnPattern = "iqn\\.\\d{4}-\\d{2}\\." + accountInIqn + "\\." + defaults.tsmName() + ":" + accountInIqn
                + "fsvol";
        assertTrue(fs.get("iqnname").getAsString(), fs.get("iqnname").getAsString().matches(iqnPattern));
        assertEquals(fs.get("iqnname").getAsString(), fs.get("path").getAsString());
        assertEquals(defaults.tsmId(), fs.get("Tsmid").getAsString());
        assertFalse("only the capital-T spelling", fs.has("tsmid"));
        assertEquals(defaults.tsmIpAddress(), fs.get("ipaddress").getAsString());
        assertEquals("1G", fs.get("quota").getAsString());
        assertEquals(1024.0, fs.get("numericquota").getAsDouble(), 0.0);
        assertTrue(body.toString().contains("\"numericquota\":1024.0"));
        assertEquals(1024, fs.get("currentTotalSpace").getAsInt());
        assertTrue("a JSON boolean", fs.getAsJsonPrimitive("iscsienabled").isBoolean());
        assertTrue("a string boolean", fs.getAsJsonPrimitive("tsmcontrolgrace").isString());
        assertTrue("a string number", fs.getAsJsonPrimitive("iops").isString());
        assertEquals("volume", fs.get("type").getAsString());
        assertFalse("no initiator group before one is assigned", fs.has("initiatorgroup"));
    }

    @Test
    public void listFileSystemFiltersByTsm() {
        String id = ApiFlows.createVolumeId(api, defaults, "tsmfilter");
        JsonArray all = api.call("listFileSystem", "tsmid", defaults.tsmId()).ok("listFilesystemResponse")
                .getAsJsonArray("filesystem");
        assertTrue(all.toString().contains(id));
        assertEquals("{}", api.call("listFileSystem", "tsmid", "nope").ok("listFilesystemResponse").toString());
    }

    @Test
    public void updateFileSystemGrowsTheQuotaAndRefusesShrinking() {
        String id = ApiFlows.createVolumeId(api, defaults, "growvol");
        JsonObject body = api.call("updateFileSystem", "id", id, "quotasize", "3G").ok("updatefilesystemresponse");
        assertEquals(1, body.get("count").getAsInt());
        assertEquals("3G", body.getAsJsonArray("filesystem").get(0).getAsJsonObject().get("quota").getAsString());
        api.call("updateFileSystem", "id", id, "quotasize", "2G").error("updatefilesystemresponse", 530);
        api.call("updateFileSystem", "id", id, "quotasize", "nullG").error("updatefilesystemresponse", 431);
    }

    @Test
    public void iscsiServiceAndInitiatorGroupsFollowTheCapturedShapes() {
        String id = ApiFlows.createVolumeId(api, defaults, "iscsivol");
        JsonObject services = api.call("listVolumeiSCSIService", "storageid", id)
                .ok("listVolumeiSCSIServiceResponse");
        assertEquals(1, services.get("count").getAsInt());
        JsonObject service = services.getAsJsonArray("iSCSIService").get(0).getAsJsonObject();
        assertEquals(id, service.get("volume_id").getAsString());

        JsonArray initiators = api.call("listiSCSIInitiator", "accountid", defaults.accountId())
                .ok("listInitiatorsResponse").getAsJsonArray("initiator");
        assertEquals("ALL", initiators.get(0).getAsJsonObject().get("initiatorgroup").getAsString());
        assertEquals("None", initiators.get(1).getAsJsonObject().get("initiatorgroup").getAsString());
        String all = initiators.get(0).getAsJsonObject().get("id").getAsString();

        JsonObject updated = api.call("updateVolumeiSCSIService", "id", service.get("id").getAsString(),
                "igid", all, "status", "true", "initialdigest", "Auto", "queuedepth", "32")
                .ok("updatingvolumeiscsidetails").getAsJsonObject("viscsioptions");
        assertEquals(id, updated.get("volume_id").getAsString());
        assertEquals(all, updated.get("ig_id").getAsString());
        JsonObject fs = api.call("listFileSystem", "id", id).ok("listFilesystemResponse")
                .getAsJsonArray("filesystem").get(0).getAsJsonObject();
        assertEquals("ALL", fs.get("initiatorgroup").getAsString());

        api.call("updateVolumeiSCSIService", "id", service.get("id").getAsString(), "igid", "bogus")
                .error("updatingvolumeiscsidetails", 431);
    }

    @Test
    public void missingOrWrongKeyIs401InsideTheCommandsEnvelope() {
        ApiTestClient.Response missing = api.rawQuery("command=listTsm&response=json", Duration.ofSeconds(10));
        assertEquals("unable to verify user credentials and/or request signature",
                missing.errorText("listTsmResponse", 401));
        api.rawQuery("command=listFileSystem&response=json&apiKey=wrong", Duration.ofSeconds(10))
                .error("listFilesystemResponse", 401);
        api.rawQuery("command=listUserss&response=json", Duration.ofSeconds(10)).error("errorresponse", 401);
    }

    @Test
    public void unknownCommandIs432InErrorresponse() {
        assertEquals("The given command does not exist",
                api.call("listUserss").errorText(ApiCommands.ERROR_ENVELOPE, 432));
    }

    @Test
    public void parameterNamesAreCaseInsensitive() {
        String query = "COMMAND=listTsm&Response=json&APIKEY=" + ApiTestClient.encode(simulator.apiKey())
                + "&AccountId=" + defaults.accountId();
        assertEquals(1, api.rawQuery(query, Duration.ofSeconds(10)).ok("listTsmResponse").get("count").getAsInt());
        String jobId = ApiFlows.submitCreateVolume(api, defaults, "casevol", "1G");
        JsonObject job = api.call("queryAsyncJobResult", "JOBID", jobId).ok("queryasyncjobresultresponse");
        assertEquals(jobId, job.get("jobid").getAsString());
    }

    @Test
    public void plusDecodesAsSpaceAndPercentEscapesAsUsual() {
        String query = "command=addQosGroup&response=json&apiKey=" + ApiTestClient.encode(simulator.apiKey())
                + "&name=QoS+pl%75s&tsmid=" + defaults.tsmId();
        JsonObject group = api.rawQuery(query, Duration.ofSeconds(10)).ok("addqosgroupresponse")
                .getAsJsonObject("qosgroup");
        assertEquals("QoS plus" + defaults.accountName() + defaults.tsmName(), group.get("name").getAsString());
    }

    @Test
    public void snapshotPathsWorkPercentEncodedAndRaw() {
        String id = ApiFlows.createVolumeId(api, defaults, "encvol");
        api.call("createStorageSnapshot", "id", id, "name", "s1").ok("createStorageSnapshotResponse");
        api.call("createStorageSnapshot", "id", id, "name", "s2").ok("createStorageSnapshotResponse");
        String key = ApiTestClient.encode(simulator.apiKey());
        String raw = "command=deleteSnapshot&response=json&apiKey=" + key + "&id=" + id + "&path="
                + ApiFlows.snapshotPath(defaults, "encvol", "s1");
        assertEquals("success", api.rawQuery(raw, Duration.ofSeconds(10)).ok("deleteSnapshotResponse")
                .getAsJsonObject("DeleteSnapshot").get("status").getAsString());
        String encoded = "command=deleteSnapshot&response=json&apiKey=" + key + "&id=" + id + "&path="
                + ApiTestClient.encode(ApiFlows.snapshotPath(defaults, "encvol", "s2"));
        assertTrue(encoded.contains("%2F") && encoded.contains("%40"));
        api.rawQuery(encoded, Duration.ofSeconds(10)).ok("deleteSnapshotResponse");
    }

    @Test
    public void withoutResponseJsonTheAnswerIsXml() {
        ApiTestClient.Response response = api.rawQuery("command=listTsm", Duration.ofSeconds(10));
        assertEquals(401, response.status);
        assertTrue(response.body, response.body.startsWith("<?xml version=\"1.0\" encoding=\"ISO-8859-1\"?>"
                + "<listTsmResponse cloud-stack-version=\"" + JsonViews.VERSION + "\"><errorcode>401</errorcode>"));
    }

    @Test
    public void successBodiesNeverCarryErrorFields() {
        for (String command : new String[]{"listCapabilities", "listAccount", "listTsm", "listFileSystem",
                "listiSCSIInitiator", "listVolumeiSCSIService"}) {
            String body = api.call(command).body;
            assertFalse(command + ": " + body, body.contains("errorcode"));
        }
    }

    @Test
    public void otherPathsAre404() throws Exception {
        ApiTestClient.Response response = api.send(java.net.http.HttpRequest.newBuilder(
                java.net.URI.create(simulator.baseUrl() + "/client/other")).GET().build());
        assertEquals(404, response.status);
        assertNull(response.header("X-Description"));
    }
}
