// Licensed under the Apache License, Version 2.0. See LICENSE in the project root.
package io.elastisnap.cloudstack.snapshot;

import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertSame;
import static org.junit.Assert.assertTrue;
import static org.junit.Assert.fail;
import static org.mockito.ArgumentMatchers.any;
import static org.mockito.ArgumentMatchers.anyLong;
import static org.mockito.ArgumentMatchers.eq;
import static org.mockito.Mockito.inOrder;
import static org.mockito.Mockito.mock;
import static org.mockito.Mockito.never;
import static org.mockito.Mockito.verify;
import static org.mockito.Mockito.when;

import java.time.Duration;
import java.util.Arrays;
import java.util.Collections;
import java.util.HashMap;
import java.util.Map;

import org.apache.cloudstack.engine.subsystem.api.storage.DataStore;
import org.apache.cloudstack.engine.subsystem.api.storage.ObjectInDataStoreStateMachine;
import org.apache.cloudstack.engine.subsystem.api.storage.SnapshotInfo;
import org.apache.cloudstack.engine.subsystem.api.storage.SnapshotService;
import org.apache.cloudstack.engine.subsystem.api.storage.SnapshotStrategy.SnapshotOperation;
import org.apache.cloudstack.engine.subsystem.api.storage.StrategyPriority;
import org.apache.cloudstack.engine.subsystem.api.storage.VolumeInfo;
import org.apache.cloudstack.storage.command.CreateObjectAnswer;
import org.apache.cloudstack.storage.datastore.db.PrimaryDataStoreDao;
import org.apache.cloudstack.storage.datastore.db.SnapshotDataStoreDao;
import org.apache.cloudstack.storage.datastore.db.SnapshotDataStoreVO;
import org.apache.cloudstack.storage.datastore.db.StoragePoolVO;
import org.junit.Before;
import org.junit.Test;
import org.junit.runner.RunWith;
import org.mockito.ArgumentCaptor;
import org.mockito.InOrder;
import org.mockito.InjectMocks;
import org.mockito.Mock;
import org.mockito.Spy;
import org.mockito.junit.MockitoJUnitRunner;

import com.cloud.agent.AgentManager;
import com.cloud.agent.api.Command;
import com.cloud.storage.CreateSnapshotPayload;
import com.cloud.storage.DataStoreRole;
import com.cloud.storage.Snapshot;
import com.cloud.storage.SnapshotVO;
import com.cloud.storage.Volume;
import com.cloud.storage.VolumeVO;
import com.cloud.storage.dao.SnapshotDao;
import com.cloud.storage.dao.SnapshotDetailsDao;
import com.cloud.storage.dao.VolumeDao;
import com.cloud.utils.exception.CloudRuntimeException;
import com.cloud.vm.VMInstanceVO;
import com.cloud.vm.VirtualMachine;
import com.cloud.vm.dao.VMInstanceDao;

import io.elastisnap.cloudstack.ElastiStorPool;
import io.elastisnap.cloudstack.array.ArrayConflictException;
import io.elastisnap.cloudstack.array.ArraySnapshotRef;
import io.elastisnap.cloudstack.array.ElastiStorArray;
import io.elastisnap.cloudstack.array.ElastiStorArrays;
import io.elastisnap.cloudstack.array.PoolConnection;
import io.elastisnap.cloudstack.command.ElastiCenterEndpoint;
import io.elastisnap.cloudstack.command.TakeConsistentSnapshotAnswer;
import io.elastisnap.cloudstack.command.TakeConsistentSnapshotCommand;
import io.elastisnap.cloudstack.command.VolumeSnapshotResult;
import io.elastisnap.cloudstack.cluster.ClusterLocks;
import io.elastisnap.cloudstack.backup.SecondaryStorageBackups;
import io.elastisnap.cloudstack.config.SnapshotSettings;
import io.elastisnap.cloudstack.record.ArraySnapshotOwners;
import io.elastisnap.cloudstack.testsupport.SharedDatabaseLocks;
import io.elastisnap.elasticenter.Secret;
import io.elastisnap.elasticenter.TlsTrust;
import io.elastisnap.engine.FreezeLimits;

@RunWith(MockitoJUnitRunner.Silent.class)
public class ElastiStorSnapshotStrategyTest {
    private static final long POOL = 7L;
    private static final long OTHER_POOL = 8L;
    private static final long VOLUME = 11L;
    private static final long VM = 21L;
    private static final long HOST = 31L;
    private static final long SNAPSHOT = 41L;

    @Mock private SnapshotDao snapshotDao;
    @Mock private VolumeDao volumeDao;
    @Mock private PrimaryDataStoreDao primaryDataStoreDao;
    @Mock private SnapshotDataStoreDao snapshotDataStoreDao;
    @Mock private SnapshotDetailsDao snapshotDetailsDao;
    @Mock private SnapshotService snapshotService;
    @Mock private VMInstanceDao vmInstanceDao;
    @Mock private ElastiStorArrays arrays;
    @Mock private ElastiStorArray array;
    @Mock private AgentManager agentManager;
    @Mock private SnapshotSettings settings;
    @Mock private ArraySnapshotOwners owners;
    @Spy private ClusterLocks locks = new SharedDatabaseLocks().server("ms1");
    @Mock private SkippedPostProcessing skippedPostProcessing;
    @Mock private SecondaryStorageBackups backups;
    private ConsistentSnapshotTaker taker;
    @InjectMocks private ElastiStorSnapshotStrategy strategy;

    @Mock private VolumeVO volumeVO;
    @Mock private VMInstanceVO vm;
    @Mock private SnapshotInfo snapshot;
    @Mock private SnapshotInfo onPrimary;
    @Mock private VolumeInfo volumeInfo;
    @Mock private DataStore store;

    @Before
    public void setUp() throws Exception {
        taker = new ConsistentSnapshotTaker(agentManager, arrays, settings);
        java.lang.reflect.Field f = ElastiStorSnapshotStrategy.class.getDeclaredField("taker");
        f.setAccessible(true);
        f.set(strategy, taker);
        StoragePoolVO ours = pool(ElastiStorPool.PROVIDER_NAME);
        StoragePoolVO foreign = pool("DefaultPrimary");
        when(primaryDataStoreDao.findById(POOL)).thenReturn(ours);
        when(primaryDataStoreDao.findById(OTHER_POOL)).thenReturn(foreign);
        when(arrays.forPool(POOL)).thenReturn(array);
        when(arrays.connection(POOL)).thenReturn(new PoolConnection(new ElastiCenterEndpoint("https://ec1", TlsTrust.systemDefault()), Secret.of("key-1")));
        when(settings.defaultPolicy()).thenReturn("BEST_EFFORT");
        when(settings.limits()).thenReturn(FreezeLimits.defaults());
        when(settings.jobPollDeadline()).thenReturn(Duration.ofMinutes(1));

        when(volumeDao.findById(VOLUME)).thenReturn(volumeVO);
        when(volumeDao.findByIdIncludingRemoved(VOLUME)).thenReturn(volumeVO);
        when(volumeVO.getPoolId()).thenReturn(POOL);
        when(volumeVO.getFolder()).thenReturn("es-vol-1");
        when(volumeVO.getInstanceId()).thenReturn(VM);
        when(volumeVO.getName()).thenReturn("ROOT-21");
        when(vmInstanceDao.findById(VM)).thenReturn(vm);
        when(vm.getInstanceName()).thenReturn("i-2-21-VM");
        when(vm.getHostId()).thenReturn(HOST);

        when(snapshot.getId()).thenReturn(SNAPSHOT);
        when(snapshot.getUuid()).thenReturn("uuid-41");
        when(snapshot.getName()).thenReturn("snap41");
        when(snapshot.getVolumeId()).thenReturn(VOLUME);
        when(snapshot.getBaseVolume()).thenReturn(volumeInfo);
        when(snapshot.getDataStore()).thenReturn(store);
        when(store.create(snapshot)).thenReturn(onPrimary);
        when(volumeInfo.getId()).thenReturn(VOLUME);
        when(volumeInfo.getPoolId()).thenReturn(POOL);
        when(volumeInfo.getUuid()).thenReturn("vol-uuid");
        when(volumeInfo.stateTransit(any())).thenReturn(true);
        when(snapshotDetailsDao.listDetailsKeyPairs(SNAPSHOT)).thenReturn(new HashMap<>());
    }

    private static StoragePoolVO pool(String provider) {
        StoragePoolVO pool = mock(StoragePoolVO.class);
        when(pool.getStorageProviderName()).thenReturn(provider);
        return pool;
    }

    private Snapshot snapshotOn(long volumeId) {
        Snapshot s = mock(Snapshot.class);
        when(s.getId()).thenReturn(SNAPSHOT);
        when(s.getVolumeId()).thenReturn(volumeId);
        return s;
    }

    @Test
    public void canHandleMatrix() {
        VolumeVO foreign = mock(VolumeVO.class);
        when(foreign.getPoolId()).thenReturn(OTHER_POOL);
        when(volumeDao.findByIdIncludingRemoved(99L)).thenReturn(foreign);
        Snapshot ourSnapshot = snapshotOn(VOLUME);
        Snapshot foreignSnapshot = snapshotOn(99L);
        for (SnapshotOperation op : SnapshotOperation.values()) {
            StrategyPriority expected = op == SnapshotOperation.COPY ? StrategyPriority.CANT_HANDLE : StrategyPriority.HIGHEST;
            assertEquals(op + " on our pool", expected, strategy.canHandle(ourSnapshot, null, op));
            assertEquals(op + " elsewhere", StrategyPriority.CANT_HANDLE, strategy.canHandle(foreignSnapshot, null, op));
        }
    }

    @Test
    public void canHandleNeverThrowsAndDeclines() {
        when(volumeDao.findByIdIncludingRemoved(VOLUME)).thenThrow(new IllegalStateException("db down"));
        assertEquals(StrategyPriority.CANT_HANDLE, strategy.canHandle(snapshotOn(VOLUME), null, SnapshotOperation.TAKE));
    }

    @Test
    public void deleteIsClaimedFromTheRecordedPoolEvenAfterTheVolumeIsGone() {
        when(volumeDao.findByIdIncludingRemoved(VOLUME)).thenReturn(null);
        when(snapshotDetailsDao.listDetailsKeyPairs(SNAPSHOT)).thenReturn(details());
        assertEquals(StrategyPriority.HIGHEST, strategy.canHandle(snapshotOn(VOLUME), null, SnapshotOperation.DELETE));
    }

    @Test
    public void takeOfARunningVmGoesThroughTheAgentAndEndsCreatedOnPrimaryWithTheArrayPath() throws Exception {
        when(vm.getState()).thenReturn(VirtualMachine.State.Running);
        when(agentManager.send(eq(HOST), any(Command.class))).thenAnswer(inv -> {
            TakeConsistentSnapshotCommand cmd = inv.getArgument(1);
            return TakeConsistentSnapshotAnswer.success(cmd, Collections.singletonList(new VolumeSnapshotResult("es-vol-1",
                    cmd.getVolumes().get(0).getSnapshotName(), "tsm/vol1@cs-uuid-41")), "FS_FROZEN", 5, 50, 5, 60, null,
                    "partial freeze of /data1 (the file systems on vdb); 2 other file system(s) kept running");
        });

        assertSame("the caller's object, whose state the createSnapshot answer shows", snapshot, strategy.takeSnapshot(snapshot));

        ArgumentCaptor<TakeConsistentSnapshotCommand> sent = ArgumentCaptor.forClass(TakeConsistentSnapshotCommand.class);
        verify(agentManager).send(eq(HOST), sent.capture());
        assertEquals("i-2-21-VM", sent.getValue().getDomainName());
        assertEquals("BEST_EFFORT", sent.getValue().getPolicy());
        assertEquals("cs-uuid-41", sent.getValue().getVolumes().get(0).getSnapshotName());
        assertEquals("the disk serial CloudStack's agent gave the volume, so only its file systems are frozen", "voluuid",
                sent.getValue().getVolumes().get(0).getDiskSerial());
        ArgumentCaptor<CreateObjectAnswer> answer = ArgumentCaptor.forClass(CreateObjectAnswer.class);
        InOrder order = inOrder(volumeInfo, snapshotService, onPrimary, snapshotDetailsDao);
        order.verify(volumeInfo).stateTransit(Volume.Event.SnapshotRequested);
        order.verify(snapshotService).processEventOnSnapshotObject(snapshot, Snapshot.Event.CreateRequested);
        order.verify(onPrimary).processEvent(ObjectInDataStoreStateMachine.Event.CreateOnlyRequested);
        order.verify(onPrimary).processEvent(eq(ObjectInDataStoreStateMachine.Event.OperationSuccessed), answer.capture());
        order.verify(snapshotService).processEventOnSnapshotObject(snapshot, Snapshot.Event.OperationSucceeded);
        order.verify(volumeInfo).stateTransit(Volume.Event.OperationSucceeded);
        assertEquals("tsm/vol1@cs-uuid-41", answer.getValue().getData().getPath());
        verify(snapshotDetailsDao).addDetail(SNAPSHOT, ElastiStorPool.SNAPSHOT_CONSISTENCY, "FS_FROZEN", true);
        verify(snapshotDetailsDao).addDetail(SNAPSHOT, ElastiStorPool.SNAPSHOT_FROZEN_WINDOW_MS, "60", true);
        verify(snapshotDetailsDao).addDetail(SNAPSHOT, ElastiStorPool.SNAPSHOT_FREEZE_SCOPE,
                "partial freeze of /data1 (the file systems on vdb); 2 other file system(s) kept running", true);
        verify(array, never()).createSnapshot(any(), any());
    }

    @Test
    public void quiescevmTrueMakesTheFreezeRequired() throws Exception {
        when(vm.getState()).thenReturn(VirtualMachine.State.Running);
        CreateSnapshotPayload payload = mock(CreateSnapshotPayload.class);
        when(payload.getQuiescevm()).thenReturn(true);
        when(snapshot.getPayload()).thenReturn(payload);
        when(agentManager.send(eq(HOST), any(Command.class))).thenAnswer(inv -> TakeConsistentSnapshotAnswer.failure(inv.getArgument(1),
                "QUIESCE_FAILED", "guest agent not answering"));
        try {
            strategy.takeSnapshot(snapshot);
            fail("a failed REQUIRED freeze must fail the snapshot");
        } catch (UnsupportedOperationException e) {
            assertTakeRefusal(e, "QUIESCE_FAILED");
        }
        ArgumentCaptor<TakeConsistentSnapshotCommand> sent = ArgumentCaptor.forClass(TakeConsistentSnapshotCommand.class);
        verify(agentManager).send(eq(HOST), sent.capture());
        assertEquals("REQUIRED", sent.getValue().getPolicy());
        verify(onPrimary).processEvent(ObjectInDataStoreStateMachine.Event.OperationFailed);
        verify(snapshotService).processEventOnSnapshotObject(snapshot, Snapshot.Event.OperationFailed);
        verify(volumeInfo).stateTransit(Volume.Event.OperationFailed);
    }

    @Test
    public void takeOfAStoppedVmSnapshotsDirectlyWithoutTheAgent() throws Exception {
        when(vm.getState()).thenReturn(VirtualMachine.State.Stopped);
        when(array.createSnapshot("es-vol-1", "cs-uuid-41")).thenReturn("tsm/vol1@cs-uuid-41");
        strategy.takeSnapshot(snapshot);
        verify(agentManager, never()).send(anyLong(), any(Command.class));
        verify(snapshotDetailsDao).addDetail(SNAPSHOT, ElastiStorPool.SNAPSHOT_CONSISTENCY, ConsistentSnapshotTaker.LEVEL_VM_NOT_RUNNING, true);
        verify(snapshotService).processEventOnSnapshotObject(snapshot, Snapshot.Event.OperationSucceeded);
    }

    @Test
    public void aGroupMemberOfCloudStacksVmSnapshotIsTakenWithoutASecondFreeze() throws Exception {
        when(vm.getState()).thenReturn(VirtualMachine.State.Running);
        when(snapshot.getSnapshotType()).thenReturn((short) Snapshot.Type.GROUP.ordinal());
        when(array.createSnapshot("es-vol-1", "cs-uuid-41")).thenReturn("tsm/vol1@cs-uuid-41");

        strategy.takeSnapshot(snapshot);

        verify(agentManager, never()).send(anyLong(), any(Command.class));
        verify(snapshotDetailsDao).addDetail(SNAPSHOT, ElastiStorPool.SNAPSHOT_CONSISTENCY,
                ConsistentSnapshotTaker.LEVEL_FROZEN_BY_CLOUDSTACK, true);
    }

    @Test
    public void aFailureAfterTheArraySnapshotRemovesItAgain() {
        when(vm.getState()).thenReturn(VirtualMachine.State.Stopped);
        when(array.createSnapshot("es-vol-1", "cs-uuid-41")).thenReturn("tsm/vol1@cs-uuid-41");
        org.mockito.Mockito.doThrow(new CloudRuntimeException("db write failed")).when(onPrimary)
                .processEvent(eq(ObjectInDataStoreStateMachine.Event.OperationSuccessed), any());
        try {
            strategy.takeSnapshot(snapshot);
            fail();
        } catch (UnsupportedOperationException expected) {
            verify(array).deleteSnapshot("es-vol-1", "tsm/vol1@cs-uuid-41");
            verify(volumeInfo).stateTransit(Volume.Event.OperationFailed);
            // the cause CloudStack 4.22's createSnapshot keeps for its answer, and the Error snapshot's record of it
            assertTakeRefusal(expected, "db write failed");
            verify(snapshotDetailsDao).addDetail(SNAPSHOT, ElastiStorPool.SNAPSHOT_FAILURE, "db write failed", true);
        }
        // a take that started stays listed, as Error with its cause: only a refusal leaves no record
        verify(snapshotDao, never()).remove(SNAPSHOT);
    }

    private static Map<String, String> details() {
        Map<String, String> d = new HashMap<>();
        d.put(ElastiStorPool.SNAPSHOT_POOL_ID, String.valueOf(POOL));
        d.put(ElastiStorPool.SNAPSHOT_ARRAY_VOLUME, "es-vol-1");
        d.put(ElastiStorPool.SNAPSHOT_ARRAY_PATH, "tsm/vol1@cs-uuid-41");
        return d;
    }

    private SnapshotVO snapshotVO(Snapshot.State state) {
        SnapshotVO vo = mock(SnapshotVO.class);
        when(vo.getState()).thenReturn(state);
        when(vo.getName()).thenReturn("snap41");
        when(snapshotDao.findById(SNAPSHOT)).thenReturn(vo);
        return vo;
    }

    @Test
    public void deleteRemovesTheArraySnapshotAndIsIdempotentForErrorAndMissingSnapshots() {
        when(snapshotDetailsDao.listDetailsKeyPairs(SNAPSHOT)).thenReturn(details());
        SnapshotDataStoreVO ref = mock(SnapshotDataStoreVO.class);
        when(ref.getId()).thenReturn(5L);
        when(snapshotDataStoreDao.listBySnapshotAndDataStoreRole(SNAPSHOT, DataStoreRole.Primary)).thenReturn(Collections.singletonList(ref));
        SnapshotVO vo = snapshotVO(Snapshot.State.Error);
        when(array.deleteSnapshot("es-vol-1", "tsm/vol1@cs-uuid-41")).thenReturn(false);

        assertTrue(strategy.deleteSnapshot(SNAPSHOT, null));
        verify(snapshotDataStoreDao).remove(5L);
        verify(vo).setState(Snapshot.State.Destroyed);
        verify(snapshotDetailsDao).removeDetails(SNAPSHOT);

        SnapshotVO destroyed = snapshotVO(Snapshot.State.Destroyed);
        assertTrue(strategy.deleteSnapshot(SNAPSHOT, null));
        verify(destroyed, never()).setState(any());
        when(snapshotDao.findById(SNAPSHOT)).thenReturn(null);
        assertTrue(strategy.deleteSnapshot(SNAPSHOT, null));
    }

    @Test
    public void deleteOfAnErrorSnapshotAKilledServerLeftRemovesTheArraySnapshotItsNameGives() {
        // killed mid-take: the array snapshot exists, the row is in Error and has no details
        SnapshotVO vo = snapshotVO(Snapshot.State.Error);
        when(vo.getUuid()).thenReturn("uuid-41");
        when(vo.getVolumeId()).thenReturn(VOLUME);
        when(array.listSnapshots("es-vol-1")).thenReturn(Arrays.asList(new ArraySnapshotRef("cs-uuid-40", "tsm/vol1@cs-uuid-40", false),
                new ArraySnapshotRef("cs-uuid-41", "tsm/vol1@cs-uuid-41", false)));
        when(array.deleteSnapshot("es-vol-1", "tsm/vol1@cs-uuid-41")).thenReturn(true);

        assertTrue(strategy.deleteSnapshot(SNAPSHOT, null));

        verify(array).deleteSnapshot("es-vol-1", "tsm/vol1@cs-uuid-41");
        verify(array, never()).deleteSnapshot("es-vol-1", "tsm/vol1@cs-uuid-40");
        verify(vo).setState(Snapshot.State.Destroyed);
    }

    @Test
    public void revertIsNotBlockedByANewerOrphan() {
        when(vm.getState()).thenReturn(VirtualMachine.State.Stopped);
        when(snapshotDetailsDao.listDetailsKeyPairs(SNAPSHOT)).thenReturn(details());
        when(array.listSnapshots("es-vol-1")).thenReturn(Arrays.asList(new ArraySnapshotRef("cs-uuid-41", "tsm/vol1@cs-uuid-41", false),
                new ArraySnapshotRef("cs-uuid-42", "tsm/vol1@cs-uuid-42", false)));
        when(owners.isOrphan("cs-uuid-42")).thenReturn(true);
        when(array.rollback("es-vol-1", "tsm/vol1@cs-uuid-41")).thenReturn(Collections.singletonList("cs-uuid-42"));

        assertTrue(strategy.revertSnapshot(snapshot));
        verify(array).rollback("es-vol-1", "tsm/vol1@cs-uuid-41");
    }

    @Test
    public void deleteIsBlockedByAClone() {
        when(snapshotDetailsDao.listDetailsKeyPairs(SNAPSHOT)).thenReturn(details());
        SnapshotVO vo = snapshotVO(Snapshot.State.BackedUp);
        when(array.deleteSnapshot(any(), any())).thenThrow(new ArrayConflictException("snapshot has a clone clone-vol-9"));
        try {
            strategy.deleteSnapshot(SNAPSHOT, null);
            fail();
        } catch (CloudRuntimeException e) {
            assertTrue(e.getMessage(), e.getMessage().contains("clone-vol-9"));
        }
        verify(vo, never()).setState(any());
    }

    @Test
    public void revertRefusesWhileTheVmRuns() {
        when(vm.getState()).thenReturn(VirtualMachine.State.Running);
        try {
            strategy.revertSnapshot(snapshot);
            fail();
        } catch (CloudRuntimeException e) {
            assertTrue(e.getMessage(), e.getMessage().contains("Stop VM i-2-21-VM"));
        }
        verify(array, never()).rollback(any(), any());
    }

    @Test
    public void revertRefusesToDestroyNewerSnapshotsAndNamesThem() {
        when(vm.getState()).thenReturn(VirtualMachine.State.Stopped);
        when(snapshotDetailsDao.listDetailsKeyPairs(SNAPSHOT)).thenReturn(details());
        when(array.listSnapshots("es-vol-1")).thenReturn(Arrays.asList(new ArraySnapshotRef("cs-uuid-41", "tsm/vol1@cs-uuid-41", false),
                new ArraySnapshotRef("cs-uuid-42", "tsm/vol1@cs-uuid-42", false)));
        try {
            strategy.revertSnapshot(snapshot);
            fail();
        } catch (CloudRuntimeException e) {
            assertTrue(e.getMessage(), e.getMessage().contains("cs-uuid-42"));
        }
        verify(array, never()).rollback(any(), any());
        verify(volumeInfo, never()).stateTransit(Volume.Event.RevertSnapshotRequested);
    }

    @Test
    public void revertOfTheLatestSnapshotRollsBackWithVolumeStateTransitions() {
        when(vm.getState()).thenReturn(VirtualMachine.State.Stopped);
        when(snapshotDetailsDao.listDetailsKeyPairs(SNAPSHOT)).thenReturn(details());
        when(array.listSnapshots("es-vol-1")).thenReturn(Collections.singletonList(new ArraySnapshotRef("cs-uuid-41", "tsm/vol1@cs-uuid-41", false)));
        when(array.rollback("es-vol-1", "tsm/vol1@cs-uuid-41")).thenReturn(Collections.emptyList());
        assertTrue(strategy.revertSnapshot(snapshot));
        InOrder order = inOrder(volumeInfo, array);
        order.verify(volumeInfo).stateTransit(Volume.Event.RevertSnapshotRequested);
        order.verify(array).rollback("es-vol-1", "tsm/vol1@cs-uuid-41");
        order.verify(volumeInfo).stateTransit(Volume.Event.OperationSucceeded);
    }

    /**
     * A take's message must reach the createSnapshot answer on both paths: called directly (detached volume), CloudStack
     * keeps the message of an UnsupportedOperationException cause; through the VM's work job (attached volume), the
     * failure is serialized into the job result and its message is kept only if it is itself one.
     */
    private static void assertTakeRefusal(RuntimeException e, String expected) {
        assertRefusal(e, expected);
        try {
            java.io.ByteArrayOutputStream bytes = new java.io.ByteArrayOutputStream();
            try (java.io.ObjectOutputStream out = new java.io.ObjectOutputStream(bytes)) {
                out.writeObject(e);
            }
            Object jobResult = new java.io.ObjectInputStream(new java.io.ByteArrayInputStream(bytes.toByteArray())).readObject();
            assertTrue("the work job's result is an UnsupportedOperationException", jobResult instanceof UnsupportedOperationException);
            assertEquals(e.getMessage(), ((Throwable) jobResult).getMessage());
        } catch (java.io.IOException | ClassNotFoundException notSerializable) {
            throw new AssertionError("the VM work job cannot carry the failure: " + notSerializable, notSerializable);
        }
    }

    /** The message must reach the API caller: CloudStack keeps it only from an UnsupportedOperationException cause. */
    private static void assertRefusal(RuntimeException e, String expected) {
        assertTrue(e.getMessage(), e.getMessage().contains(expected));
        assertTrue("cause carries the message to the API answer", e.getCause() instanceof UnsupportedOperationException);
        assertEquals(e.getMessage(), e.getCause().getMessage());
    }

    @Test
    public void takeOnSecondaryStorageIsRefusedBeforeAnythingChanges() {
        when(vm.getState()).thenReturn(VirtualMachine.State.Stopped);
        when(snapshot.getLocationType()).thenReturn(Snapshot.LocationType.SECONDARY);
        try {
            strategy.takeSnapshot(snapshot);
            fail();
        } catch (UnsupportedOperationException e) {
            assertTakeRefusal(e, "locationtype=SECONDARY");
        }
        verify(array, never()).createSnapshot(any(), any());
        verify(volumeInfo, never()).stateTransit(any());
        verify(snapshotDao).remove(SNAPSHOT);
    }

    @Test
    public void takeAndRevertOnAPoolInMaintenanceAreRefused() {
        when(vm.getState()).thenReturn(VirtualMachine.State.Stopped);
        StoragePoolVO ours = primaryDataStoreDao.findById(POOL);
        when(ours.isInMaintenance()).thenReturn(true);
        when(ours.getName()).thenReturn("es1");
        when(snapshotDetailsDao.listDetailsKeyPairs(SNAPSHOT)).thenReturn(details());
        try {
            strategy.takeSnapshot(snapshot);
            fail();
        } catch (UnsupportedOperationException e) {
            assertTakeRefusal(e, "ElastiStor pool es1 is in maintenance");
        }
        verify(snapshotDao).remove(SNAPSHOT);
        try {
            strategy.revertSnapshot(snapshot);
            fail();
        } catch (CloudRuntimeException e) {
            assertRefusal(e, "ElastiStor pool es1 is in maintenance");
        }
        verify(array, never()).createSnapshot(any(), any());
        verify(array, never()).rollback(any(), any());
        verify(volumeInfo, never()).stateTransit(any());
    }

    @Test
    public void backupIsBackedUpOnlyAfterTheCopyIsComplete() {
        SnapshotInfo onImage = mock(SnapshotInfo.class);
        when(backups.backUp(snapshot)).thenReturn(onImage);
        assertSame(onImage, strategy.backupSnapshot(snapshot));
        InOrder order = inOrder(backups, snapshotService);
        order.verify(backups).backUp(snapshot);
        order.verify(snapshotService).processEventOnSnapshotObject(snapshot, Snapshot.Event.BackupToSecondary);
        order.verify(snapshotService).processEventOnSnapshotObject(snapshot, Snapshot.Event.OperationSucceeded);
    }

    @Test
    public void aFailedCopyNeverMarksBackedUp() {
        when(backups.backUp(snapshot)).thenThrow(new CloudRuntimeException("copy failed"));
        try {
            strategy.backupSnapshot(snapshot);
            fail();
        } catch (UnsupportedOperationException e) {
            assertTakeRefusal(e, "the backup to secondary storage failed (the snapshot stays on the array): copy failed");
        }
        verify(snapshotService, never()).processEventOnSnapshotObject(any(), any());
    }
}
