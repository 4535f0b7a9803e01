// Licensed under the Apache License, Version 2.0. See LICENSE in the project root.
package io.elastisnap.simulator;

import com.google.gson.JsonArray;
import com.google.gson.JsonObject;
import com.google.gson.JsonParser;

import java.util.ArrayList;
import java.util.List;

/**
 * Renders state objects with the field names, casing and value types of the captured ElastiCenter responses
 * (the real answers in the client's test resources {@code factsheet/}): many numbers and some booleans are strings there, and so they are here.
 */
final class JsonViews {
    static final String VERSION = "1.4.0.1008";
    private static final String SITE = "Site1";
    private static final String CLUSTER = "Cluster1";
    private static final String CONTROLLER = "Node1";
    /** [INFERRED] the controller's management address: documentation range, like the TSM's. */
    private static final String CONTROLLER_IP = "192.0.2.40";

    private final SimulatedArray array;

    JsonViews(SimulatedArray array) {
        this.array = array;
    }

    /** {@code {"count": n, "<key>": [...]}}, or {@code {}} for an empty list: the server omits both then. */
    static JsonObject list(String key, List<JsonObject> items) {
        JsonObject wrapper = new JsonObject();
        if (!items.isEmpty()) {
            wrapper.addProperty("count", items.size());
            JsonArray array = new JsonArray();
            items.forEach(array::add);
            wrapper.add(key, array);
        }
        return wrapper;
    }

    static JsonObject single(String key, JsonObject item) {
        JsonObject wrapper = new JsonObject();
        wrapper.add(key, item);
        return wrapper;
    }

    JsonObject capability() {
        JsonObject c = new JsonObject();
        // CloudStack requires cloudByteVersion and maps the object to String values: primitives only.
        c.addProperty("cloudByteVersion", VERSION);
        c.addProperty("cloud-stack-version", VERSION);
        c.addProperty("supportELB", "false"); // [INFERRED] CloudStack-style filler capability
        c.addProperty("apilimitinterval", 1);
        c.addProperty("apilimitmax", 0);
        return c;
    }

    JsonObject account(SimState.Account a) {
        long quotaMib = array.tsms().stream().filter(t -> t.accountId.equals(a.id)).mapToLong(t -> t.quotaMib).sum();
        long totalIops = array.tsms().stream().filter(t -> t.accountId.equals(a.id)).mapToLong(t -> t.totalIops).sum();
        long usedIops = array.tsms().stream().filter(t -> t.accountId.equals(a.id)).mapToLong(array::usedIops).sum();
        long usedMib = array.tsms().stream().filter(t -> t.accountId.equals(a.id)).mapToLong(array::usedMib).sum();
        JsonObject o = new JsonObject();
        o.addProperty("id", a.id);
        o.addProperty("name", a.name);
        o.addProperty("simpleid", a.simpleId);
        o.addProperty("description", a.name);
        o.addProperty("iqnname", "iqn." + a.iqnDate + "." + SimulatedArray.iqnSafe(a.name));
        o.addProperty("availIOPS", totalIops - usedIops);
        o.addProperty("totaliops", totalIops);
        o.addProperty("usedIOPS", usedIops);
        // Empty in every captured answer, whatever the account holds.
        for (String empty : new String[] {"volumes", "storageBuckets", "tsms", "qosgroups", "filesystemslist"}) {
            o.add(empty, new JsonArray());
        }
        o.addProperty("currentUsedSpace", usedMib);
        o.addProperty("currentAvailableSpace", quotaMib - usedMib);
        o.addProperty("currentThroughput", 0);
        o.addProperty("currentIOPS", 0);
        o.addProperty("currentLatency", 0);
        o.addProperty("currentThrottle", 0);
        o.addProperty("numericquota", (double) quotaMib);
        o.addProperty("currentnumericquota", (double) usedMib);
        o.addProperty("currentavailablequota", (double) (quotaMib - usedMib));
        o.addProperty("revisionnumber", 1);
        return o;
    }

    JsonObject tsm(SimState.Tsm t) {
        SimState.Account account = array.accountOf(t);
        long usedMib = array.usedMib(t);
        long usedIops = array.usedIops(t);
        JsonObject o = new JsonObject();
        o.addProperty("id", t.id);
        o.addProperty("simpleid", t.simpleId);
        o.addProperty("name", t.name);
        o.addProperty("accountid", account.id);
        o.addProperty("accountname", account.name);
        o.addProperty("controllerid", t.controllerId);
        o.addProperty("poolid", t.poolId);
        o.addProperty("siteid", t.siteId);
        o.addProperty("clusterid", t.clusterId);
        o.addProperty("datasetid", t.datasetId);
        o.addProperty("ipaddress", array.portalAddress(t));
        o.addProperty("sitename", SITE);
        o.addProperty("clustername", CLUSTER);
        o.addProperty("controllerName", CONTROLLER);
        o.addProperty("controlleripaddress", CONTROLLER_IP);
        o.addProperty("clusterstatus", "Online");
        o.addProperty("hapoolstatus", "ONLINE");
        o.addProperty("hapoolname", t.poolName);
        o.addProperty("hapoolavailiops", t.totalIops - usedIops);
        o.addProperty("hapoolgrace", true);
        o.addProperty("hapoolavailtput", (t.totalIops - usedIops) * 4);
        o.addProperty("poollatency", 10);
        o.add("storageBuckets", new JsonArray());
        o.addProperty("currentUsedSpace", usedMib);
        o.addProperty("currentAvailableSpace", t.quotaMib - usedMib);
        o.addProperty("currentTotalSpace", t.quotaMib);
        o.addProperty("numericquota", (double) t.quotaMib);
        o.addProperty("currentnumericquota", (double) usedMib);
        o.addProperty("availablequota", (double) (t.quotaMib - usedMib));
        o.addProperty("totalprovisionquota", String.valueOf(usedMib)); // a plain number (MiB), e.g. "536576"
        o.addProperty("iops", String.valueOf(t.totalIops));
        o.addProperty("availIOPS", String.valueOf(t.totalIops - usedIops));
        o.addProperty("usedIOPS", String.valueOf(usedIops));
        o.addProperty("currentThroughput", 0);
        o.addProperty("currentIOPS", 0);
        o.addProperty("currentLatency", 0);
        o.addProperty("currentThrottle", 0);
        o.addProperty("availThroughput", "0");
        o.addProperty("usedThroughput", "0");
        o.addProperty("throughput", "0");
        o.addProperty("latency", "15");
        o.addProperty("tpcontrol", "false");
        o.addProperty("iopscontrol", "true");
        o.addProperty("gracecontrol", "false");
        o.addProperty("graceallowed", false);
        o.addProperty("blocksize", "4"); // "4" or "128" (KiB) on the wire, unlike a QoS group's "4k"
        o.addProperty("type", "1");
        o.addProperty("iqnname", "iqn." + account.iqnDate + "." + SimulatedArray.iqnSafe(account.name) + "." + t.name);
        o.addProperty("interfaceName", "em0");
        o.addProperty("status", "Online");
        o.addProperty("subnet", "24");
        o.addProperty("managedstate", "Available");
        o.addProperty("configurationstate", "sync");
        o.addProperty("revisionnumber", 0);
        o.addProperty("offlinenodes", "");
        o.addProperty("pooltakeover", "noTakeOver");
        o.addProperty("haNodeStatus", "Available");
        o.addProperty("ispooltakeoveronpartialfailure", true);
        o.add("filesystemslist", new JsonArray());
        o.add("qosgrouplist", new JsonArray());
        JsonArray volumes = new JsonArray();
        array.volumesOf(t).forEach(v -> volumes.add(tsmVolume(v)));
        // CloudStack reads volumes[0] whenever the key exists, even for an empty array: omit it when empty.
        if (volumes.size() > 0) {
            o.add("volumes", volumes);
        }
        return o;
    }

    private JsonObject tsmVolume(SimState.Volume v) {
        SimState.QosGroup group = array.qosGroup(v.qosGroupId);
        JsonObject o = new JsonObject();
        o.addProperty("id", v.id);
        o.addProperty("name", v.name);
        o.addProperty("groupid", v.qosGroupId);
        o.addProperty("iops", group == null ? "0" : String.valueOf(group.iops));
        o.addProperty("path", array.zfsPath(v));
        o.addProperty("quota", SizeUnits.format(v.sizeBytes));
        o.addProperty("numericquota", String.valueOf((double) SizeUnits.mib(v.sizeBytes)));
        o.addProperty("tsmid", v.tsmId);
        o.addProperty("mountpoint", array.mountpoint(v));
        o.addProperty("type", v.iscsi ? "volume" : "filesystem");
        o.addProperty("nfs", String.valueOf(!v.iscsi));
        o.addProperty("iscsi", String.valueOf(v.iscsi));
        o.addProperty("cifs", "false");
        o.addProperty("fc", "false");
        o.addProperty("usedspace", "0");
        o.addProperty("availspace", String.valueOf(SizeUnits.mib(v.sizeBytes)));
        o.addProperty("totalspace", String.valueOf(SizeUnits.mib(v.sizeBytes)));
        return o;
    }

    JsonObject qosGroup(SimState.QosGroup q) {
        SimState.Tsm tsm = array.tsm(q.tsmId);
        JsonObject o = new JsonObject();
        o.addProperty("id", q.id);
        o.addProperty("name", q.name);
        o.addProperty("tsmid", q.tsmId);
        o.addProperty("controllerid", tsm.controllerId);
        o.addProperty("poolid", tsm.poolId);
        o.addProperty("parentid", tsm.datasetId);
        o.addProperty("tsmName", tsm.name);
        o.addProperty("offlinenodes", "");
        o.addProperty("sitename", SITE);
        o.addProperty("clustername", CLUSTER);
        o.addProperty("controllerName", CONTROLLER);
        o.addProperty("clusterstatus", "Online");
        o.addProperty("currentThroughput", 0);
        o.addProperty("currentIOPS", 0);
        o.addProperty("currentLatency", 0);
        o.addProperty("currentThrottle", 0);
        o.addProperty("iopsvalue", "(0/" + q.iops + ")");
        o.addProperty("throughputvalue", "(0/" + q.throughput + ")");
        o.addProperty("iops", String.valueOf(q.iops));
        o.addProperty("iopscontrol", String.valueOf(q.iopsControl));
        o.addProperty("throughput", q.throughput);
        o.addProperty("tpcontrol", String.valueOf(q.tpControl));
        o.addProperty("blocksize", q.blocksize);
        o.addProperty("latency", q.latency);
        o.addProperty("graceallowed", q.graceAllowed);
        o.addProperty("type", "1");
        // A new group is revision 0, "init" (its add answer); every update moves it on and it is "sync" from then on.
        o.addProperty("revisionnumber", q.revision);
        o.addProperty("managedstate", "Available");
        o.addProperty("configurationstate", q.revision == 0 ? "init" : "sync");
        o.addProperty("standardproviops", 0);
        o.addProperty("operatingblocksize", 0);
        o.addProperty("operatingcachehit", 0);
        o.addProperty("operatingiops", 0);
        o.addProperty("standardoperatingiops", 0);
        return o;
    }

    /** A listFileSystem item (fact sheet sample L1); note {@code Tsmid} and {@code path} = IQN or /mountpoint. */
    JsonObject fileSystem(SimState.Volume v) {
        SimState.Tsm tsm = array.tsmOf(v);
        SimState.Account account = array.accountOf(tsm);
        SimState.QosGroup group = array.qosGroup(v.qosGroupId);
        long mib = SizeUnits.mib(v.sizeBytes);
        JsonObject o = new JsonObject();
        o.addProperty("id", v.id);
        o.addProperty("name", v.name);
        o.addProperty("simpleid", v.simpleId);
        o.addProperty("type", v.iscsi ? "volume" : "filesystem");
        o.addProperty("revisionnumber", 1);
        o.addProperty("path", v.iscsi ? array.iqn(v) : "/" + array.mountpoint(v));
        String initiatorGroup = array.initiatorGroupName(v);
        if (v.iscsi && initiatorGroup != null) {
            o.addProperty("initiatorgroup", initiatorGroup);
        }
        o.addProperty("clusterid", tsm.clusterId);
        o.addProperty("clusterstatus", "Online");
        o.addProperty("Tsmid", tsm.id);
        o.addProperty("tsmType", "1");
        o.addProperty("tsmCifsAuth", "user");
        o.addProperty("accountid", account.id);
        o.addProperty("poolid", tsm.poolId);
        o.addProperty("controllerid", tsm.controllerId);
        o.addProperty("groupid", v.qosGroupId);
        o.addProperty("parentid", tsm.datasetId);
        addDatasetSettings(o, v);
        o.addProperty("unicode", "off");
        o.addProperty("casesensitivity", "sensitive");
        o.addProperty("readonly", v.readonly);
        addProtocolFlags(o, v);
        o.addProperty("currentUsedSpace", 0);
        o.addProperty("currentAvailableSpace", mib);
        o.addProperty("currentTotalSpace", mib);
        o.addProperty("currentUsedByDataset", 0);
        o.addProperty("currentUsedBySnapshots", 0);
        o.addProperty("currentReferenced", 0);
        o.addProperty("currentThroughput", 0);
        o.addProperty("currentIOPS", 0);
        o.addProperty("currentLatency", 0);
        o.addProperty("currentThrottle", 0);
        o.addProperty("numericquota", (double) mib);
        o.addProperty("status", "Online");
        o.addProperty("managedstate", "Available");
        o.addProperty("configurationstate", "sync");
        o.addProperty("tsmName", tsm.name);
        o.addProperty("ipaddress", array.portalAddress(tsm));
        o.addProperty("sitename", SITE);
        o.addProperty("clustername", CLUSTER);
        o.addProperty("controllerName", CONTROLLER);
        o.addProperty("hapoolname", tsm.poolName);
        o.addProperty("hapoolgrace", true);
        o.addProperty("tsmgrace", true);
        o.addProperty("tsmcontrolgrace", "false");
        o.addProperty("accountname", account.name);
        o.addProperty("groupname", group == null ? "" : group.name);
        o.addProperty("iops", group == null ? "0" : String.valueOf(group.iops));
        o.addProperty("blocksize", group == null ? "4k" : group.blocksize);
        o.addProperty("throughput", group == null ? "0" : group.throughput);
        o.addProperty("latency", group == null ? "15" : group.latency);
        o.addProperty("graceallowed", group != null && group.graceAllowed);
        o.addProperty("offlinenodes", "");
        o.addProperty("tpcontrol", String.valueOf(group != null && group.tpControl));
        o.addProperty("iopscontrol", String.valueOf(group == null || group.iopsControl));
        o.addProperty("tsmAvailIops", String.valueOf(tsm.totalIops - array.usedIops(tsm)));
        o.addProperty("tsmAvailTput", "0");
        o.addProperty("iqnname", array.iqn(v));
        o.addProperty("mountpoint", array.mountpoint(v));
        o.addProperty("pooltakeover", "noTakeOver");
        if (v.iscsi) {
            o.addProperty("blocklength", v.blocklength);
        }
        o.addProperty("volumeaccessible", "true");
        o.addProperty("minrecommendedvolblocksize", 0);
        o.addProperty("accesstime", "on");
        o.addProperty("localschedulecount", 0);
        o.addProperty("hapoolstatus", "ONLINE");
        return o;
    }

    /** The createVolume job's {@code storage} object (sample Q1): {@code path} is the ZFS path, {@code tsmid} lower. */
    JsonObject storage(SimState.Volume v) {
        SimState.Tsm tsm = array.tsmOf(v);
        JsonObject o = new JsonObject();
        o.addProperty("id", v.id);
        o.addProperty("name", v.name);
        o.addProperty("simpleid", v.simpleId);
        addDatasetSettings(o, v);
        o.addProperty("path", array.zfsPath(v));
        o.addProperty("tsmid", tsm.id);
        o.addProperty("poolid", tsm.poolId);
        o.addProperty("mountpoint", array.mountpoint(v));
        o.addProperty("currentUsedSpace", 0);
        o.addProperty("currentAvailableSpace", 0);
        o.addProperty("currentTotalSpace", 0);
        o.addProperty("currentThroughput", 0);
        o.addProperty("currentIOPS", 0);
        o.addProperty("currentLatency", 0);
        o.addProperty("currentThrottle", 0);
        o.addProperty("tsmName", tsm.name);
        o.addProperty("hapoolname", tsm.poolName);
        o.addProperty("revisionnumber", 0);
        if (v.iscsi) {
            o.addProperty("blocklength", v.blocklength);
        }
        addProtocolFlags(o, v);
        o.addProperty("backupqosgroupenabled", false);
        return o;
    }

    JsonObject iscsiService(SimState.Volume v) {
        JsonObject o = new JsonObject();
        o.addProperty("id", v.iscsiServiceId);
        o.addProperty("volume_id", v.id);
        o.addProperty("ag_id", v.authGroupId);
        // [INFERRED] "-1" until a group is assigned, like the captured "ag_id": "-1".
        o.addProperty("ig_id", v.initiatorGroupId == null ? "-1" : v.initiatorGroupId);
        o.addProperty("iqnname", array.iqn(v));
        o.addProperty("authmethod", v.authMethod);
        o.addProperty("status", v.iscsiEnabled);
        o.addProperty("usn", v.id.replace("-", ""));
        o.addProperty("initialdigest", "Auto");
        o.addProperty("queuedepth", v.queueDepth);
        o.addProperty("inqproduct", 0);
        o.addProperty("inqrevision", 0);
        o.addProperty("blocklength", v.blocklength);
        o.addProperty("workerthreads", 64);
        o.addProperty("unmap", false);
        o.addProperty("wzero", false);
        o.addProperty("physrecordlength", "4k");
        o.addProperty("ats", "false");
        o.addProperty("xcopy", "false");
        return o;
    }

    /** The built-in initiator groups of an account: "ALL" first, "None" second, as the server lists them. */
    List<JsonObject> initiators(SimState.Account a) {
        return List.of(initiator(a, a.allInitiatorGroupId, "ALL"), initiator(a, a.noneInitiatorGroupId, "None"));
    }

    private static JsonObject initiator(SimState.Account a, String id, String group) {
        JsonObject o = new JsonObject();
        o.addProperty("id", id);
        o.addProperty("accountid", a.id);
        o.addProperty("name", group);
        o.addProperty("netmask", group); // [INFERRED] value not captured
        o.addProperty("initiatorgroup", group);
        return o;
    }

    /** The account's auth groups: the built-in "None" first, as the Cinder fixture lists them. */
    List<JsonObject> authGroups(SimState.Account a) {
        List<JsonObject> groups = new ArrayList<>();
        groups.add(authGroup(a.noneAuthGroupId, "None", "None"));
        array.authGroupsOf(a).forEach(g -> groups.add(authGroup(g.id, g.name, g.comment)));
        return groups;
    }

    JsonObject authGroup(SimState.AuthGroup g) {
        return authGroup(g.id, g.name, g.comment);
    }

    private static JsonObject authGroup(String id, String name, String comment) {
        JsonObject o = new JsonObject();
        o.addProperty("id", id);
        o.addProperty("name", name);
        o.addProperty("comment", comment);
        return o;
    }

    /** The group's CHAP user; the appliance answers with the secrets in clear (Cinder fixture). */
    JsonObject authUser(SimState.AuthGroup g) {
        JsonObject o = new JsonObject();
        o.addProperty("id", g.userId);
        o.addProperty("accountid", g.accountId);
        o.addProperty("authgroupid", g.id);
        o.addProperty("chapusername", g.chapUser);
        o.addProperty("chappassword", g.chapSecret);
        o.addProperty("mutualchapusername", g.mutualChapUser == null ? "" : g.mutualChapUser);
        o.addProperty("mutualchappassword", g.mutualChapSecret == null ? "" : g.mutualChapSecret);
        return o;
    }

    JsonObject storageSnapshot(SimState.Volume v, SimState.Snapshot s) {
        JsonObject o = new JsonObject();
        o.addProperty("id", s.id);
        o.addProperty("name", s.name);
        o.addProperty("usn", s.id.replace("-", ""));
        o.addProperty("lunusn", v.id.replace("-", ""));
        o.addProperty("lunid", v.id);
        o.addProperty("scsiEnabled", false);
        return o;
    }

    JsonObject snapshotItem(SimState.Volume v, SimState.Snapshot s) {
        JsonObject o = new JsonObject();
        o.addProperty("name", s.name);
        o.addProperty("path", array.snapshotPath(v, s));
        o.addProperty("availMem", "-");
        o.addProperty("usedMem", "0");
        o.addProperty("refer", "-"); // referenced bytes are not modelled
        o.addProperty("mountpoint", "-");
        o.addProperty("timestamp", SimulatedArray.timestampOf(s.createdMillis));
        o.addProperty("clones", s.cloneVolumeIds.size());
        o.addProperty("pooltakeover", "noTakeOver");
        o.addProperty("managedstate", "Available");
        return o;
    }

    /** A queryAsyncJobResult body; a pending job has no jobresult ([INFERRED], as CloudStack). */
    JsonObject job(SimState.Job j, boolean reportPending) {
        boolean pending = reportPending || j.status == 0;
        JsonObject o = new JsonObject();
        o.addProperty("accountid", j.accountId);
        o.addProperty("userid", j.userId);
        o.addProperty("cmd", j.cmdClass);
        if (!pending && j.msg != null) {
            o.addProperty("msg", j.msg);
        }
        o.addProperty("jobstatus", pending ? 0 : j.status);
        o.addProperty("jobprocstatus", 0);
        o.addProperty("jobresultcode", pending ? 0 : j.resultCode);
        o.addProperty("jobresulttype", "object");
        if (!pending) {
            o.add("jobresult", JsonParser.parseString(j.resultJson));
        }
        o.addProperty("created", j.created);
        o.addProperty("jobid", j.id);
        return o;
    }

    /** The dataset settings both volume views carry, in the real server's order. */
    private static void addDatasetSettings(JsonObject o, SimState.Volume v) {
        o.addProperty("compression", v.compression);
        o.addProperty("sync", v.sync);
        o.addProperty("noofcopies", 1);
        o.addProperty("recordsize", v.recordsize);
        o.addProperty("deduplication", v.deduplication);
        o.addProperty("quota", SizeUnits.format(v.sizeBytes));
    }

    private static void addProtocolFlags(JsonObject o, SimState.Volume v) {
        o.addProperty("nfsenabled", !v.iscsi);
        o.addProperty("cifsenabled", false);
        o.addProperty("iscsienabled", v.iscsi);
        o.addProperty("fcenabled", false);
    }
}
