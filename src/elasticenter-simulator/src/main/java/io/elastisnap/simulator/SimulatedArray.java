// Licensed under the Apache License, Version 2.0. See LICENSE in the project root.
package io.elastisnap.simulator;

import com.google.gson.Gson;
import com.google.gson.GsonBuilder;
import com.google.gson.JsonObject;
import org.apache.logging.log4j.LogManager;
import org.apache.logging.log4j.Logger;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDateTime;
import java.time.ZoneId;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import java.util.UUID;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.regex.Pattern;

/**
 * The simulated storage: state model, ElastiStor rules, async jobs, real image files and persistence. Every method
 * must be called while holding this object's monitor ({@code synchronized (array)}), which serializes all commands
 * as one appliance would do for a single dataset.
 */
final class SimulatedArray {
    static final String CREATE_VOLUME = "createVolume";
    static final String DELETE_FILE_SYSTEM = "deleteFileSystem";

    private static final Logger LOG = LogManager.getLogger(SimulatedArray.class);
    private static final DateTimeFormatter JOB_TIME = DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm:ss");
    private static final DateTimeFormatter SNAPSHOT_TIME = DateTimeFormatter.ofPattern("EEE MMM dd yyyy HH:mm",
            Locale.US);
    private static final DateTimeFormatter IQN_DATE = DateTimeFormatter.ofPattern("yyyy-MM");
    private static final String STATE_FILE = "state.json";
    // [INFERRED] ZFS dataset/snapshot name component rules; the ElastiCenter limits are not documented.
    private static final Pattern NAME = Pattern.compile("[A-Za-z0-9_.:-]{1,200}");
    private static final long DEFAULT_TSM_IOPS = 100_000;
    private static final long DEFAULT_TSM_QUOTA_MIB = 10L * 1024 * 1024; // 10 TiB
    /** Finished jobs kept queryable; older ones are forgotten so the state file stays small. */
    static final int FINISHED_JOBS_KEPT = 1000;

    private final SimState state;
    private final ImageStore images;
    private final Path stateFile;
    private final Duration jobDuration;
    private final Faults faults;
    private final ScheduledExecutorService jobTimer;
    private final Clock clock;
    private final JsonViews views = new JsonViews(this);
    private final Gson gson = new GsonBuilder().setPrettyPrinting().disableHtmlEscaping().create();
    /** The real iSCSI target, or null: then volumes are not exported and the TSM shows its documentation address. */
    private IscsiTarget iscsiTarget;

    private SimulatedArray(SimState state, ImageStore images, Path stateFile, Duration jobDuration, Faults faults,
                           ScheduledExecutorService jobTimer, Clock clock) {
        this.state = state;
        this.images = images;
        this.stateFile = stateFile;
        this.jobDuration = jobDuration;
        this.faults = faults;
        this.jobTimer = jobTimer;
        this.clock = clock;
    }

    /** Loads the persisted state of {@code dataDirectory} (null: in memory only) or seeds a fresh appliance. */
    static SimulatedArray open(Path dataDirectory, Duration jobDuration, Faults faults,
                               ScheduledExecutorService jobTimer) throws IOException {
        ImageStore images = dataDirectory == null ? null : ImageStore.open(dataDirectory);
        Path stateFile = dataDirectory == null ? null : dataDirectory.resolve(STATE_FILE);
        SimState state = null;
        if (stateFile != null && Files.exists(stateFile)) {
            state = new Gson().fromJson(Files.readString(stateFile, StandardCharsets.UTF_8), SimState.class);
            LOG.info("Loaded simulator state from {}: {} volumes", stateFile, state.volumes.size());
        }
        SimulatedArray array = new SimulatedArray(state == null ? new SimState() : state, images, stateFile,
                jobDuration, faults, jobTimer, Clock.systemDefaultZone());
        synchronized (array) {
            if (state == null) {
                array.seed();
            }
            array.upgradeState();
            array.resumePendingJobs();
        }
        return array;
    }

    JsonViews views() {
        return views;
    }

    boolean hasImages() {
        return images != null;
    }

    boolean reflinkSupported() {
        return images != null && images.reflinkSupported();
    }

    /** Exports the volumes over real iSCSI from now on (and at every later change), following the state. */
    void attachIscsiTarget(IscsiTarget target) {
        this.iscsiTarget = target;
        syncIscsiExports();
    }

    // ---------------------------------------------------------------- seed and persistence

    private void seed() {
        SimState.Account account = createAccount("ELASTISNAP_ACC");
        SimState.Tsm tsm = new SimState.Tsm();
        tsm.id = uuid();
        tsm.name = "TSM1";
        tsm.simpleId = state.nextSimpleId();
        tsm.accountId = account.id;
        tsm.datasetId = uuid();
        tsm.poolId = uuid();
        tsm.poolName = "Pool1";
        tsm.ipAddress = "192.0.2.41"; // documentation range: the simulated iSCSI portal is not reachable
        tsm.controllerId = uuid();
        tsm.clusterId = uuid();
        tsm.siteId = uuid();
        tsm.totalIops = DEFAULT_TSM_IOPS;
        tsm.quotaMib = DEFAULT_TSM_QUOTA_MIB;
        state.tsms.put(tsm.id, tsm);
        state.defaultAccountId = account.id;
        state.defaultTsmId = tsm.id;
        persist();
    }

    private SimState.Account createAccount(String name) {
        SimState.Account account = new SimState.Account();
        account.id = uuid();
        account.name = name;
        account.simpleId = state.nextSimpleId();
        account.iqnDate = LocalDateTime.now(clock).format(IQN_DATE);
        account.allInitiatorGroupId = uuid();
        account.noneInitiatorGroupId = uuid();
        account.noneAuthGroupId = uuid();
        account.userId = uuid();
        state.accounts.put(account.id, account);
        return account;
    }

    /** Fills in what state files of older simulators lack. */
    private void upgradeState() {
        if (state.authGroups == null) {
            state.authGroups = new LinkedHashMap<>();
        }
        state.accounts.values().stream().filter(a -> a.noneAuthGroupId == null).forEach(a -> a.noneAuthGroupId = uuid());
    }

    /**
     * Writes the state atomically; a crash leaves either the old or the new file. Every change passes here, so this
     * is also where the iSCSI exports follow the state.
     */
    void persist() {
        syncIscsiExports();
        if (stateFile == null) {
            return;
        }
        Path partial = stateFile.resolveSibling(STATE_FILE + ".partial");
        try {
            Files.writeString(partial, gson.toJson(state), StandardCharsets.UTF_8);
            Files.move(partial, stateFile, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot persist simulator state to " + stateFile, e);
        }
    }

    // ---------------------------------------------------------------- lookups and naming

    SimDefaults defaults() {
        SimState.Tsm tsm = state.tsms.get(state.defaultTsmId);
        SimState.Account account = state.accounts.get(state.defaultAccountId);
        return new SimDefaults(account.id, account.name, tsm.id, tsm.name, tsm.datasetId, tsm.ipAddress,
                tsm.poolName);
    }

    Collection<SimState.Account> accounts() {
        return state.accounts.values();
    }

    Collection<SimState.Tsm> tsms() {
        return state.tsms.values();
    }

    Collection<SimState.QosGroup> qosGroups() {
        return state.qosGroups.values();
    }

    Collection<SimState.Volume> volumes() {
        return state.volumes.values();
    }

    SimState.Account account(String id) {
        return id == null ? null : state.accounts.get(id);
    }

    SimState.Tsm tsm(String id) {
        return id == null ? null : state.tsms.get(id);
    }

    SimState.QosGroup qosGroup(String id) {
        return id == null ? null : state.qosGroups.get(id);
    }

    SimState.Volume volume(String id) {
        return id == null ? null : state.volumes.get(id);
    }

    SimState.Tsm tsmByDatasetId(String datasetId) {
        return state.tsms.values().stream().filter(t -> t.datasetId.equals(datasetId)).findFirst().orElse(null);
    }

    SimState.Account requireAccount(Params params, String name) {
        return require(params, name, account(params.required(name)));
    }

    SimState.Tsm requireTsm(Params params, String name) {
        return require(params, name, tsm(params.required(name)));
    }

    SimState.QosGroup requireQosGroup(Params params, String name) {
        return require(params, name, qosGroup(params.required(name)));
    }

    SimState.Volume requireVolume(Params params, String name) {
        return require(params, name, volume(params.required(name)));
    }

    SimState.Job requireJob(Params params, String name) {
        return require(params, name, state.jobs.get(params.required(name)));
    }

    private static <T> T require(Params params, String name, T found) {
        if (found == null) {
            throw ApiException.invalidParameter(params.command(), name, params.optional(name));
        }
        return found;
    }

    SimState.Account accountOf(SimState.Tsm tsm) {
        return state.accounts.get(tsm.accountId);
    }

    SimState.Tsm tsmOf(SimState.Volume volume) {
        return state.tsms.get(volume.tsmId);
    }

    SimState.Account accountOf(SimState.Volume volume) {
        return accountOf(tsmOf(volume));
    }

    List<SimState.Volume> volumesOf(SimState.Tsm tsm) {
        List<SimState.Volume> result = new ArrayList<>();
        state.volumes.values().forEach(v -> {
            if (v.tsmId.equals(tsm.id)) {
                result.add(v);
            }
        });
        return result;
    }

    String zfsPath(SimState.Volume volume) {
        SimState.Tsm tsm = tsmOf(volume);
        return tsm.poolName + "/" + accountOf(tsm).name + tsm.name + "/" + volume.name;
    }

    String snapshotPath(SimState.Volume volume, SimState.Snapshot snapshot) {
        return zfsPath(volume) + "@" + snapshot.name;
    }

    /** {@code <account><volume>}. */
    String mountpoint(SimState.Volume volume) {
        return accountOf(volume).name + volume.name;
    }

    /** IQN of an iSCSI volume, "" for NFS. */
    String iqn(SimState.Volume volume) {
        if (!volume.iscsi) {
            return "";
        }
        SimState.Tsm tsm = tsmOf(volume);
        SimState.Account account = accountOf(tsm);
        // [INFERRED] '_' is not allowed in an IQN and is dropped from the account name (CBOS logs show it).
        String accountPart = iqnSafe(account.name);
        return "iqn." + account.iqnDate + "." + accountPart + "." + tsm.name + ":" + accountPart + volume.name;
    }

    static String iqnSafe(String name) {
        return name.replace("_", "");
    }

    /** The TSM's data IP as the API shows it: the real portal's address when volumes are exported over iSCSI. */
    String portalAddress(SimState.Tsm tsm) {
        return iscsiTarget == null ? tsm.ipAddress : IscsiTarget.PORTAL_HOST;
    }

    String initiatorGroupName(SimState.Volume volume) {
        if (volume.initiatorGroupId == null) {
            return null;
        }
        SimState.Account account = accountOf(volume);
        return volume.initiatorGroupId.equals(account.allInitiatorGroupId) ? "ALL" : "None";
    }

    long usedIops(SimState.Tsm tsm) {
        return state.qosGroups.values().stream().filter(q -> q.tsmId.equals(tsm.id)).mapToLong(q -> q.iops).sum();
    }

    long usedMib(SimState.Tsm tsm) {
        return volumesOf(tsm).stream().mapToLong(v -> SizeUnits.mib(v.sizeBytes)).sum();
    }

    Path imagePath(SimState.Volume volume) {
        return images == null ? null : images.volumeImage(volume.id);
    }

    Path snapshotImagePath(SimState.Snapshot snapshot) {
        return images == null ? null : images.snapshotImage(snapshot.id);
    }

    SimVolume toSimVolume(SimState.Volume volume) {
        return new SimVolume(volume.id, volume.name, zfsPath(volume), iqn(volume), volume.qosGroupId,
                volume.sizeBytes, imagePath(volume));
    }

    /** The snapshot addressed by its path (preferred) or its name, or null. */
    SimState.Snapshot findSnapshot(SimState.Volume volume, String path, String name) {
        for (SimState.Snapshot snapshot : volume.snapshots) {
            if (path != null ? snapshotPath(volume, snapshot).equals(path) : snapshot.name.equals(name)) {
                return snapshot;
            }
        }
        return null;
    }

    /** The named snapshot of a volume, or null when either is unknown. */
    SimState.Snapshot snapshotByName(String volumeId, String snapshotName) {
        SimState.Volume volume = volume(volumeId);
        return volume == null ? null : findSnapshot(volume, null, snapshotName);
    }

    // ---------------------------------------------------------------- QoS groups

    SimState.QosGroup addQosGroup(SimState.Tsm tsm, String requestedName, long iops, Params params) {
        long available = tsm.totalIops - usedIops(tsm);
        if (iops > available) {
            throw ApiException.failure("Failed to provision Qos group due to : [IOPS] : Iops value should not exceed"
                    + " VSM's available IOPS: " + available);
        }
        // The server appends <account><tsm> to the requested name. Duplicate names are not refused: unknown.
        String name = requestedName + accountOf(tsm).name + tsm.name;
        SimState.QosGroup group = new SimState.QosGroup();
        group.id = uuid();
        group.name = name;
        group.tsmId = tsm.id;
        group.iops = iops;
        group.latency = params.optional("latency", "15");
        group.throughput = params.optional("throughput", "0");
        group.blocksize = params.optional("blocksize", "4k");
        group.graceAllowed = params.optionalBoolean("graceallowed", false);
        group.iopsControl = params.optionalBoolean("iopscontrol", true);
        group.tpControl = params.optionalBoolean("tpcontrol", false);
        group.memlimit = params.optional("memlimit", "0");
        group.networkspeed = params.optional("networkspeed", "0");
        state.qosGroups.put(group.id, group);
        persist();
        return group;
    }

    SimState.QosGroup updateQosGroup(SimState.QosGroup group, Params params) {
        Long iops = params.optionalLong("iops");
        if (iops != null) {
            SimState.Tsm tsm = tsm(group.tsmId);
            long available = tsm.totalIops - usedIops(tsm) + group.iops;
            if (iops > available) {
                throw ApiException.failure("Failed to update Qos group due to : [IOPS] : Iops value should not"
                        + " exceed VSM's available IOPS: " + available);
            }
            group.iops = iops;
        }
        group.latency = params.optional("latency", group.latency);
        group.throughput = params.optional("throughput", group.throughput);
        group.graceAllowed = params.optionalBoolean("graceallowed", group.graceAllowed);
        group.iopsControl = params.optionalBoolean("iopscontrol", group.iopsControl);
        group.tpControl = params.optionalBoolean("tpcontrol", group.tpControl);
        group.revision++;
        persist();
        return group;
    }

    // ---------------------------------------------------------------- volumes

    /** A validated createVolume request; validated again when its job runs, as the state may have moved on. */
    static final class VolumeSpec {
        SimState.Tsm tsm;
        SimState.QosGroup qosGroup;
        String name;
        long sizeBytes;
        boolean iscsi;
        Params params;
    }

    VolumeSpec parseCreateVolume(Params params) {
        VolumeSpec spec = new VolumeSpec();
        spec.params = params;
        spec.name = params.required("name");
        spec.tsm = requireTsm(params, "tsmid");
        spec.qosGroup = requireQosGroup(params, "qosgroupid");
        spec.sizeBytes = params.requiredSize("quotasize");
        if (!NAME.matcher(spec.name).matches()) {
            throw ApiException.invalidParameter(params.command(), "name", spec.name);
        }
        String datasetId = params.optional("datasetid");
        if (datasetId != null && !datasetId.equals(spec.tsm.datasetId)) {
            throw ApiException.invalidParameter(params.command(), "datasetid", datasetId);
        }
        if (!spec.qosGroup.tsmId.equals(spec.tsm.id)) {
            throw ApiException.invalidParameter(params.command(), "qosgroupid", spec.qosGroup.id);
        }
        // [INFERRED] protocoltype is compared case-insensitively (CloudStack sends "iscsi", Cinder "ISCSI").
        String protocol = params.optional("protocoltype", "ISCSI").toUpperCase(Locale.ROOT);
        if (!protocol.equals("ISCSI") && !protocol.equals("NFS")) {
            throw ApiException.invalidParameter(params.command(), "protocoltype", protocol);
        }
        spec.iscsi = protocol.equals("ISCSI");
        return spec;
    }

    SimState.Volume createVolume(VolumeSpec spec) {
        SimState.Volume volume = newVolume(spec.tsm, spec.qosGroup, spec.name, spec.sizeBytes, spec.iscsi);
        Params p = spec.params;
        volume.compression = p.optional("compression", "off");
        volume.sync = p.optional("sync", "always");
        volume.deduplication = p.optional("deduplication", "off");
        volume.recordsize = p.optional("recordsize", spec.iscsi ? "512B" : "4k");
        volume.blocklength = p.optional("blocklength", p.optional("blocksize", "512B"));
        try {
            if (images != null) {
                images.createVolume(volume.id, volume.sizeBytes);
            }
        } catch (IOException e) {
            throw storageFailure("create volume", e);
        }
        state.volumes.put(volume.id, volume);
        persist();
        return volume;
    }

    private SimState.Volume newVolume(SimState.Tsm tsm, SimState.QosGroup group, String name, long sizeBytes,
                                      boolean iscsi) {
        boolean exists = volumesOf(tsm).stream().anyMatch(v -> v.name.equals(name));
        if (exists) {
            // [INFERRED] ZFS refuses a second dataset of the same name; the ElastiCenter wording is unknown.
            throw ApiException.failure("Failed to create volume due to : dataset '" + tsm.poolName + "/"
                    + accountOf(tsm).name + tsm.name + "/" + name + "' already exists");
        }
        SimState.Volume volume = new SimState.Volume();
        volume.id = uuid();
        volume.name = name;
        volume.simpleId = state.nextSimpleId();
        volume.tsmId = tsm.id;
        volume.qosGroupId = group.id;
        volume.sizeBytes = sizeBytes;
        volume.iscsi = iscsi;
        volume.compression = "off";
        volume.sync = "always";
        volume.deduplication = "off";
        volume.recordsize = iscsi ? "512B" : "4k";
        volume.blocklength = "512B";
        volume.authMethod = "None";
        volume.authGroupId = "-1";
        volume.queueDepth = "32";
        volume.iscsiEnabled = iscsi;
        if (iscsi) {
            volume.iscsiServiceId = uuid();
        }
        return volume;
    }

    /** Direct provisioning for tests and demos: a QoS group plus a volume, as the Cinder flow would create them. */
    SimState.Volume provision(String name, long sizeBytes, boolean iscsi) {
        SimState.Tsm tsm = state.tsms.get(state.defaultTsmId);
        Params params = Params.of("createVolume", Map.of());
        SimState.QosGroup group = addQosGroup(tsm, "QoS_" + name, 10, params);
        VolumeSpec spec = new VolumeSpec();
        spec.tsm = tsm;
        spec.qosGroup = group;
        spec.name = name;
        spec.sizeBytes = sizeBytes;
        spec.iscsi = iscsi;
        spec.params = params;
        try {
            return createVolume(spec);
        } catch (RuntimeException e) {
            state.qosGroups.remove(group.id);
            persist();
            throw e;
        }
    }

    SimState.Volume updateFileSystem(SimState.Volume volume, Params params) {
        String quota = params.optional("quotasize");
        if (quota != null) {
            long bytes = params.requiredSize("quotasize");
            if (bytes < volume.sizeBytes) {
                // [INFERRED] shrinking would cut off guest data; refused like most arrays do.
                throw ApiException.failure("Failed to update volume due to : new quota " + quota
                        + " is smaller than the current quota " + SizeUnits.format(volume.sizeBytes));
            }
            try {
                if (images != null) {
                    images.resizeVolume(volume.id, bytes);
                }
            } catch (IOException e) {
                throw storageFailure("resize volume", e);
            }
            volume.sizeBytes = bytes;
        }
        volume.compression = params.optional("compression", volume.compression);
        volume.sync = params.optional("sync", volume.sync);
        volume.deduplication = params.optional("deduplication", volume.deduplication);
        volume.readonly = params.optionalBoolean("readonly", volume.readonly);
        persist();
        return volume;
    }

    /**
     * [INFERRED] Deleting a volume removes its plain snapshots; a snapshot with a clone makes the delete fail unless
     * forced. A forced delete leaves the clones as independent volumes (their data is already a separate file).
     */
    void deleteVolume(SimState.Volume volume, boolean force) {
        for (SimState.Snapshot snapshot : volume.snapshots) {
            if (!snapshot.cloneVolumeIds.isEmpty() && !force) {
                throw ApiException.failure("Failed to delete volume due to : snapshot '"
                        + snapshotPath(volume, snapshot) + "' has a clone: " + cloneNames(snapshot));
            }
        }
        try {
            for (SimState.Snapshot snapshot : volume.snapshots) {
                for (String cloneId : snapshot.cloneVolumeIds) {
                    SimState.Volume clone = state.volumes.get(cloneId);
                    if (clone != null) {
                        clone.originSnapshotId = null;
                        clone.originVolumeId = null;
                    }
                }
                if (images != null) {
                    images.deleteSnapshot(snapshot.id);
                }
            }
            if (images != null) {
                images.deleteVolume(volume.id);
            }
        } catch (IOException e) {
            throw storageFailure("delete volume", e);
        }
        detachFromOrigin(volume);
        state.volumes.remove(volume.id);
        // [INFERRED] the volume's QoS group goes with it unless a clone still shares it.
        boolean groupShared = state.volumes.values().stream().anyMatch(v -> v.qosGroupId.equals(volume.qosGroupId));
        if (!groupShared) {
            state.qosGroups.remove(volume.qosGroupId);
        }
        persist();
    }

    private void detachFromOrigin(SimState.Volume clone) {
        SimState.Volume origin = volume(clone.originVolumeId);
        if (origin == null) {
            return;
        }
        for (SimState.Snapshot snapshot : origin.snapshots) {
            snapshot.cloneVolumeIds.remove(clone.id);
        }
    }

    private String cloneNames(SimState.Snapshot snapshot) {
        List<String> names = new ArrayList<>();
        for (String id : snapshot.cloneVolumeIds) {
            SimState.Volume clone = state.volumes.get(id);
            names.add(clone == null ? id : zfsPath(clone));
        }
        return String.join(", ", names);
    }

    SimState.Volume updateIscsiService(SimState.Volume volume, Params params) {
        String groupId = params.optional("igid");
        if (groupId != null) {
            SimState.Account account = accountOf(volume);
            if (!groupId.equals(account.allInitiatorGroupId) && !groupId.equals(account.noneInitiatorGroupId)) {
                throw ApiException.invalidParameter(params.command(), "igid", groupId);
            }
            volume.initiatorGroupId = groupId;
        }
        String authMethod = params.optional("authmethod", volume.authMethod);
        String authGroupId = params.optional("authgroupid", volume.authGroupId);
        if (authMethod.equalsIgnoreCase("CHAP")) {
            // [INFERRED] CHAP needs an auth group of the volume's account with a CHAP user; the real error is unknown.
            SimState.AuthGroup group = state.authGroups.get(authGroupId);
            if (group == null || !group.accountId.equals(accountOf(volume).id)) {
                throw ApiException.invalidParameter(params.command(), "authgroupid", authGroupId);
            }
            authMethod = "CHAP";
        } else if (authMethod.equalsIgnoreCase("None")) {
            authMethod = "None";
        } else {
            throw ApiException.invalidParameter(params.command(), "authmethod", authMethod);
        }
        volume.authMethod = authMethod;
        volume.authGroupId = authGroupId;
        volume.queueDepth = params.optional("queuedepth", volume.queueDepth);
        volume.iscsiEnabled = params.optionalBoolean("status", volume.iscsiEnabled);
        persist();
        return volume;
    }

    // ---------------------------------------------------------------- iSCSI auth groups and exports

    /** The account's auth groups besides the built-in "None", oldest first. */
    List<SimState.AuthGroup> authGroupsOf(SimState.Account account) {
        List<SimState.AuthGroup> groups = new ArrayList<>();
        state.authGroups.values().forEach(g -> {
            if (g.accountId.equals(account.id)) {
                groups.add(g);
            }
        });
        return groups;
    }

    SimState.AuthGroup authGroup(String id) {
        return id == null ? null : state.authGroups.get(id);
    }

    /**
     * {@code addiSCSIAuthGroup} (DEVOPS sends accountid, name, comment, chapusername, chappassword and the mutual
     * pair): a group with its one CHAP user. [INFERRED] names are unique per account; a CHAP secret has 12 to 255
     * characters without blanks (RFC 3720 asks for at least 96 bits; the appliance's own rule is not known).
     */
    SimState.AuthGroup addAuthGroup(SimState.Account account, Params params) {
        String name = params.required("name");
        if (name.equalsIgnoreCase("None") || authGroupsOf(account).stream().anyMatch(g -> g.name.equals(name))) {
            throw ApiException.failure("Failed to add iSCSI auth group due to : auth group '" + name
                    + "' already exists");
        }
        SimState.AuthGroup group = new SimState.AuthGroup();
        group.id = uuid();
        group.userId = uuid();
        group.accountId = account.id;
        group.name = name;
        group.comment = params.optional("comment", name);
        group.chapUser = params.required("chapusername");
        group.chapSecret = chapSecret(params, "chappassword", true);
        group.mutualChapUser = params.optional("mutualchapusername");
        group.mutualChapSecret = chapSecret(params, "mutualchappassword", false);
        if (!NAME.matcher(group.chapUser).matches()) {
            throw ApiException.invalidParameter(params.command(), "chapusername", group.chapUser);
        }
        state.authGroups.put(group.id, group);
        persist();
        return group;
    }

    /** {@code deleteiSCSIAuthGroup}: [INFERRED] refused while a volume's iSCSI service authenticates with the group. */
    SimState.AuthGroup deleteAuthGroup(SimState.Account account, Params params) {
        String id = params.required("id");
        SimState.AuthGroup group = state.authGroups.get(id);
        if (group == null || !group.accountId.equals(account.id)) {
            throw ApiException.invalidParameter(params.command(), "id", id);
        }
        if (state.volumes.values().stream().anyMatch(v -> "CHAP".equals(v.authMethod) && id.equals(v.authGroupId))) {
            throw ApiException.failure("Failed to delete iSCSI auth group due to : auth group '" + group.name + "' is in use");
        }
        state.authGroups.remove(id);
        persist();
        return group;
    }

    private static String chapSecret(Params params, String name, boolean required) {
        String secret = required ? params.required(name) : params.optional(name);
        if (secret != null && (secret.length() < 12 || secret.length() > 255 || secret.chars().anyMatch(
                Character::isWhitespace))) {
            // The value itself is never repeated in an answer.
            throw new ApiException(ApiException.PARAMETER_ERROR, "Unable to execute API command "
                    + params.command().toLowerCase(Locale.ROOT) + " due to invalid value. Invalid parameter " + name
                    + ": a CHAP secret has 12 to 255 characters and no blanks");
        }
        return secret;
    }

    /** What tgtd should export: every enabled iSCSI volume in the ALL initiator group, behind CHAP if it says so. */
    private List<IscsiTarget.Export> iscsiExports() {
        List<IscsiTarget.Export> exports = new ArrayList<>();
        for (SimState.Volume volume : state.volumes.values()) {
            SimState.Account account = accountOf(volume);
            if (!volume.iscsi || !volume.iscsiEnabled || imagePath(volume) == null
                    || !account.allInitiatorGroupId.equals(volume.initiatorGroupId)) {
                continue;
            }
            Map<String, String> chap = new TreeMap<>();
            if ("CHAP".equals(volume.authMethod)) {
                SimState.AuthGroup group = state.authGroups.get(volume.authGroupId);
                if (group == null) {
                    continue; // fail closed: a CHAP volume without its group is not exported at all
                }
                chap.put(group.chapUser, group.chapSecret);
            }
            exports.add(new IscsiTarget.Export(iqn(volume), imagePath(volume), chap));
        }
        return exports;
    }

    private void syncIscsiExports() {
        if (iscsiTarget != null) {
            iscsiTarget.apply(iscsiExports());
        }
    }

    // ---------------------------------------------------------------- snapshots

    SimState.Snapshot createSnapshot(SimState.Volume volume, String name) {
        validateSnapshotName(name);
        if (findSnapshot(volume, null, name) != null) {
            // [INFERRED] ZFS wording; snapshot names are unique per volume.
            throw ApiException.failure("Failed to create snapshot due to : cannot create snapshot '"
                    + zfsPath(volume) + "@" + name + "': dataset already exists");
        }
        SimState.Snapshot snapshot = new SimState.Snapshot();
        snapshot.id = uuid();
        snapshot.name = name;
        snapshot.createdMillis = clock.millis();
        snapshot.sizeBytes = volume.sizeBytes;
        try {
            if (images != null) {
                images.snapshot(volume.id, snapshot.id);
            }
        } catch (IOException e) {
            throw storageFailure("create snapshot", e);
        }
        volume.snapshots.add(snapshot);
        persist();
        return snapshot;
    }

    /** A TSM dataset id snapshots every volume of the TSM under one name, all or none. */
    void createRecursiveSnapshot(SimState.Tsm tsm, String name) {
        validateSnapshotName(name);
        List<SimState.Volume> volumes = volumesOf(tsm);
        for (SimState.Volume volume : volumes) {
            if (findSnapshot(volume, null, name) != null) {
                throw ApiException.failure("Failed to create snapshot due to : cannot create snapshot '"
                        + zfsPath(volume) + "@" + name + "': dataset already exists");
            }
        }
        List<SimState.Snapshot> created = new ArrayList<>();
        try {
            for (SimState.Volume volume : volumes) {
                created.add(createSnapshot(volume, name));
            }
        } catch (ApiException e) {
            for (SimState.Volume volume : volumes) {
                volume.snapshots.removeIf(created::contains);
            }
            created.forEach(this::deleteSnapshotImageQuietly);
            persist();
            throw e;
        }
    }

    private void validateSnapshotName(String name) {
        if (!NAME.matcher(name).matches()) {
            throw ApiException.failure("Failed to create snapshot due to : invalid snapshot name '" + name
                    + "': use 1-200 letters, digits, '_', '-', '.' or ':'");
        }
    }

    void deleteSnapshot(SimState.Volume volume, SimState.Snapshot snapshot) {
        if (!snapshot.cloneVolumeIds.isEmpty()) {
            // [INFERRED] HTTP 530; only the phrase "has a clone" is known from clients.
            throw ApiException.failure("Failed to delete snapshot due to : snapshot '"
                    + snapshotPath(volume, snapshot) + "' has a clone: " + cloneNames(snapshot));
        }
        try {
            if (images != null) {
                images.deleteSnapshot(snapshot.id);
            }
        } catch (IOException e) {
            throw storageFailure("delete snapshot", e);
        }
        volume.snapshots.remove(snapshot);
        persist();
    }

    /**
     * [INFERRED] ZFS {@code rollback -r}: snapshots newer than the target are destroyed, and the rollback is refused
     * when one of them has a clone. Returns the paths of the destroyed snapshots, oldest first.
     */
    List<String> rollback(SimState.Volume volume, SimState.Snapshot target) {
        int index = volume.snapshots.indexOf(target);
        List<SimState.Snapshot> newer = new ArrayList<>(volume.snapshots.subList(index + 1, volume.snapshots.size()));
        for (SimState.Snapshot snapshot : newer) {
            if (!snapshot.cloneVolumeIds.isEmpty()) {
                throw ApiException.failure("Failed to rollback snapshot due to : cannot rollback to '"
                        + snapshotPath(volume, target) + "': newer snapshot '" + snapshotPath(volume, snapshot)
                        + "' has a clone: " + cloneNames(snapshot));
            }
        }
        try {
            if (images != null) {
                images.rollback(volume.id, target.id);
            }
        } catch (IOException e) {
            throw storageFailure("rollback snapshot", e);
        }
        List<String> destroyed = new ArrayList<>();
        for (SimState.Snapshot snapshot : newer) {
            destroyed.add(snapshotPath(volume, snapshot));
            deleteSnapshotImageQuietly(snapshot);
        }
        volume.snapshots.removeAll(newer);
        volume.sizeBytes = target.sizeBytes;
        persist();
        return destroyed;
    }

    SimState.Volume cloneSnapshot(SimState.Volume source, SimState.Snapshot snapshot, String cloneName) {
        if (!NAME.matcher(cloneName).matches()) {
            throw ApiException.failure("Failed to create clone due to : invalid clone name '" + cloneName + "'");
        }
        SimState.Tsm tsm = tsmOf(source);
        // [INFERRED] from the Cinder fixture: the clone shares the parent's QoS group.
        SimState.Volume clone = newVolume(tsm, qosGroup(source.qosGroupId), cloneName, snapshot.sizeBytes,
                source.iscsi);
        clone.compression = source.compression;
        clone.sync = source.sync;
        clone.deduplication = source.deduplication;
        clone.recordsize = source.recordsize;
        clone.blocklength = source.blocklength;
        clone.originSnapshotId = snapshot.id;
        clone.originVolumeId = source.id;
        try {
            if (images != null) {
                images.cloneVolume(snapshot.id, clone.id);
            }
        } catch (IOException e) {
            throw storageFailure("create clone", e);
        }
        snapshot.cloneVolumeIds.add(clone.id);
        state.volumes.put(clone.id, clone);
        persist();
        return clone;
    }

    private void deleteSnapshotImageQuietly(SimState.Snapshot snapshot) {
        if (images == null) {
            return;
        }
        try {
            images.deleteSnapshot(snapshot.id);
        } catch (IOException e) {
            LOG.warn("Could not remove the image of snapshot {}: {}", snapshot.id, e.getMessage());
        }
    }

    private static ApiException storageFailure(String operation, IOException e) {
        LOG.error("Storage operation '{}' failed", operation, e);
        return ApiException.failure("Failed to " + operation + " due to : " + e.getMessage());
    }

    // ---------------------------------------------------------------- async jobs

    SimState.Job submitJob(String command, String cmdClass, Params params, String accountId) {
        SimState.Job job = new SimState.Job();
        job.id = uuid();
        job.command = command;
        job.cmdClass = cmdClass;
        job.accountId = accountId;
        job.userId = state.accounts.get(accountId).userId;
        job.created = LocalDateTime.now(clock).format(JOB_TIME);
        job.completeAtMillis = clock.millis() + jobDuration.toMillis();
        // Only what the job needs is kept (and persisted): never the credentials.
        params.all().forEach((name, value) -> {
            if (!Params.CREDENTIALS.contains(name.toLowerCase(Locale.ROOT))) {
                job.params.put(name, value);
            }
        });
        job.heldBy = faults.fireJobStaysPending(command);
        state.jobs.put(job.id, job);
        if (!settle(job)) {
            schedule(job);
            persist();
        }
        return job;
    }

    private void forgetOldFinishedJobs() {
        long finished = state.jobs.values().stream().filter(j -> j.status != 0).count();
        Iterator<SimState.Job> oldestFirst = state.jobs.values().iterator();
        while (finished > FINISHED_JOBS_KEPT && oldestFirst.hasNext()) {
            if (oldestFirst.next().status != 0) {
                oldestFirst.remove();
                finished--;
            }
        }
    }

    /** Runs the job if it is due and not held; returns whether it is finished. */
    boolean settle(SimState.Job job) {
        if (job.status != 0) {
            return true;
        }
        if (job.heldBy != null && !job.heldBy.released()) {
            return false;
        }
        if (clock.millis() < job.completeAtMillis) {
            return false;
        }
        runJob(job);
        persist();
        return true;
    }

    /** Re-checks every pending job, e.g. after a fault released the jobs it held. */
    void settleAll() {
        new ArrayList<>(state.jobs.values()).forEach(this::settle);
    }

    private void resumePendingJobs() {
        new ArrayList<>(state.jobs.values()).stream().filter(j -> j.status == 0).forEach(job -> {
            if (!settle(job)) {
                schedule(job);
            }
        });
    }

    private void schedule(SimState.Job job) {
        long delay = Math.max(0, job.completeAtMillis - clock.millis());
        jobTimer.schedule(() -> {
            synchronized (SimulatedArray.this) {
                settle(job);
            }
        }, delay, TimeUnit.MILLISECONDS);
    }

    private void runJob(SimState.Job job) {
        Params params = Params.of(job.command, caseInsensitive(job.params));
        JsonObject result = new JsonObject();
        try {
            if (CREATE_VOLUME.equals(job.command)) {
                SimState.Volume volume = createVolume(parseCreateVolume(params));
                result.addProperty("success", true);
                result.add("storage", views.storage(volume));
                job.msg = "5"; // as captured on the wire; meaning unknown
            } else if (DELETE_FILE_SYSTEM.equals(job.command)) {
                SimState.Volume volume = volume(params.optional("id"));
                if (volume == null) {
                    throw ApiException.failure("Failed to delete volume due to : volume " + params.optional("id")
                            + " does not exist");
                }
                deleteVolume(volume, params.optionalBoolean("forcedelete", false));
                result.addProperty("success", true);
                job.msg = "Deleted Successfully";
            } else {
                throw new IllegalStateException("no job action for " + job.command);
            }
            job.status = 1;
            job.resultCode = 0;
        } catch (ApiException e) {
            result = new JsonObject();
            result.addProperty("success", false);
            result.addProperty("errorcode", e.code());
            result.addProperty("errortext", e.text());
            result.addProperty("licensetype", "premium");
            job.status = 2;
            job.resultCode = e.code();
        }
        job.resultJson = result.toString();
        forgetOldFinishedJobs();
        LOG.debug("Job {} ({}) finished with status {}", job.id, job.command, job.status);
    }

    private static Map<String, String> caseInsensitive(Map<String, String> values) {
        Map<String, String> map = new TreeMap<>(String.CASE_INSENSITIVE_ORDER);
        map.putAll(values);
        return map;
    }

    static String uuid() {
        return UUID.randomUUID().toString();
    }

    static String timestampOf(long millis) {
        return SNAPSHOT_TIME.format(Instant.ofEpochMilli(millis).atZone(ZoneId.systemDefault()));
    }
}
