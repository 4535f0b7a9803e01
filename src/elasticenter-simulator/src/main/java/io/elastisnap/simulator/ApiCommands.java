// Licensed under the Apache License, Version 2.0. See LICENSE in the project root.
package io.elastisnap.simulator;

import com.google.gson.Gson;
import com.google.gson.GsonBuilder;
import com.google.gson.JsonArray;
import com.google.gson.JsonObject;
import org.apache.logging.log4j.LogManager;
import org.apache.logging.log4j.Logger;

import io.elastisnap.simulator.LoopbackHttpsServer.Reply;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.function.Function;

/**
 * The ElastiCenter command set: authentication, envelopes, errors and fault injection on top of
 * {@link SimulatedArray}. Envelope names and casing follow the client's {@code ApiCommand} table exactly.
 */
final class ApiCommands {
    private static final Logger LOG = LogManager.getLogger(ApiCommands.class);
    static final String ERROR_ENVELOPE = "errorresponse";
    static final String JSON_TYPE = "text/javascript; charset=UTF-8"; // [INFERRED] CloudStack's JSON content type
    private static final Gson GSON = new GsonBuilder().disableHtmlEscaping().create();

    private final SimulatedArray array;
    private final Faults faults;
    private final RequestLog requestLog;
    private final Secrets secrets;
    private final Pause pause;
    private final Duration snapshotLatency;
    private final Map<String, Command> commands = new HashMap<>();

    /** Waits that end early when the simulator closes. */
    interface Pause {
        /** Sleeps; returns false when the simulator is closing. */
        boolean sleep(Duration duration);
    }

    private static final class Command {
        final String envelope;
        final Function<Params, JsonObject> action;

        Command(String envelope, Function<Params, JsonObject> action) {
            this.envelope = envelope;
            this.action = action;
        }
    }

    ApiCommands(SimulatedArray array, Faults faults, RequestLog requestLog, Secrets secrets, Pause pause,
                Duration snapshotLatency) {
        this.array = array;
        this.faults = faults;
        this.requestLog = requestLog;
        this.secrets = secrets;
        this.pause = pause;
        this.snapshotLatency = snapshotLatency;
        register();
    }

    private void register() {
        JsonViews v = array.views();
        add("listCapabilities", "listcapabilitiesresponse", p -> JsonViews.single("capability", v.capability()));
        add("listAccount", "listAccountResponse", p -> {
            List<JsonObject> items = new ArrayList<>();
            array.accounts().forEach(a -> items.add(v.account(a)));
            return JsonViews.list("account", items);
        });
        add("listTsm", "listTsmResponse", this::listTsm);
        add("addQosGroup", "addqosgroupresponse", p -> {
            String name = p.required("name");
            SimState.Tsm tsm = array.requireTsm(p, "tsmid");
            Long iops = p.optionalLong("iops");
            // [INFERRED] default IOPS of the Cinder driver when none is given.
            return JsonViews.single("qosgroup", v.qosGroup(array.addQosGroup(tsm, name, iops == null ? 10 : iops, p)));
        });
        add("updateQosGroup", "updateqosresponse", p -> JsonViews.list("qosgroup",
                List.of(v.qosGroup(array.updateQosGroup(array.requireQosGroup(p, "id"), p)))));
        add("listQosGroup", "listQosgroupResponse", p -> {
            List<JsonObject> items = new ArrayList<>();
            String tsmId = p.optional("tsmid");
            array.qosGroups().stream().filter(q -> tsmId == null || q.tsmId.equals(tsmId))
                    .forEach(q -> items.add(v.qosGroup(q)));
            return JsonViews.list("qosgroup", items);
        });
        add("createVolume", "createvolumeresponse", p -> {
            SimulatedArray.VolumeSpec spec = array.parseCreateVolume(p);
            return jobId(array.submitJob(SimulatedArray.CREATE_VOLUME, "com.cloudbyte.api.commands.CreateVolumeCmd",
                    p, spec.tsm.accountId));
        });
        add("listFileSystem", "listFilesystemResponse", this::listFileSystem);
        add("updateFileSystem", "updatefilesystemresponse", p -> JsonViews.list("filesystem",
                List.of(v.fileSystem(array.updateFileSystem(array.requireVolume(p, "id"), p)))));
        add("deleteFileSystem", "deleteFileSystemResponse", p -> {
            SimState.Volume volume = array.requireVolume(p, "id");
            p.optionalBoolean("forcedelete");
            return jobId(array.submitJob(SimulatedArray.DELETE_FILE_SYSTEM,
                    "com.cloudbyte.api.commands.DeleteFileSystemCmd", p, array.tsmOf(volume).accountId));
        });
        add("queryAsyncJobResult", "queryasyncjobresultresponse", p -> {
            SimState.Job job = array.requireJob(p, "jobid");
            boolean heldByFault = faults.fireJobStaysPending("queryAsyncJobResult") != null;
            array.settle(job);
            return v.job(job, heldByFault);
        });
        add("listVolumeiSCSIService", "listVolumeiSCSIServiceResponse", p -> {
            String volumeId = p.optional("storageid");
            List<JsonObject> items = new ArrayList<>();
            array.volumes().stream().filter(vol -> vol.iscsi && (volumeId == null || vol.id.equals(volumeId)))
                    .forEach(vol -> items.add(v.iscsiService(vol)));
            return JsonViews.list("iSCSIService", items);
        });
        add("updateVolumeiSCSIService", "updatingvolumeiscsidetails", p -> {
            String serviceId = p.required("id");
            SimState.Volume volume = array.volumes().stream().filter(vol -> serviceId.equals(vol.iscsiServiceId))
                    .findFirst().orElseThrow(() -> ApiException.invalidParameter(p.command(), "id", serviceId));
            return JsonViews.single("viscsioptions", v.iscsiService(array.updateIscsiService(volume, p)));
        });
        add("listiSCSIInitiator", "listInitiatorsResponse", p -> {
            String accountId = p.optional("accountid");
            List<JsonObject> items = new ArrayList<>();
            array.accounts().stream().filter(a -> accountId == null || a.id.equals(accountId))
                    .forEach(a -> items.addAll(v.initiators(a)));
            return JsonViews.list("initiator", items);
        });
        add("listiSCSIAuthGroup", "listiSCSIAuthGroupResponse", p -> {
            String accountId = p.optional("accountid");
            List<JsonObject> items = new ArrayList<>();
            array.accounts().stream().filter(a -> accountId == null || a.id.equals(accountId))
                    .forEach(a -> items.addAll(v.authGroups(a)));
            return JsonViews.list("authgroup", items);
        });
        add("listiSCSIAuthUser", "listiSCSIAuthUsersResponse", p -> {
            String accountId = p.optional("accountid");
            String groupId = p.optional("authgroupid");
            List<JsonObject> items = new ArrayList<>();
            array.accounts().stream().filter(a -> accountId == null || a.id.equals(accountId))
                    .flatMap(a -> array.authGroupsOf(a).stream())
                    .filter(g -> groupId == null || g.id.equals(groupId))
                    .forEach(g -> items.add(v.authUser(g)));
            return JsonViews.list("authuser", items);
        });
        // [INFERRED] success shape: the error envelope "tsmiSCSIAuthGroupResponse" is what DEVOPS reads; the payload
        // key "authgroup" (as in the list) is a guess, no successful answer was captured.
        add("addiSCSIAuthGroup", "tsmiSCSIAuthGroupResponse", p -> JsonViews.single("authgroup",
                v.authGroup(array.addAuthGroup(array.requireAccount(p, "accountid"), p))));
        // [INFERRED] command, parameters and answer: named like deleteiSCSIInitiator; no answer was captured.
        add("deleteiSCSIAuthGroup", "tsmiSCSIAuthGroupResponse", p -> JsonViews.single("authgroup",
                v.authGroup(array.deleteAuthGroup(array.requireAccount(p, "accountid"), p))));
        add("createStorageSnapshot", "createStorageSnapshotResponse", this::createStorageSnapshot);
        add("listStorageSnapshots", "listDatasetSnapshotsResponse", p -> {
            SimState.Volume volume = array.requireVolume(p, "id");
            List<JsonObject> items = new ArrayList<>();
            volume.snapshots.forEach(s -> items.add(v.snapshotItem(volume, s)));
            return JsonViews.list("snapshot", items);
        });
        add("deleteSnapshot", "deleteSnapshotResponse", p -> {
            SimState.Volume volume = array.requireVolume(p, "id");
            String path = p.optional("path");
            String name = path == null ? p.optional("name") : null;
            if (path == null && name == null) {
                throw ApiException.missingParameter(p.command(), "path");
            }
            SimState.Snapshot snapshot = array.findSnapshot(volume, path, name);
            if (snapshot == null) {
                throw new ApiException(ApiException.PARAMETER_ERROR,
                        "could not find any snapshots to destroy; check snapshot names.");
            }
            array.deleteSnapshot(volume, snapshot);
            JsonObject status = new JsonObject();
            status.addProperty("status", "success");
            return JsonViews.single("DeleteSnapshot", status);
        });
        add("rollbackToSnapshot", "rollbackToSnapshotResponse", p -> {
            SimState.Volume volume = array.requireVolume(p, "id");
            String path = p.required("path");
            SimState.Snapshot snapshot = array.findSnapshot(volume, path, null);
            if (snapshot == null) {
                // [INFERRED] ZFS wording; no capture of a failed rollback exists.
                throw ApiException.failure("Failed to rollback snapshot due to : cannot open '" + path
                        + "': dataset does not exist");
            }
            List<String> destroyed = array.rollback(volume, snapshot);
            // [INFERRED] the real envelope was never captured. "destroyedsnapshots" is a simulator addition that
            // makes ZFS rollback -r visible: the paths of newer snapshots this rollback destroyed (may be empty).
            JsonObject body = new JsonObject();
            body.addProperty("success", true);
            JsonArray paths = new JsonArray();
            destroyed.forEach(paths::add);
            body.add("destroyedsnapshots", paths);
            return body;
        });
        add("cloneDatasetSnapshot", "cloneDatasetSnapshot", p -> {
            SimState.Volume volume = array.requireVolume(p, "id");
            String path = p.required("path");
            String cloneName = p.required("clonename");
            SimState.Snapshot snapshot = array.findSnapshot(volume, path, null);
            if (snapshot == null) {
                throw ApiException.failure("Failed to create clone due to timeout."); // as captured on the wire
            }
            return JsonViews.single("filesystem", v.fileSystem(array.cloneSnapshot(volume, snapshot, cloneName)));
        });
    }

    private void add(String command, String envelope, Function<Params, JsonObject> action) {
        commands.put(command, new Command(envelope, action));
    }

    private JsonObject listTsm(Params p) {
        String accountId = p.optional("accountid");
        String id = p.optional("id");
        List<JsonObject> items = new ArrayList<>();
        array.tsms().stream()
                .filter(t -> (accountId == null || t.accountId.equals(accountId)) && (id == null || t.id.equals(id)))
                .forEach(t -> items.add(array.views().tsm(t)));
        return JsonViews.list("listTsm", items);
    }

    private JsonObject listFileSystem(Params p) {
        String id = p.optional("id");
        String tsmId = p.optional("tsmid");
        List<JsonObject> items = new ArrayList<>();
        // An unknown id is not an error: HTTP 200 and an empty wrapper, as on the wire.
        array.volumes().stream()
                .filter(vol -> (id == null || vol.id.equals(id)) && (tsmId == null || vol.tsmId.equals(tsmId)))
                .forEach(vol -> items.add(array.views().fileSystem(vol)));
        return JsonViews.list("filesystem", items);
    }

    private JsonObject createStorageSnapshot(Params p) {
        String id = p.required("id");
        String name = p.required("name");
        SimState.Volume volume = array.volume(id);
        if (volume != null) {
            return JsonViews.single("StorageSnapshot", array.views().storageSnapshot(volume,
                    array.createSnapshot(volume, name)));
        }
        SimState.Tsm tsm = array.tsmByDatasetId(id);
        if (tsm == null) {
            throw ApiException.invalidParameter(p.command(), "id", id);
        }
        array.createRecursiveSnapshot(tsm, name);
        JsonObject recursive = new JsonObject();
        String snapshotId = SimulatedArray.uuid();
        recursive.addProperty("id", snapshotId);
        recursive.addProperty("name", name);
        recursive.addProperty("usn", snapshotId.replace("-", ""));
        recursive.addProperty("lunusn", tsm.datasetId.replace("-", ""));
        recursive.addProperty("lunid", tsm.datasetId);
        recursive.addProperty("scsiEnabled", false);
        return JsonViews.single("StorageSnapshot", recursive);
    }

    private static JsonObject jobId(SimState.Job job) {
        JsonObject o = new JsonObject();
        o.addProperty("jobid", job.id);
        return o;
    }

    /** Handles {@code /client/api} with already decoded, case-insensitive parameters. */
    Reply handle(Map<String, String> parameters) {
        String commandName = parameters.get("command");
        record(commandName, parameters);
        boolean json = "json".equalsIgnoreCase(parameters.get("response"));
        Command command = commandName == null ? null : commands.get(commandName);
        String envelope = command == null ? ERROR_ENVELOPE : command.envelope;
        // [INFERRED] credentials are checked before the command name, so a caller without a key learns nothing.
        if (!secrets.matches(parameters.get("apikey"))) {
            return error(envelope, new ApiException(ApiException.UNAUTHORIZED,
                    "unable to verify user credentials and/or request signature"), json);
        }
        if (command == null) {
            return error(ERROR_ENVELOPE, new ApiException(ApiException.UNKNOWN_COMMAND,
                    "The given command does not exist"), json);
        }
        Faults.ActiveFault fault = faults.fireRequestFault(commandName);
        if (fault != null) {
            LOG.info("Injecting {} into {}", fault.fault, commandName);
            switch (fault.fault.kind()) {
                case HANG:
                    return Reply.hang(fault);
                case CONNECTION_RESET:
                    return Reply.reset();
                case ERROR:
                    return error(envelope, new ApiException(fault.fault.errorCode(), fault.fault.errorText()), json);
                case LATENCY:
                    if (!pause.sleep(fault.fault.latency())) {
                        return closing(envelope, json);
                    }
                    break;
                default:
                    break;
            }
        }
        if (commandName.equals("createStorageSnapshot") && !snapshotLatency.isZero()
                && !pause.sleep(snapshotLatency)) {
            return closing(envelope, json);
        }
        Reply outcome = execute(command, Params.of(commandName, parameters), json);
        if (fault != null && fault.fault.kind() == Fault.Kind.MALFORMED_JSON) {
            byte[] broken = ("{ \"" + envelope + "\" : { \"count\":1 ,\"item\" : [ { \"id\": \""
                    + SimulatedArray.uuid() + "\" ] ] } }").getBytes(StandardCharsets.UTF_8);
            return Reply.send(200, JSON_TYPE, broken, null);
        }
        if (fault != null && fault.fault.kind() == Fault.Kind.TRUNCATED_JSON) {
            byte[] whole = outcome.body;
            byte[] half = Arrays.copyOf(whole, Math.max(1, whole.length / 2));
            return Reply.send(200, JSON_TYPE, half, null);
        }
        return outcome;
    }

    private Reply execute(Command command, Params params, boolean json) {
        try {
            JsonObject payload;
            synchronized (array) {
                payload = command.action.apply(params);
            }
            return Reply.send(200, json ? JSON_TYPE : XmlRendering.CONTENT_TYPE,
                    render(command.envelope, payload, json), null);
        } catch (ApiException e) {
            return error(command.envelope, e, json);
        } catch (RuntimeException e) {
            LOG.error("Command {} failed unexpectedly", params.command(), e);
            return error(command.envelope, ApiException.failure("Internal error executing command: "
                    + e.getClass().getSimpleName()), json);
        }
    }

    private Reply closing(String envelope, boolean json) {
        return error(envelope, new ApiException(503, "The simulator is shutting down"), json);
    }

    static Reply error(String envelope, ApiException e, boolean json) {
        JsonObject body = new JsonObject();
        body.add("uuidList", new JsonArray());
        body.addProperty("errorcode", e.code());
        body.addProperty("errortext", e.text());
        body.addProperty("licensetype", "trial");
        return Reply.send(e.code(), json ? JSON_TYPE : XmlRendering.CONTENT_TYPE, render(envelope, body, json),
                e.text());
    }

    private static byte[] render(String envelope, JsonObject payload, boolean json) {
        if (!json) {
            return XmlRendering.render(envelope, payload);
        }
        // The server's own layout: { "<envelope>" : { ... } }
        return ("{ \"" + envelope + "\" : " + GSON.toJson(payload) + " }").getBytes(StandardCharsets.UTF_8);
    }

    private void record(String command, Map<String, String> parameters) {
        Map<String, String> kept = new LinkedHashMap<>();
        parameters.forEach((name, value) -> {
            String lower = name.toLowerCase(Locale.ROOT);
            if (!lower.equals("command") && !Params.CREDENTIALS.contains(lower)) {
                kept.put(name, secrets.redact(value));
            }
        });
        RecordedRequest request = new RecordedRequest(command == null ? null : secrets.redact(command), kept);
        requestLog.add(request);
        LOG.debug("API request {}", request);
    }

    /** The API key, compared in constant time and scrubbed from anything recorded. */
    static final class Secrets {
        private final byte[] key;
        private final String keyText;

        Secrets(String apiKey) {
            this.keyText = apiKey;
            this.key = apiKey.getBytes(StandardCharsets.UTF_8);
        }

        boolean matches(String candidate) {
            return candidate != null && MessageDigest.isEqual(key, candidate.getBytes(StandardCharsets.UTF_8));
        }

        String redact(String text) {
            return text == null ? null : text.replace(keyText, "****");
        }

        @Override
        public String toString() {
            return "Secrets[****]";
        }
    }
}
