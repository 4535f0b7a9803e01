// Licensed under the Apache License, Version 2.0. See LICENSE in the project root.
package io.elastisnap.elasticenter;

import io.elastisnap.simulator.Fault;
import io.elastisnap.simulator.RecordedRequest;
import io.elastisnap.simulator.SimDefaults;
import io.elastisnap.simulator.SimVolume;
import org.junit.Test;

import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;

import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertFalse;
import static org.junit.Assert.assertNotEquals;
import static org.junit.Assert.assertThrows;
import static org.junit.Assert.assertTrue;

/** Every operation against the simulator over real HTTPS, with the simulator's state as the witness. */
public class SimulatorRoundTripTest extends SimulatorTestBase {

    @Test
    public void listCapabilitiesReportsTheCloudByteVersion() {
        Capabilities capabilities = client.listCapabilities();

        assertEquals("1.4.0.1008", capabilities.cloudByteVersion());
        assertTrue(capabilities.record().values().containsKey("cloud-stack-version"));
    }

    @Test
    public void listAccountsFindsTheSeededAccountByName() {
        SimDefaults seeded = sim.defaults();

        assertTrue(client.listAccounts().stream().anyMatch(a -> a.id().equals(seeded.accountId())));
        Account account = client.findAccountByName(seeded.accountName().toUpperCase()).orElseThrow();
        assertEquals(seeded.accountId(), account.id());
        assertTrue(account.iqnName().orElseThrow().startsWith("iqn."));
    }

    @Test
    public void listTsmsOfTheAccountCarriesDatasetIdAndDataIp() {
        SimDefaults seeded = sim.defaults();

        Tsm tsm = client.listTsms(seeded.accountId()).stream().filter(t -> t.id().equals(seeded.tsmId()))
                .findFirst().orElseThrow();

        assertEquals(seeded.tsmName(), tsm.name());
        assertEquals(seeded.tsmDatasetId(), tsm.datasetId().orElseThrow());
        assertEquals(seeded.tsmIpAddress(), tsm.ipAddress().orElseThrow());
        assertEquals(seeded.poolName(), tsm.poolName().orElseThrow());
        assertTrue("numericquota MiB converted to bytes", tsm.quotaBytes().orElseThrow() >= GIB);
        assertFalse(client.listTsms(null).isEmpty());
    }

    @Test
    public void findTsmByIdAndUnknownIdIsEmpty() {
        assertEquals(sim.defaults().tsmId(), client.findTsm(sim.defaults().tsmId()).orElseThrow().id());
        assertTrue(client.findTsm("00000000-0000-0000-0000-000000000000").isEmpty());
    }

    @Test
    public void addAndUpdateQosGroup() {
        String name = uniqueName("QoS_");
        QosGroup added = client.addQosGroup(AddQosGroupRequest.builder(name, sim.defaults().tsmId(), 100)
                .datasetId(sim.defaults().tsmDatasetId()).build());

        assertTrue("server decorates the name: " + added.name(), added.name().orElseThrow().startsWith(name));
        assertEquals(100, added.iops().orElseThrow());
        assertEquals(sim.defaults().tsmId(), added.tsmId().orElseThrow());

        QosGroup updated = client.updateQosGroup(added.id(), 250);
        assertEquals(added.id(), updated.id());
        assertEquals(250, updated.iops().orElseThrow());

        QosGroup latencyChanged = client.updateQosGroup(added.id(), UpdateQosGroupRequest.builder().latency(20)
                .graceAllowed(true).build());
        assertEquals(20, latencyChanged.latency().orElseThrow());
        assertEquals(Boolean.TRUE, latencyChanged.graceAllowed().orElseThrow());
    }

    @Test
    public void createVolumeWaitsForTheJobAndReturnsTheZfsPath() {
        SimDefaults seeded = sim.defaults();
        Tsm tsm = client.findTsm(seeded.tsmId()).orElseThrow();
        QosGroup qos = client.addQosGroup(AddQosGroupRequest.builder(uniqueName("QoS_"), tsm.id(), 50).build());
        String name = uniqueName("vol");

        CreatedVolume volume = client.createVolume(CreateVolumeRequest.builder(name, 2 * GIB).tsm(tsm)
                .qosGroupId(qos.id()).build());

        assertEquals(name, volume.name());
        assertEquals(seeded.poolName() + "/" + seeded.accountName() + seeded.tsmName() + "/" + name,
                volume.zfsPath());
        assertEquals(2 * GIB, volume.quotaBytes().orElseThrow());
        assertEquals(Boolean.TRUE, volume.iscsiEnabled().orElseThrow());
        assertEquals(volume.zfsPath(), sim.volume(volume.id()).orElseThrow().zfsPath());
        assertTrue(sim.requestLog().count("queryAsyncJobResult") >= 1);
    }

    @Test
    public void createVolumeKeepsPollingWhileTheJobIsPending() {
        sim.faults().inject("queryAsyncJobResult", Fault.jobStaysPending().times(3));
        int pollsBefore = sim.requestLog().count("queryAsyncJobResult");
        QosGroup qos = client.addQosGroup(AddQosGroupRequest.builder(uniqueName("QoS_"), sim.defaults().tsmId(), 50)
                .build());

        CreatedVolume volume = client.createVolume(CreateVolumeRequest.builder(uniqueName("vol"), GIB)
                .tsm(sim.defaults().tsmId(), sim.defaults().tsmDatasetId()).qosGroupId(qos.id()).build());

        assertTrue(sim.volume(volume.id()).isPresent());
        assertEquals(4, sim.requestLog().count("queryAsyncJobResult") - pollsBefore);
    }

    @Test
    public void listAndFindFileSystemReadTheQuirkyFields() {
        SimVolume created = newVolume();

        FileSystem volume = client.findFileSystem(created.id()).orElseThrow();

        assertEquals(created.name(), volume.name());
        assertEquals("Tsmid with a capital T", sim.defaults().tsmId(), volume.tsmId().orElseThrow());
        assertEquals(created.iqn(), volume.iqn().orElseThrow());
        assertEquals("iSCSI path is the IQN", created.iqn(), volume.path().orElseThrow());
        assertEquals(GIB, volume.quotaBytes().orElseThrow());
        assertEquals(GIB, volume.totalSpaceBytes().orElseThrow());
        assertEquals(created.qosGroupId(), volume.qosGroupId().orElseThrow());
        assertEquals(sim.defaults().tsmIpAddress(), volume.ipAddress().orElseThrow());
        assertEquals(Boolean.FALSE, volume.readOnly().orElseThrow());
        assertTrue(client.listFileSystems(sim.defaults().tsmId()).stream().anyMatch(f -> f.id().equals(created.id())));
        assertTrue(client.listFileSystems(null).stream().anyMatch(f -> f.id().equals(created.id())));
    }

    @Test
    public void unknownVolumeIsAnEmptyAnswerNotAnError() {
        assertTrue(client.findFileSystem("00000000-0000-0000-0000-000000000000").isEmpty());
    }

    @Test
    public void updateFileSystemResizes() {
        SimVolume created = newVolume();

        FileSystem resized = client.updateFileSystem(created.id(), UpdateFileSystemRequest.builder()
                .sizeBytes(3 * GIB).build());

        assertEquals(created.id(), resized.id());
        assertEquals("3G", resized.quota().orElseThrow());
        assertEquals(3 * GIB, sim.volume(created.id()).orElseThrow().sizeBytes());
    }

    @Test
    public void deleteFileSystemWaitsForTheJob() {
        SimVolume created = newVolume();

        client.deleteFileSystem(created.id(), false);

        assertTrue(sim.volume(created.id()).isEmpty());
        assertTrue(client.findFileSystem(created.id()).isEmpty());
        List<RecordedRequest> received = sim.requestLog().of("deleteFileSystem");
        assertEquals(null, received.get(received.size() - 1).parameter("forcedelete"));
    }

    @Test
    public void iscsiServiceIsExportedToTheAllInitiatorGroup() {
        SimVolume created = newVolume();
        List<IscsiInitiator> groups = client.listIscsiInitiators(sim.defaults().accountId());
        assertTrue("ALL first", groups.get(0).isGroup("ALL"));
        assertTrue("None second", groups.get(1).isGroup("None"));

        IscsiService service = client.listVolumeIscsiServices(created.id()).get(0);
        assertEquals(created.id(), service.volumeId().orElseThrow());

        IscsiService updated = client.updateVolumeIscsiService(service.id(), groups.get(0).id());

        assertEquals(service.id(), updated.id());
        assertEquals(groups.get(0).id(), updated.initiatorGroupId().orElseThrow());
        assertEquals("ALL", client.findFileSystem(created.id()).orElseThrow().initiatorGroup().orElseThrow());
    }

    @Test
    public void chapAuthGroupIsAddedListedWithItsUserAndSetOnTheIscsiService() {
        SimVolume created = newVolume();
        String account = sim.defaults().accountId();
        String name = uniqueName("chap");
        IscsiAuthGroup added = client.addIscsiAuthGroup(account, name, "esnapuser", Secret.of("a-CHAP-secret-1"));

        List<IscsiAuthGroup> groups = client.listIscsiAuthGroups(account);
        assertTrue("the built-in None group first", groups.get(0).isNamed(IscsiAuthGroup.NONE));
        assertTrue(groups.stream().anyMatch(g -> g.id().equals(added.id()) && g.isNamed(name)));
        IscsiAuthUser user = client.listIscsiAuthUsers(account, added.id()).get(0);
        assertEquals("esnapuser", user.chapUser());
        assertEquals("a-CHAP-secret-1", user.chapSecret().reveal());
        assertEquals(added.id(), user.authGroupId().orElseThrow());
        assertFalse(user.toString().contains("a-CHAP-secret-1"));

        IscsiService service = client.listVolumeIscsiServices(created.id()).get(0);
        String all = client.listIscsiInitiators(account).get(0).id();
        IscsiService chap = client.updateVolumeIscsiService(service.id(), all, added.id());
        assertEquals("CHAP", chap.authMethod().orElseThrow());
        assertEquals(added.id(), chap.authGroupId().orElseThrow());
        RecordedRequest sent = sim.requestLog().of("updateVolumeiSCSIService").get(
                sim.requestLog().of("updateVolumeiSCSIService").size() - 1);
        assertEquals("CHAP", sent.parameter("authmethod"));
        assertEquals(added.id(), sent.parameter("authgroupid"));

        assertEquals("None", client.updateVolumeIscsiService(service.id(), all, null).authMethod().orElseThrow());
    }

    @Test
    public void anAuthGroupIsDeletedOnlyWhenNoVolumeUsesIt() {
        SimVolume created = newVolume();
        String account = sim.defaults().accountId();
        IscsiAuthGroup added = client.addIscsiAuthGroup(account, uniqueName("del"), "deluser", Secret.of("a-CHAP-secret-2"));
        IscsiService service = client.listVolumeIscsiServices(created.id()).get(0);
        String all = client.listIscsiInitiators(account).get(0).id();
        client.updateVolumeIscsiService(service.id(), all, added.id());
        ElastiCenterException inUse = assertThrows(ElastiCenterException.class, () -> client.deleteIscsiAuthGroup(account, added.id()));
        assertTrue(inUse.getMessage(), inUse.getMessage().contains("in use"));

        client.updateVolumeIscsiService(service.id(), all, null);
        client.deleteIscsiAuthGroup(account, added.id());
        assertTrue(client.listIscsiAuthGroups(account).stream().noneMatch(g -> g.id().equals(added.id())));
        assertThrows(ElastiCenterException.class, () -> client.deleteIscsiAuthGroup(account, added.id()));
        assertEquals(added.id(), sim.requestLog().of("deleteiSCSIAuthGroup").get(0).parameter("id"));
    }

    @Test
    public void snapshotCreateListFindDelete() {
        SimVolume created = newVolume();

        StorageSnapshot snapshot = client.createStorageSnapshot(created.id(), "snap_1");

        assertEquals("snap_1", snapshot.name());
        assertEquals(created.id(), snapshot.lunId().orElseThrow());
        assertTrue(snapshot.id().isPresent());
        DatasetSnapshot listed = client.findStorageSnapshot(created.id(), "snap_1").orElseThrow();
        assertEquals(created.zfsPath() + "@snap_1", listed.path());
        assertTrue(listed.created().isPresent());
        assertFalse(listed.hasClones());

        client.deleteSnapshot(created.id(), listed.path());

        assertTrue(client.listStorageSnapshots(created.id()).isEmpty());
        assertTrue(sim.snapshotPaths(created.id()).isEmpty());
    }

    @Test
    public void snapshotsAreListedOldestFirst() {
        SimVolume created = newVolume();
        for (String name : List.of("a3", "a1", "a2")) {
            client.createStorageSnapshot(created.id(), name);
        }

        assertEquals(List.of("a3", "a1", "a2"), client.listStorageSnapshots(created.id()).stream()
                .map(DatasetSnapshot::name).collect(Collectors.toList()));
    }

    @Test
    public void duplicateSnapshotNameIsAConflict() {
        SimVolume created = newVolume();
        client.createStorageSnapshot(created.id(), "twice");

        ElastiCenterConflictException e = assertThrows(ElastiCenterConflictException.class,
                () -> client.createStorageSnapshot(created.id(), "twice"));

        assertEquals(530, e.httpStatus());
        assertEquals(530, e.errorCode());
        assertTrue(e.errorText().contains("already exists"));
        assertEquals("createStorageSnapshot", e.command());
        assertFalse(e.outcomeUnknown());
    }

    @Test
    public void deletingAMissingSnapshotIsNotFound() {
        SimVolume created = newVolume();

        ElastiCenterNotFoundException e = assertThrows(ElastiCenterNotFoundException.class,
                () -> client.deleteSnapshot(created.id(), created.zfsPath() + "@never"));

        assertEquals(431, e.httpStatus());
        assertEquals("could not find any snapshots to destroy; check snapshot names.", e.errorText());
    }

    @Test
    public void rollbackReportsTheNewerSnapshotsItDestroyed() {
        SimVolume created = newVolume();
        for (String name : List.of("r1", "r2", "r3")) {
            client.createStorageSnapshot(created.id(), name);
        }
        String target = created.zfsPath() + "@r1";
        assertEquals(List.of(created.zfsPath() + "@r2", created.zfsPath() + "@r3"),
                client.newerSnapshots(created.id(), target).stream().map(DatasetSnapshot::path)
                        .collect(Collectors.toList()));

        RollbackResult result = client.rollbackToSnapshot(created.id(), target);

        assertEquals(List.of("r2", "r3"), result.destroyedSnapshots().stream().map(DatasetSnapshot::name)
                .collect(Collectors.toList()));
        assertEquals(List.of(target), sim.snapshotPaths(created.id()));
        assertTrue(client.rollbackToSnapshot(created.id(), target).destroyedSnapshots().isEmpty());
    }

    @Test
    public void rollbackRefusesAnUnusablePathBeforeSendingAnything() {
        SimVolume created = newVolume();
        sim.requestLog().clear();

        assertThrows(IllegalArgumentException.class,
                () -> client.rollbackToSnapshot(created.id(), created.zfsPath() + "@bad\nname"));
        assertThrows(IllegalArgumentException.class,
                () -> client.rollbackToSnapshot(created.id(), created.zfsPath() + "@" + "b".repeat(10_000)));

        assertTrue(sim.requestLog().commands().toString(), sim.requestLog().commands().isEmpty());
    }

    @Test
    public void rollbackToAMissingSnapshotIsNotFound() {
        SimVolume created = newVolume();
        client.createStorageSnapshot(created.id(), "only");

        assertThrows(ElastiCenterNotFoundException.class,
                () -> client.rollbackToSnapshot(created.id(), created.zfsPath() + "@gone"));
        assertThrows(ElastiCenterNotFoundException.class,
                () -> client.newerSnapshots(created.id(), created.zfsPath() + "@gone"));
    }

    @Test
    public void cloneHoldsItsSnapshotUntilForcedDelete() {
        SimVolume created = newVolume();
        client.createStorageSnapshot(created.id(), "base");
        String path = created.zfsPath() + "@base";
        String cloneName = uniqueName("clone");

        FileSystem clone = client.cloneDatasetSnapshot(created.id(), path, cloneName);

        assertEquals(cloneName, clone.name());
        assertNotEquals(created.id(), clone.id());
        assertEquals("the clone shares the parent's QoS group", created.qosGroupId(), clone.qosGroupId().orElseThrow());
        assertTrue(client.findStorageSnapshot(created.id(), "base").orElseThrow().hasClones());
        ElastiCenterConflictException hasAClone = assertThrows(ElastiCenterConflictException.class,
                () -> client.deleteSnapshot(created.id(), path));
        assertTrue(hasAClone.errorText().contains("has a clone"));
        ElastiCenterConflictException jobFailed = assertThrows(ElastiCenterConflictException.class,
                () -> client.deleteFileSystem(created.id(), false));
        assertTrue("failed job names its id", jobFailed.jobId().isPresent());
        assertEquals(530, jobFailed.errorCode());

        client.deleteFileSystem(created.id(), true);

        assertTrue(sim.volume(created.id()).isEmpty());
        assertTrue(client.findFileSystem(clone.id()).isPresent());
    }

    @Test
    public void cloneOfAMissingSnapshotIsAServerError() {
        SimVolume created = newVolume();

        ElastiCenterServerException e = assertThrows(ElastiCenterServerException.class,
                () -> client.cloneDatasetSnapshot(created.id(), created.zfsPath() + "@none", uniqueName("c")));

        assertEquals("Failed to create clone due to timeout.", e.errorText());
    }

    @Test
    public void pendingJobPastItsDeadlineCanBeFollowedUpByJobId() {
        SimVolume created = newVolume();
        sim.faults().inject("deleteFileSystem", Fault.jobStaysPending());
        try (ElastiCenterClient impatient = new ElastiCenterClient(config().jobPolling(Duration.ofMillis(5),
                Duration.ofMillis(20), Duration.ofMillis(200)).build())) {

            ElastiCenterTimeoutException e = assertThrows(ElastiCenterTimeoutException.class,
                    () -> impatient.deleteFileSystem(created.id(), false));

            String jobId = e.jobId().orElseThrow();
            assertTrue(e.getMessage().contains(jobId));
            assertTrue(e.getMessage().startsWith("deleteFileSystem"));
            assertTrue(e.outcomeUnknown());
            assertEquals(AsyncJob.Status.PENDING, impatient.queryAsyncJobResult(jobId).status());

            sim.faults().clear();

            AsyncJob done = impatient.awaitJob(jobId);
            assertEquals(AsyncJob.Status.SUCCEEDED, done.status());
            assertEquals("com.cloudbyte.api.commands.DeleteFileSystemCmd", done.commandClass().orElseThrow());
            assertTrue(sim.volume(created.id()).isEmpty());
        }
    }

    @Test
    public void parameterValuesArriveExactlyAsGiven() {
        SimVolume created = newVolume();
        String awkward = "a&b=c/d@e%f g+h?i#j;k,ü€😀";

        ElastiCenterServerException e = assertThrows(ElastiCenterServerException.class,
                () -> client.createStorageSnapshot(created.id(), awkward));

        assertTrue("the server echoes the name it received: " + e.errorText(), e.errorText().contains(
                "'" + awkward + "'"));
        List<RecordedRequest> received = sim.requestLog().of("createStorageSnapshot");
        assertEquals(awkward, received.get(received.size() - 1).parameter("name"));
    }

    @Test
    public void oneClientServesParallelSnapshotsOfManyVolumes() throws Exception {
        List<SimVolume> volumes = new ArrayList<>();
        for (int i = 0; i < 4; i++) {
            volumes.add(newVolume());
        }
        ExecutorService threads = Executors.newFixedThreadPool(8);
        try {
            List<Future<StorageSnapshot>> futures = new ArrayList<>();
            for (int i = 0; i < 16; i++) {
                SimVolume volume = volumes.get(i % volumes.size());
                String name = "p" + i;
                futures.add(threads.submit(() -> client.createStorageSnapshot(volume.id(), name)));
            }
            Set<String> names = new HashSet<>();
            for (Future<StorageSnapshot> future : futures) {
                names.add(future.get(30, TimeUnit.SECONDS).name());
            }
            assertEquals(16, names.size());
            assertEquals(16, volumes.stream().mapToInt(v -> sim.snapshotPaths(v.id()).size()).sum());
        } finally {
            threads.shutdownNow();
        }
    }

    @Test
    public void closedClientRefusesCalls() {
        client.close();
        client.close();

        IllegalStateException e = assertThrows(IllegalStateException.class, () -> client.listAccounts());
        assertTrue(e.getMessage().contains("closed"));
        assertTrue(client.toString().contains("closed"));
    }
}
