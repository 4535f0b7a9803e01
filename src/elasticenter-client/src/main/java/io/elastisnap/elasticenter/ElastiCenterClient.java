// Licensed under the Apache License, Version 2.0. See LICENSE in the project root.
package io.elastisnap.elasticenter;

import org.apache.logging.log4j.LogManager;
import org.apache.logging.log4j.Logger;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.regex.Pattern;
import java.util.Set;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Function;
import java.util.stream.Collectors;

/**
 * The ElastiCenter REST API as typed operations. One instance per endpoint, thread-safe, with pooled connections;
 * close it when done. Every operation throws an {@link ElastiCenterException} subtype on failure and
 * {@link IllegalArgumentException} for unusable arguments (before anything is sent).
 *
 * <p>Async commands (createVolume, deleteFileSystem) are polled to completion within the configured job deadline.
 * Only reads are retried. The API key appears in no log line, exception message or toString.
 */
public class ElastiCenterClient implements AutoCloseable {
    private static final Pattern USABLE_JOB_ID = Pattern.compile("[A-Za-z0-9_.:-]{1,128}");
    private static final Logger LOG = LogManager.getLogger(ElastiCenterClient.class);

    private final ElastiCenterConfig config;
    private final HttpTransport transport;
    private final ApiCaller caller;
    private final JobWaiter jobs;
    private final AtomicBoolean closed = new AtomicBoolean();

    public ElastiCenterClient(ElastiCenterConfig config) {
        this.config = Objects.requireNonNull(config, "config");
        Redactor redactor = new Redactor(config.apiKey());
        this.transport = new HttpTransport(config, redactor);
        this.caller = new ApiCaller(transport, new ResponseMapper(redactor), config.readRetries());
        this.jobs = new JobWaiter(caller, redactor, config);
        if (config.trust().mode() == TlsTrust.Mode.INSECURE) {
            LOG.warn("ElastiCenter client for {} created with TLS verification OFF (insecure mode); every new"
                    + " connection will be logged", config.endpoint());
        }
        LOG.debug("ElastiCenter client created: {}", config);
    }

    public ElastiCenterConfig config() {
        return config;
    }

    /** {@code listCapabilities}; fails unless the answer names the {@code cloudByteVersion}. */
    public Capabilities listCapabilities() {
        return Capabilities.from(call(ApiRequest.to(ApiCommand.LIST_CAPABILITIES).build())
                .requireObject("capability"));
    }

    /** {@code listAccount}: every account the key can see. */
    public List<Account> listAccounts() {
        return map(call(ApiRequest.to(ApiCommand.LIST_ACCOUNT).build()).records("account"), Account::from);
    }

    /** The account named {@code name} (case-insensitive), as clients identify theirs. */
    public Optional<Account> findAccountByName(String name) {
        Arguments.requireText("name", name);
        return listAccounts().stream().filter(a -> a.name().equalsIgnoreCase(name)).findFirst();
    }

    /** {@code listTsm}, of one account or (null) of all. */
    public List<Tsm> listTsms(String accountIdOrNull) {
        return map(call(ApiRequest.to(ApiCommand.LIST_TSM).optionalParam("accountid", accountIdOrNull).build())
                .records("listTsm"), Tsm::from);
    }

    /** {@code listTsm id=...}; empty when no such TSM exists. */
    public Optional<Tsm> findTsm(String tsmId) {
        return map(call(ApiRequest.to(ApiCommand.LIST_TSM).param("id", tsmId).build()).records("listTsm"),
                Tsm::from).stream().filter(t -> t.id().equalsIgnoreCase(tsmId)).findFirst();
    }

    public QosGroup addQosGroup(AddQosGroupRequest request) {
        Objects.requireNonNull(request, "request");
        ApiRecord payload = call(ApiRequest.to(ApiCommand.ADD_QOS_GROUP).params(request.parameters()).build());
        return QosGroup.from(requireResult(ApiCommand.ADD_QOS_GROUP, payload, "qosgroup"));
    }

    /** Sets the IOPS of a QoS group (a volume's {@link FileSystem#qosGroupId()}). */
    public QosGroup updateQosGroup(String qosGroupId, long iops) {
        return updateQosGroup(qosGroupId, UpdateQosGroupRequest.builder().iops(iops).build());
    }

    public QosGroup updateQosGroup(String qosGroupId, UpdateQosGroupRequest request) {
        Objects.requireNonNull(request, "request");
        ApiRecord payload = call(ApiRequest.to(ApiCommand.UPDATE_QOS_GROUP).param("id", qosGroupId)
                .params(request.parameters()).build());
        return QosGroup.from(matching(ApiCommand.UPDATE_QOS_GROUP, payload.records("qosgroup"), qosGroupId,
                "qosgroup"));
    }

    /** {@code createVolume}, polled to completion; the result carries the volume's ZFS path. */
    public CreatedVolume createVolume(CreateVolumeRequest request) {
        Objects.requireNonNull(request, "request");
        ApiRecord payload = call(ApiRequest.to(ApiCommand.CREATE_VOLUME).params(request.parameters()).build());
        String jobId = requireJobId(ApiCommand.CREATE_VOLUME, payload);
        AsyncJob job = jobs.await(ApiCommand.CREATE_VOLUME, jobId);
        ApiRecord storage = job.result().flatMap(r -> r.object("storage")).orElseThrow(() -> unusableResult(
                ApiCommand.CREATE_VOLUME, "job " + jobId + " succeeded without jobresult.storage; volume '"
                        + request.name() + "' probably exists, look it up with listFileSystem"));
        CreatedVolume volume = CreatedVolume.from(storage);
        LOG.debug("Created volume {}", volume);
        return volume;
    }

    /** {@code listFileSystem}: the volumes of one TSM or (null) all. */
    public List<FileSystem> listFileSystems(String tsmIdOrNull) {
        return map(call(ApiRequest.to(ApiCommand.LIST_FILE_SYSTEM).optionalParam("tsmid", tsmIdOrNull).build())
                .records("filesystem"), FileSystem::from);
    }

    /** {@code listFileSystem id=...}; empty when no such volume exists (the server answers an empty list). */
    public Optional<FileSystem> findFileSystem(String volumeId) {
        return map(call(ApiRequest.to(ApiCommand.LIST_FILE_SYSTEM).param("id", volumeId).build())
                .records("filesystem"), FileSystem::from).stream()
                .filter(f -> f.id().equalsIgnoreCase(volumeId)).findFirst();
    }

    /** {@code updateFileSystem}: resize or change properties. */
    public FileSystem updateFileSystem(String volumeId, UpdateFileSystemRequest request) {
        Objects.requireNonNull(request, "request");
        ApiRecord payload = call(ApiRequest.to(ApiCommand.UPDATE_FILE_SYSTEM).param("id", volumeId)
                .params(request.parameters()).build());
        return FileSystem.from(matching(ApiCommand.UPDATE_FILE_SYSTEM, payload.records("filesystem"), volumeId,
                "filesystem"));
    }

    /**
     * {@code deleteFileSystem}, polled to completion. {@code force} sends {@code forcedelete=true}, which deletes
     * even a volume whose snapshots have clones.
     */
    public void deleteFileSystem(String volumeId, boolean force) {
        ApiRecord payload = call(ApiRequest.to(ApiCommand.DELETE_FILE_SYSTEM).param("id", volumeId)
                .optionalParam("forcedelete", force ? "true" : null).build());
        jobs.await(ApiCommand.DELETE_FILE_SYSTEM, requireJobId(ApiCommand.DELETE_FILE_SYSTEM, payload));
        LOG.debug("Deleted volume {}{}", volumeId, force ? " (forced)" : "");
    }

    /** {@code listVolumeiSCSIService storageid=...}: the iSCSI service of a volume. */
    public List<IscsiService> listVolumeIscsiServices(String volumeId) {
        List<IscsiService> services = map(call(ApiRequest.to(ApiCommand.LIST_VOLUME_ISCSI_SERVICE)
                .param("storageid", volumeId).build()).records("iSCSIService"), IscsiService::from);
        return services.stream().filter(s -> s.volumeId().map(volumeId::equalsIgnoreCase).orElse(true))
                .collect(Collectors.toUnmodifiableList());
    }

    /** {@code updateVolumeiSCSIService}: exports the volume to an initiator group ({@link IscsiInitiator#id()}). */
    public IscsiService updateVolumeIscsiService(String serviceId, String initiatorGroupId) {
        ApiRecord payload = call(ApiRequest.to(ApiCommand.UPDATE_VOLUME_ISCSI_SERVICE).param("id", serviceId)
                .param("igid", initiatorGroupId).build());
        return IscsiService.from(matching(ApiCommand.UPDATE_VOLUME_ISCSI_SERVICE, payload.records("viscsioptions"),
                serviceId, "viscsioptions"));
    }

    /**
     * {@code updateVolumeiSCSIService} with the authentication set too: {@code authmethod=CHAP&authgroupid=<id>} when
     * {@code chapAuthGroupId} is given (only that group's CHAP user may log in), else {@code authmethod=None}.
     */
    public IscsiService updateVolumeIscsiService(String serviceId, String initiatorGroupId, String chapAuthGroupId) {
        ApiRequest.Builder request = ApiRequest.to(ApiCommand.UPDATE_VOLUME_ISCSI_SERVICE).param("id", serviceId)
                .param("igid", initiatorGroupId);
        if (chapAuthGroupId != null) {
            request.param("authmethod", "CHAP").param("authgroupid", chapAuthGroupId);
        } else {
            request.param("authmethod", "None");
        }
        ApiRecord payload = call(request.build());
        return IscsiService.from(matching(ApiCommand.UPDATE_VOLUME_ISCSI_SERVICE, payload.records("viscsioptions"),
                serviceId, "viscsioptions"));
    }

    /** {@code listiSCSIAuthGroup}: the auth groups of an account, the built-in {@code None} among them. */
    public List<IscsiAuthGroup> listIscsiAuthGroups(String accountId) {
        return map(call(ApiRequest.to(ApiCommand.LIST_ISCSI_AUTH_GROUP).param("accountid", accountId).build())
                .records("authgroup"), IscsiAuthGroup::from);
    }

    /** {@code listiSCSIAuthUser}: the CHAP user(s) of an auth group, secrets wrapped as {@link Secret}s. */
    public List<IscsiAuthUser> listIscsiAuthUsers(String accountId, String authGroupId) {
        List<IscsiAuthUser> users = map(call(ApiRequest.to(ApiCommand.LIST_ISCSI_AUTH_USER)
                .param("accountid", accountId).param("authgroupid", authGroupId).build()).records("authuser"),
                IscsiAuthUser::from);
        return users.stream().filter(u -> u.authGroupId().map(authGroupId::equalsIgnoreCase).orElse(true))
                .collect(Collectors.toUnmodifiableList());
    }

    /**
     * {@code addiSCSIAuthGroup} (the command CloudByte's QA automation uses): an auth group with its CHAP user. The
     * secret travels only in the request URL; it is masked in every log line and message.
     */
    public IscsiAuthGroup addIscsiAuthGroup(String accountId, String name, String chapUser, Secret chapSecret) {
        ApiRecord payload = call(ApiRequest.to(ApiCommand.ADD_ISCSI_AUTH_GROUP).param("accountid", accountId)
                .param("name", name).param("comment", name).param("chapusername", chapUser)
                .secretParam("chappassword", chapSecret).build());
        IscsiAuthGroup group = IscsiAuthGroup.from(requireResult(ApiCommand.ADD_ISCSI_AUTH_GROUP, payload,
                "authgroup"));
        LOG.debug("Added {} (CHAP user {})", group, chapUser);
        return group;
    }

    /**
     * {@code deleteiSCSIAuthGroup} (command name inferred, see {@link ApiCommand}): removes an auth group and its CHAP
     * user, e.g. one this client made for a pool whose registration then failed.
     */
    public void deleteIscsiAuthGroup(String accountId, String authGroupId) {
        call(ApiRequest.to(ApiCommand.DELETE_ISCSI_AUTH_GROUP).param("accountid", accountId).param("id", authGroupId).build());
        LOG.debug("Deleted iSCSI auth group {} of account {}", authGroupId, accountId);
    }

    /** {@code listiSCSIInitiator}: the initiator groups of an account ({@code ALL} first, {@code None} second). */
    public List<IscsiInitiator> listIscsiInitiators(String accountId) {
        return map(call(ApiRequest.to(ApiCommand.LIST_ISCSI_INITIATOR).param("accountid", accountId).build())
                .records("initiator"), IscsiInitiator::from);
    }

    /**
     * {@code createStorageSnapshot} (synchronous). The snapshot's path is {@code <volume zfs path>@<name>}: see
     * {@link #findStorageSnapshot} or {@link CreatedVolume#snapshotPath}. A duplicate name is an
     * {@link ElastiCenterConflictException}.
     */
    public StorageSnapshot createStorageSnapshot(String volumeId, String name) {
        ApiRecord payload = call(ApiRequest.to(ApiCommand.CREATE_STORAGE_SNAPSHOT).param("id", volumeId)
                .param("name", name).build());
        StorageSnapshot snapshot = StorageSnapshot.from(volumeId, name,
                requireResult(ApiCommand.CREATE_STORAGE_SNAPSHOT, payload, "StorageSnapshot"));
        LOG.debug("Created {}", snapshot);
        return snapshot;
    }

    /**
     * {@code listStorageSnapshots}: the volume's snapshots, oldest first (by the server's minute-resolution
     * timestamp; snapshots of the same minute keep the server's order, which is creation order).
     */
    public List<DatasetSnapshot> listStorageSnapshots(String volumeId) {
        List<DatasetSnapshot> snapshots = new ArrayList<>(map(call(ApiRequest.to(ApiCommand.LIST_STORAGE_SNAPSHOTS)
                .param("id", volumeId).build()).records("snapshot"), r -> DatasetSnapshot.from(volumeId, r)));
        if (snapshots.stream().allMatch(s -> s.created().isPresent())) {
            snapshots.sort(Comparator.comparing(s -> s.created().orElseThrow())); // stable: ties keep server order
        }
        return List.copyOf(snapshots);
    }

    /** The snapshot of {@code volumeId} named {@code snapshotName}, e.g. to learn its path after creating it. */
    public Optional<DatasetSnapshot> findStorageSnapshot(String volumeId, String snapshotName) {
        Arguments.requireText("snapshotName", snapshotName);
        return listStorageSnapshots(volumeId).stream().filter(s -> s.name().equals(snapshotName)).findFirst();
    }

    /**
     * The snapshots a rollback to {@code snapshotPath} would destroy (those newer than it), oldest first; callers
     * that must not lose snapshots check this before {@link #rollbackToSnapshot}.
     */
    public List<DatasetSnapshot> newerSnapshots(String volumeId, String snapshotPath) {
        Arguments.requireText("snapshotPath", snapshotPath);
        List<DatasetSnapshot> snapshots = listStorageSnapshots(volumeId);
        for (int i = 0; i < snapshots.size(); i++) {
            if (snapshots.get(i).path().equals(snapshotPath)) {
                return snapshots.subList(i + 1, snapshots.size());
            }
        }
        throw new ElastiCenterNotFoundException(ApiCommand.LIST_STORAGE_SNAPSHOTS + ": volume " + volumeId
                + " has no snapshot " + snapshotPath, ElastiCenterException.Details.of(
                ApiCommand.LIST_STORAGE_SNAPSHOTS.wireName()).httpStatus(200));
    }

    /**
     * {@code deleteSnapshot id=<volume> path=<snapshot path>}. A missing snapshot is an
     * {@link ElastiCenterNotFoundException}, one with clones an {@link ElastiCenterConflictException}.
     */
    public void deleteSnapshot(String volumeId, String snapshotPath) {
        ApiRecord payload = call(ApiRequest.to(ApiCommand.DELETE_SNAPSHOT).param("id", volumeId)
                .param("path", snapshotPath).build());
        Optional<String> status = payload.object("DeleteSnapshot").flatMap(r -> r.string("status"));
        if (status.isPresent() && !status.get().equalsIgnoreCase("success")) {
            throw new ElastiCenterServerException(ApiCommand.DELETE_SNAPSHOT + " of " + snapshotPath
                    + " answered status '" + status.get() + "' instead of 'success'",
                    ElastiCenterException.Details.of(ApiCommand.DELETE_SNAPSHOT.wireName()).httpStatus(
                            payload.httpStatus()).outcomeUnknown(true));
        }
        LOG.debug("Deleted snapshot {} of volume {}", snapshotPath, volumeId);
    }

    /**
     * {@code rollbackToSnapshot}: restores the volume in place. Like ZFS {@code rollback -r} it destroys the
     * snapshots newer than the target; the result lists them (taken from the answer when the server reports them,
     * else from listings before and after). Detach or quiesce the volume first.
     */
    public RollbackResult rollbackToSnapshot(String volumeId, String snapshotPath) {
        // Built first: it refuses unusable arguments before anything, the listing below included, is sent.
        ApiRequest request = ApiRequest.to(ApiCommand.ROLLBACK_TO_SNAPSHOT).param("id", volumeId)
                .param("path", snapshotPath).build();
        List<DatasetSnapshot> before = listStorageSnapshots(volumeId);
        ApiRecord result = completed(ApiCommand.ROLLBACK_TO_SNAPSHOT, call(request));
        if (!result.bool("success").orElse(true)) {
            throw new ElastiCenterServerException(ApiCommand.ROLLBACK_TO_SNAPSHOT + " to " + snapshotPath
                    + " answered success=false", ElastiCenterException.Details.of(
                    ApiCommand.ROLLBACK_TO_SNAPSHOT.wireName()).httpStatus(result.httpStatus()).outcomeUnknown(true));
        }
        List<DatasetSnapshot> destroyed = result.has("destroyedsnapshots")
                ? reported(before, volumeId, result.strings("destroyedsnapshots"))
                : vanished(before, volumeId, snapshotPath);
        RollbackResult rollback = new RollbackResult(volumeId, snapshotPath, destroyed);
        LOG.debug("Rolled back: {}", rollback);
        return rollback;
    }

    /** {@code cloneDatasetSnapshot}: a new volume {@code cloneName} from a snapshot of {@code volumeId}. */
    public FileSystem cloneDatasetSnapshot(String volumeId, String snapshotPath, String cloneName) {
        ApiRecord result = completed(ApiCommand.CLONE_DATASET_SNAPSHOT, call(ApiRequest.to(
                ApiCommand.CLONE_DATASET_SNAPSHOT).param("id", volumeId).param("path", snapshotPath)
                .param("clonename", cloneName).build()));
        String key = result.has("filesystem") ? "filesystem" : "storage";
        FileSystem clone = FileSystem.from(requireResult(ApiCommand.CLONE_DATASET_SNAPSHOT, result, key));
        LOG.debug("Cloned {} into {}", snapshotPath, clone);
        return clone;
    }

    /** One {@code queryAsyncJobResult}, whatever the job's state. */
    public AsyncJob queryAsyncJobResult(String jobId) {
        ensureOpen();
        return jobs.query(jobId);
    }

    /**
     * Polls {@code jobId} like the async operations do, e.g. to follow up a job whose operation timed out
     * ({@link ElastiCenterException#jobId()}); returns it once succeeded, throws if it failed or stays pending past
     * the job deadline.
     */
    public AsyncJob awaitJob(String jobId) {
        ensureOpen();
        return jobs.await(ApiCommand.QUERY_ASYNC_JOB_RESULT, Arguments.requireText("jobId", jobId));
    }

    /** Releases the pooled connections; idempotent. Calls after close throw {@link IllegalStateException}. */
    @Override
    public void close() {
        if (closed.compareAndSet(false, true)) {
            transport.close();
            LOG.debug("ElastiCenter client for {} closed", config.endpoint());
        }
    }

    @Override
    public String toString() {
        return "ElastiCenterClient[" + config.endpoint() + ", " + config.trust() + (closed.get() ? ", closed" : "")
                + "]";
    }

    private ApiRecord call(ApiRequest request) {
        ensureOpen();
        return caller.call(request);
    }

    private void ensureOpen() {
        if (closed.get()) {
            throw new IllegalStateException("the ElastiCenter client for " + config.endpoint() + " is closed");
        }
    }

    /**
     * The result of a command documented as synchronous; should the server answer with a {@code jobid} instead
     * (rollback's answer was never captured), the job is awaited and its {@code jobresult} is the result.
     */
    private ApiRecord completed(ApiCommand command, ApiRecord payload) {
        Optional<String> jobId = payload.string("jobid");
        if (jobId.isEmpty() || payload.names().size() > 1) {
            return payload;
        }
        AsyncJob job = jobs.await(command, jobId.get());
        return job.result().orElseGet(() -> ApiRecord.of(command.wireName(), Map.of()));
    }

    private String requireJobId(ApiCommand command, ApiRecord payload) {
        String jobId = payload.string("jobid").orElseThrow(() -> unusableResult(command,
                "the answer has no jobid, so the job cannot be followed"));
        // A server value, not caller input: an unusable one is the server's fault, reported as a protocol error.
        if (!USABLE_JOB_ID.matcher(jobId).matches()) {
            throw unusableResult(command, "the answer's jobid is not a job id (expected up to 128 of [A-Za-z0-9_.:-]), "
                    + "so the job cannot be followed");
        }
        return jobId;
    }

    /** The object {@code key} of a mutation's answer; its absence leaves the outcome unknown. */
    private ApiRecord requireResult(ApiCommand command, ApiRecord payload, String key) {
        List<ApiRecord> results = payload.records(key);
        if (results.isEmpty()) {
            throw unusableResult(command, "the answer lacks the '" + key + "' object");
        }
        return results.get(0);
    }

    /** The element of a one-element list answer that describes {@code id}, else its first. */
    private ApiRecord matching(ApiCommand command, List<ApiRecord> results, String id, String key) {
        if (results.isEmpty()) {
            throw unusableResult(command, "the answer lacks the '" + key + "' list");
        }
        return results.stream().filter(r -> r.string("id").map(id::equalsIgnoreCase).orElse(false)).findFirst()
                .orElse(results.get(0));
    }

    private ElastiCenterProtocolException unusableResult(ApiCommand command, String problem) {
        return new ElastiCenterProtocolException(command + ": " + problem, ElastiCenterException.Details
                .of(command.wireName()).httpStatus(200).outcomeUnknown(!command.idempotent()));
    }

    /** The snapshots the server says it destroyed, described by the listing taken before where possible. */
    private static List<DatasetSnapshot> reported(List<DatasetSnapshot> before, String volumeId, List<String> paths) {
        List<DatasetSnapshot> destroyed = new ArrayList<>();
        for (String path : paths) {
            destroyed.add(before.stream().filter(s -> s.path().equals(path)).findFirst().orElseGet(() ->
                    DatasetSnapshot.from(volumeId, ApiRecord.of(ApiCommand.ROLLBACK_TO_SNAPSHOT.wireName(),
                            Map.of("name", path.substring(path.indexOf('@') + 1), "path", path)))));
        }
        return destroyed;
    }

    /**
     * The snapshots listed before the rollback but not after it (the target aside). Should that listing fail, the
     * rollback still stands: ZFS semantics are assumed (everything newer than the target is gone).
     */
    private List<DatasetSnapshot> vanished(List<DatasetSnapshot> before, String volumeId, String snapshotPath) {
        try {
            Set<String> remaining = new HashSet<>();
            listStorageSnapshots(volumeId).forEach(s -> remaining.add(s.path()));
            return before.stream().filter(s -> !remaining.contains(s.path()) && !s.path().equals(snapshotPath))
                    .collect(Collectors.toList());
        } catch (ElastiCenterException e) {
            int target = before.stream().map(DatasetSnapshot::path).collect(Collectors.toList())
                    .indexOf(snapshotPath);
            List<DatasetSnapshot> newer = target < 0 ? List.of() : before.subList(target + 1, before.size());
            LOG.warn("Rollback of volume {} to {} done, but listing its snapshots afterwards failed; reporting the {}"
                    + " newer snapshots as destroyed: {}", volumeId, snapshotPath, newer.size(), e.getMessage());
            return newer;
        }
    }

    private static <T> List<T> map(List<ApiRecord> records, Function<ApiRecord, T> view) {
        return records.stream().map(view).collect(Collectors.toUnmodifiableList());
    }
}
