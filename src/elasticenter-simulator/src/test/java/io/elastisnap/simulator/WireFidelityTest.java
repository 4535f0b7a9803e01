// Licensed under the Apache License, Version 2.0. See LICENSE in the project root.
package io.elastisnap.simulator;

import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import org.junit.AfterClass;
import org.junit.BeforeClass;
import org.junit.Test;
import org.junit.runner.RunWith;
import org.junit.runners.Parameterized;
import org.junit.runners.Parameterized.Parameters;

import java.util.ArrayList;
import java.util.Collection;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.function.Predicate;

import static org.junit.Assert.assertTrue;

/**
 * The fields in which answers captured from real appliances differed from the simulator's (issue 13 §2), one test
 * per field and answer, so a regression names the field: JSON type and value as the appliance sends them.
 */
@RunWith(Parameterized.class)
public class WireFidelityTest {
    /** The answer items the fields live in. */
    enum Answer {
        LIST_ISCSI_SERVICE, UPDATE_ISCSI_SERVICE, ADD_QOS_GROUP, UPDATE_QOS_GROUP, LIST_TSM, LIST_ACCOUNT
    }

    private static ElastiCenterSimulator simulator;
    private static final Map<Answer, JsonObject> ITEMS = new EnumMap<>(Answer.class);

    private final Answer answer;
    private final String field;
    private final String expectation;
    private final Predicate<JsonElement> check;

    public WireFidelityTest(String name, Answer answer, String field, String expectation, Predicate<JsonElement> check) {
        this.answer = answer;
        this.field = field;
        this.expectation = expectation;
        this.check = check;
    }

    @Parameters(name = "{0}")
    public static Collection<Object[]> fields() {
        List<Object[]> fields = new ArrayList<>();
        for (Answer service : List.of(Answer.LIST_ISCSI_SERVICE, Answer.UPDATE_ISCSI_SERVICE)) {
            add(fields, service, "inqproduct", "the integer 0", number(0));
            add(fields, service, "inqrevision", "the integer 0", number(0));
            add(fields, service, "unmap", "a JSON boolean", e -> primitive(e) && e.getAsJsonPrimitive().isBoolean());
            add(fields, service, "wzero", "a JSON boolean", e -> primitive(e) && e.getAsJsonPrimitive().isBoolean());
            add(fields, service, "workerthreads", "an integer", e -> primitive(e) && e.getAsJsonPrimitive().isNumber()
                    && e.getAsDouble() == Math.rint(e.getAsDouble()));
            add(fields, service, "ats", "the string \"false\"", string("false"));
            add(fields, service, "xcopy", "the string \"false\"", string("false"));
            add(fields, service, "physrecordlength", "the string \"4k\"", string("4k"));
        }
        add(fields, Answer.ADD_QOS_GROUP, "type", "the string \"1\"", string("1"));
        add(fields, Answer.ADD_QOS_GROUP, "configurationstate", "\"init\" on add", string("init"));
        add(fields, Answer.ADD_QOS_GROUP, "revisionnumber", "the integer 0 on add", number(0));
        add(fields, Answer.UPDATE_QOS_GROUP, "type", "the string \"1\"", string("1"));
        add(fields, Answer.UPDATE_QOS_GROUP, "status", "absent from the update answer", e -> e == null);
        for (String name : List.of("controlleripaddress", "haNodeStatus", "offlinenodes", "pooltakeover")) {
            add(fields, Answer.LIST_TSM, name, "a string", e -> primitive(e) && e.getAsJsonPrimitive().isString());
        }
        for (String name : List.of("currentIOPS", "currentLatency", "currentThrottle", "currentThroughput", "hapoolavailiops",
                "hapoolavailtput", "poollatency", "revisionnumber")) {
            add(fields, Answer.LIST_TSM, name, "a number", e -> primitive(e) && e.getAsJsonPrimitive().isNumber());
        }
        for (String name : List.of("hapoolgrace", "ispooltakeoveronpartialfailure")) {
            add(fields, Answer.LIST_TSM, name, "a JSON boolean", e -> primitive(e) && e.getAsJsonPrimitive().isBoolean());
        }
        for (String name : List.of("storageBuckets", "filesystemslist", "qosgrouplist")) {
            add(fields, Answer.LIST_TSM, name, "an empty array", WireFidelityTest::emptyArray);
        }
        add(fields, Answer.LIST_TSM, "blocksize", "the string \"4\" or \"128\"", e -> string("4").test(e)
                || string("128").test(e));
        add(fields, Answer.LIST_TSM, "totalprovisionquota", "a plain number string like \"536576\"", e -> primitive(e)
                && e.getAsJsonPrimitive().isString() && e.getAsString().matches("[0-9]+"));
        for (String name : List.of("volumes", "tsms", "qosgroups", "storageBuckets", "filesystemslist")) {
            add(fields, Answer.LIST_ACCOUNT, name, "an array", e -> e != null && e.isJsonArray());
        }
        return fields;
    }

    private static void add(List<Object[]> fields, Answer answer, String field, String expectation,
                            Predicate<JsonElement> check) {
        fields.add(new Object[] {answer + " " + field + " is " + expectation, answer, field, expectation, check});
    }

    private static boolean primitive(JsonElement e) {
        return e != null && e.isJsonPrimitive();
    }

    private static Predicate<JsonElement> string(String value) {
        return e -> primitive(e) && e.getAsJsonPrimitive().isString() && e.getAsString().equals(value);
    }

    private static Predicate<JsonElement> number(int value) {
        return e -> primitive(e) && e.getAsJsonPrimitive().isNumber() && e.getAsDouble() == value;
    }

    private static boolean emptyArray(JsonElement e) {
        return e != null && e.isJsonArray() && e.getAsJsonArray().size() == 0;
    }

    /** One of each answer, from a simulator with one volume (its QoS group added and then updated). */
    @BeforeClass
    public static void collectAnswers() {
        simulator = ElastiCenterSimulator.builder().start();
        ApiTestClient api = new ApiTestClient(simulator);
        SimDefaults defaults = simulator.defaults();
        ITEMS.put(Answer.ADD_QOS_GROUP, api.call("addQosGroup", "name", "QoS_fidelity", "tsmid", defaults.tsmId(),
                "iops", "100").ok("addqosgroupresponse").getAsJsonObject("qosgroup"));
        String groupId = ITEMS.get(Answer.ADD_QOS_GROUP).get("id").getAsString();
        ITEMS.put(Answer.UPDATE_QOS_GROUP, api.call("updateQosGroup", "id", groupId, "iops", "101")
                .ok("updateqosresponse").getAsJsonArray("qosgroup").get(0).getAsJsonObject());
        String volumeId = ApiFlows.createVolumeId(api, defaults, "fidelity");
        JsonObject service = api.call("listVolumeiSCSIService", "storageid", volumeId)
                .ok("listVolumeiSCSIServiceResponse").getAsJsonArray("iSCSIService").get(0).getAsJsonObject();
        ITEMS.put(Answer.LIST_ISCSI_SERVICE, service);
        String allGroup = api.call("listiSCSIInitiator", "accountid", defaults.accountId()).ok("listInitiatorsResponse")
                .getAsJsonArray("initiator").get(0).getAsJsonObject().get("id").getAsString();
        ITEMS.put(Answer.UPDATE_ISCSI_SERVICE, api.call("updateVolumeiSCSIService", "id", service.get("id").getAsString(),
                "igid", allGroup).ok("updatingvolumeiscsidetails").getAsJsonObject("viscsioptions"));
        ITEMS.put(Answer.LIST_TSM, api.call("listTsm").ok("listTsmResponse").getAsJsonArray("listTsm").get(0)
                .getAsJsonObject());
        ITEMS.put(Answer.LIST_ACCOUNT, api.call("listAccount").ok("listAccountResponse").getAsJsonArray("account").get(0)
                .getAsJsonObject());
    }

    @AfterClass
    public static void stop() {
        simulator.close();
    }

    @Test
    public void fieldIsAsTheApplianceSendsIt() {
        JsonElement value = ITEMS.get(answer).get(field);
        assertTrue(answer + " field " + field + " should be " + expectation + ", is " + value, check.test(value));
    }
}
