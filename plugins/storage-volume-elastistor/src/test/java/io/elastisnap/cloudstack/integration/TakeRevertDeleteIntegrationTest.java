// Licensed under the Apache License, Version 2.0. See LICENSE in the project root.
package io.elastisnap.cloudstack.integration;

import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertFalse;
import static org.junit.Assert.assertTrue;
import static org.junit.Assert.fail;
import static org.mockito.ArgumentMatchers.any;
import static org.mockito.ArgumentMatchers.anyLong;
import static org.mockito.Mockito.doAnswer;
import static org.mockito.Mockito.mock;
import static org.mockito.Mockito.when;

import java.util.Collections;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import org.apache.cloudstack.engine.subsystem.api.storage.CopyCommandResult;
import org.apache.cloudstack.engine.subsystem.api.storage.CreateCmdResult;
import org.apache.cloudstack.engine.subsystem.api.storage.DataStore;
import org.apache.cloudstack.engine.subsystem.api.storage.ObjectInDataStoreStateMachine;
import org.apache.cloudstack.engine.subsystem.api.storage.SnapshotInfo;
import org.apache.cloudstack.engine.subsystem.api.storage.SnapshotService;
import org.apache.cloudstack.engine.subsystem.api.storage.SnapshotStrategy.SnapshotOperation;
import org.apache.cloudstack.engine.subsystem.api.storage.StrategyPriority;
import org.apache.cloudstack.engine.subsystem.api.storage.VolumeInfo;
import org.apache.cloudstack.storage.command.CommandResult;
import org.apache.cloudstack.storage.datastore.db.SnapshotDataStoreDao;
import org.junit.After;
import org.junit.Before;
import org.junit.Rule;
import org.junit.Test;
import org.junit.rules.TemporaryFolder;

import com.cloud.agent.AgentManager;
import com.cloud.agent.api.Command;
import com.cloud.agent.api.to.DataObjectType;
import com.cloud.hypervisor.kvm.resource.LibvirtComputingResource;
import com.cloud.hypervisor.kvm.resource.wrapper.ElastiSnapTakeConsistentSnapshotCommandWrapper;
import com.cloud.hypervisor.kvm.resource.wrapper.LibvirtUtilitiesHelper;
import com.cloud.storage.Snapshot;
import com.cloud.utils.exception.CloudRuntimeException;
import com.cloud.vm.VirtualMachine;
import com.cloud.vm.snapshot.VMSnapshot;

import io.elastisnap.cloudstack.agent.AgentSnapshotRuntime;
import io.elastisnap.cloudstack.agent.EngineSnapshotRunner;
import io.elastisnap.cloudstack.backup.SecondaryStorageBackups;
import io.elastisnap.cloudstack.command.TakeConsistentSnapshotCommand;
import io.elastisnap.cloudstack.driver.ElastiStorDataMotionStrategy;
import io.elastisnap.cloudstack.driver.ElastiStorPrimaryDataStoreDriver;
import io.elastisnap.cloudstack.elasticenter.ElastiCenterClients;
import io.elastisnap.cloudstack.record.VolumeSnapshotRecord;
import io.elastisnap.cloudstack.snapshot.ConsistentSnapshotTaker;
import io.elastisnap.cloudstack.snapshot.ElastiStorSnapshotStrategy;
import io.elastisnap.cloudstack.snapshot.SkippedPostProcessing;
import io.elastisnap.cloudstack.snapshot.ElastiStorVMSnapshotStrategy;
import io.elastisnap.cloudstack.testsupport.Entities;
import io.elastisnap.cloudstack.testsupport.FakeDb;
import io.elastisnap.cloudstack.testsupport.RecordingCallback;
import io.elastisnap.cloudstack.testsupport.ScriptedGuest;
import io.elastisnap.cloudstack.testsupport.SimulatedPools;
import io.elastisnap.cloudstack.testsupport.Wiring;
import io.elastisnap.engine.journal.FreezeJournal;
import io.elastisnap.simulator.ElastiCenterSimulator;

/**
 * End to end on the management-server side: volumes provisioned by the driver on a simulated ElastiCenter (HTTPS),
 * the volume and VM snapshot strategies driving CloudStack's state machines, and every agent command executed by the
 * real KVM wrapper and engine (a scripted guest stands in for libvirt) behind a fake AgentManager. Each step checks
 * what the array holds.
 */
public class TakeRevertDeleteIntegrationTest {
    private static final long POOL = 1L;
    private static final long VM = 21L;
    private static final long HOST = 31L;

    @Rule
    public TemporaryFolder temp = new TemporaryFolder();

    private FakeDb db;
    private SimulatedPools pools;
    private ElastiCenterSimulator ec;
    private ScriptedGuest guest;
    private ElastiCenterClients agentClients;
    private ElastiStorPrimaryDataStoreDriver driver;
    private ElastiStorSnapshotStrategy volumeSnapshots;
    private ElastiStorVMSnapshotStrategy vmSnapshots;
    private ElastiStorDataMotionStrategy dataMotion;
    private Entities.Vm vm;
    private Entities.Vol root;
    private Entities.Vol data;
    private DataStore store;
    /** Primary snapshot_store_ref states by snapshot id, driven through CloudStack's ref state machine. */
    private final Map<Long, ObjectInDataStoreStateMachine.State> refs = new HashMap<>();

    @Before
    public void setUp() throws Exception {
        db = new FakeDb();
        pools = new SimulatedPools(db);
        ec = pools.add(POOL);
        guest = new ScriptedGuest();
        agentClients = new ElastiCenterClients();
        AgentSnapshotRuntime.install(new EngineSnapshotRunner(guest, new FreezeJournal(temp.newFolder().toPath()), agentClients));
        LibvirtComputingResource host = mock(LibvirtComputingResource.class);
        when(host.getLibvirtUtilitiesHelper()).thenReturn(mock(LibvirtUtilitiesHelper.class));
        ElastiSnapTakeConsistentSnapshotCommandWrapper wrapper = new ElastiSnapTakeConsistentSnapshotCommandWrapper();
        AgentManager agentManager = mock(AgentManager.class);
        when(agentManager.send(anyLong(), any(Command.class))).thenAnswer(i -> {
            // The wire: CloudStack serializes commands with Gson, so the agent sees a copy, never the manager's object.
            com.google.gson.Gson gson = new com.google.gson.Gson();
            Command command = i.getArgument(1);
            TakeConsistentSnapshotCommand received = gson.fromJson(gson.toJson(command), TakeConsistentSnapshotCommand.class);
            return wrapper.execute(received, host);
        });

        store = mock(DataStore.class);
        when(store.getId()).thenReturn(POOL);
        when(store.getName()).thenReturn("es1");
        driver = Wiring.inject(new ElastiStorPrimaryDataStoreDriver(), pools.arrays, pools.locks, db.volumeDao, db.volumeDetails, db.snapshotDetails,
                db.poolDao, db.poolDetails, db.vmDao, db.owners);
        ConsistentSnapshotTaker taker = new ConsistentSnapshotTaker(agentManager, pools.arrays, pools.settings);
        SnapshotDataStoreDao snapshotStoreDao = mock(SnapshotDataStoreDao.class);
        when(snapshotStoreDao.listBySnapshotAndDataStoreRole(anyLong(), any())).thenReturn(Collections.emptyList());
        SecondaryStorageBackups noBackups = Wiring.inject(new SecondaryStorageBackups(), snapshotStoreDao, db.snapshotDetails, pools.arrays);
        volumeSnapshots = Wiring.inject(new ElastiStorSnapshotStrategy(), db.snapshotDao, db.volumeDao, db.poolDao, snapshotStoreDao,
                db.snapshotDetails, snapshotService(), db.vmDao, pools.arrays, taker, mock(SkippedPostProcessing.class),
                pools.locks, db.owners, noBackups, pools.settings);
        dataMotion = Wiring.inject(new ElastiStorDataMotionStrategy(), db.poolDao, db.snapshotDetails, pools.arrays, driver, db.volumeDao,
                noBackups);
        vmSnapshots = Wiring.inject(new ElastiStorVMSnapshotStrategy(), db.vmSnapshotHelper, db.vmSnapshotDao, db.vmSnapshotDetails,
                db.volumeDao, db.vmDao, db.poolDao, pools.arrays, taker, pools.locks, db.owners);

        vm = db.vm(VM, VirtualMachine.State.Running, HOST);
        root = provision(11);
        data = provision(12);
    }

    @After
    public void tearDown() {
        agentClients.close();
        pools.close();
    }

    private Entities.Vol provision(long id) {
        Entities.Vol volume = db.volume(id, null, VM);
        RecordingCallback<CreateCmdResult> created = new RecordingCallback<>();
        driver.createAsync(store, volumeInfo(volume), created);
        assertTrue(created.single().getResult(), created.single().isSuccess());
        return volume;
    }

    private VolumeInfo volumeInfo(Entities.Vol volume) {
        VolumeInfo info = mock(VolumeInfo.class);
        when(info.getId()).thenReturn(volume.id);
        when(info.getUuid()).thenReturn(volume.uuid);
        when(info.getType()).thenReturn(DataObjectType.VOLUME);
        when(info.getSize()).thenReturn(volume.size);
        when(info.getPoolId()).thenAnswer(i -> volume.poolId);
        when(info.getDataStore()).thenReturn(store);
        when(info.stateTransit(any())).thenReturn(true);
        return info;
    }

    /** SnapshotService.processEventOnSnapshotObject over CloudStack's snapshot state machine (cloudstack-api.md 1.18). */
    private SnapshotService snapshotService() {
        SnapshotService service = mock(SnapshotService.class);
        doAnswer(i -> {
            SnapshotInfo info = i.getArgument(0);
            Entities.Snap row = db.snapshots.get(info.getId());
            row.state = next(row.state, i.getArgument(1));
            return null;
        }).when(service).processEventOnSnapshotObject(any(), any());
        return service;
    }

    private static Snapshot.State next(Snapshot.State from, Snapshot.Event event) {
        String key = from + ":" + event;
        switch (key) {
            case "Allocated:CreateRequested": return Snapshot.State.Creating;
            case "Creating:OperationSucceeded": return Snapshot.State.CreatedOnPrimary;
            case "Creating:OperationFailed": return Snapshot.State.Error;
            case "CreatedOnPrimary:BackupToSecondary": return Snapshot.State.BackingUp;
            case "BackingUp:OperationSucceeded": return Snapshot.State.BackedUp;
            default: throw new AssertionError("CloudStack has no snapshot transition " + key);
        }
    }

    private SnapshotInfo snapshotOf(Entities.Vol volume, long snapshotId) {
        db.snapshots.put(snapshotId, new Entities.Snap(snapshotId, volume.id, Snapshot.State.Allocated));
        SnapshotInfo snapshot = mock(SnapshotInfo.class);
        when(snapshot.getId()).thenReturn(snapshotId);
        when(snapshot.getUuid()).thenReturn("snap-uuid-" + snapshotId);
        when(snapshot.getName()).thenReturn("snap-" + snapshotId);
        when(snapshot.getVolumeId()).thenReturn(volume.id);
        VolumeInfo base = volumeInfo(volume);
        when(snapshot.getBaseVolume()).thenReturn(base);
        when(snapshot.getDataStore()).thenReturn(store);
        when(store.create(snapshot)).thenAnswer(i -> {
            refs.put(snapshotId, ObjectInDataStoreStateMachine.State.Allocated);
            return snapshot;
        });
        doAnswer(i -> {
            refs.put(snapshotId, next(refs.get(snapshotId), (ObjectInDataStoreStateMachine.Event) i.getArgument(0)));
            return null;
        }).when(snapshot).processEvent(any(ObjectInDataStoreStateMachine.Event.class));
        doAnswer(i -> {
            refs.put(snapshotId, next(refs.get(snapshotId), (ObjectInDataStoreStateMachine.Event) i.getArgument(0)));
            return null;
        }).when(snapshot).processEvent(any(ObjectInDataStoreStateMachine.Event.class), any());
        return snapshot;
    }

    private static ObjectInDataStoreStateMachine.State next(ObjectInDataStoreStateMachine.State from, ObjectInDataStoreStateMachine.Event event) {
        String key = from + ":" + event;
        switch (key) {
            case "Allocated:CreateOnlyRequested": return ObjectInDataStoreStateMachine.State.Creating;
            case "Creating:OperationSuccessed": return ObjectInDataStoreStateMachine.State.Ready;
            case "Creating:OperationFailed": return ObjectInDataStoreStateMachine.State.Allocated;
            default: throw new AssertionError("CloudStack has no snapshot_store_ref transition " + key);
        }
    }

    private List<String> onArray(Entities.Vol volume) {
        return ec.snapshotPaths(volume.folder);
    }

    private String path(Entities.Vol volume, String snapshotName) {
        return ec.volume(volume.folder).get().zfsPath() + "@" + snapshotName;
    }

    @Test
    public void volumeAndVmSnapshotsFromTakeToRevertToDelete() {
        // TAKE a volume snapshot of the running VM's root disk: one freeze on the host, CreatedOnPrimary + Ready ref.
        SnapshotInfo volumeSnapshot = snapshotOf(root, 41);
        assertEquals(StrategyPriority.HIGHEST, volumeSnapshots.canHandle(volumeSnapshot, null, SnapshotOperation.TAKE));
        volumeSnapshots.takeSnapshot(volumeSnapshot);
        assertEquals(Snapshot.State.CreatedOnPrimary, db.snapshots.get(41L).state);
        assertEquals(ObjectInDataStoreStateMachine.State.Ready, refs.get(41L));
        String volumeSnapshotPath = path(root, VolumeSnapshotRecord.arraySnapshotName("snap-uuid-41"));
        assertEquals(Collections.singletonList(volumeSnapshotPath), onArray(root));
        assertEquals("FS_FROZEN", db.snapshotDetailRows.get(41L).get(io.elastisnap.cloudstack.ElastiStorPool.SNAPSHOT_CONSISTENCY));
        // snapshot.backup.to.secondary=false: CloudStack marks it BackedUp itself (BackupToSecondaryLifecycleTest has the copy).
        db.snapshots.get(41L).state = Snapshot.State.BackedUp;

        // TAKE a VM snapshot: both volumes in one freeze.
        Entities.VmSnap vmSnapshot = db.vmSnapshot(100, VM);
        assertEquals(StrategyPriority.HIGHEST, vmSnapshots.canHandle(vmSnapshot));
        vmSnapshots.takeVMSnapshot(vmSnapshot);
        assertEquals(VMSnapshot.State.Ready, vmSnapshot.state);
        assertEquals(2, onArray(root).size());
        assertEquals(1, onArray(data).size());
        assertEquals(2, guest.count("freeze"));
        assertFalse(guest.isFrozen());

        // REVERT the volume snapshot: refused while the VM runs, then refused because the VM snapshot is newer.
        try {
            volumeSnapshots.revertSnapshot(volumeSnapshot);
            fail("revert needs a stopped VM");
        } catch (CloudRuntimeException expected) {
            assertTrue(expected.getMessage(), expected.getMessage().contains("Stop VM"));
        }
        vm.state = VirtualMachine.State.Stopped;
        try {
            volumeSnapshots.revertSnapshot(volumeSnapshot);
            fail("a newer array snapshot would be destroyed");
        } catch (CloudRuntimeException expected) {
            assertTrue(expected.getMessage(), expected.getMessage().contains("vms-" + vmSnapshot.getUuid()));
        }
        assertEquals(2, onArray(root).size());

        // REVERT the VM snapshot (the VM is stopped, as CloudStack arranges), then DELETE it.
        assertTrue(vmSnapshots.revertVMSnapshot(vmSnapshot));
        assertEquals(2, ec.requestLog().count("rollbackToSnapshot"));
        assertTrue(vmSnapshots.deleteVMSnapshot(vmSnapshot));
        assertEquals(Collections.singletonList(volumeSnapshotPath), onArray(root));
        assertTrue(onArray(data).isEmpty());

        // Now the volume snapshot is the newest: REVERT works and keeps it.
        assertTrue(volumeSnapshots.revertSnapshot(volumeSnapshot));
        assertEquals(3, ec.requestLog().count("rollbackToSnapshot"));
        assertEquals(Collections.singletonList(volumeSnapshotPath), onArray(root));

        // A volume created from the snapshot is an array clone; while it exists the snapshot cannot be deleted.
        Entities.Vol clone = db.volume(13, null, null);
        RecordingCallback<CopyCommandResult> cloned = new RecordingCallback<>();
        assertEquals(StrategyPriority.HIGHEST, dataMotion.canHandle(volumeSnapshot, volumeInfo(clone)));
        dataMotion.copyAsync(volumeSnapshot, volumeInfo(clone), null, cloned);
        assertTrue(cloned.single().getResult(), cloned.single().isSuccess());
        assertTrue(ec.volume(clone.folder).isPresent());
        try {
            volumeSnapshots.deleteSnapshot(41L, null);
            fail("a clone pins its snapshot");
        } catch (CloudRuntimeException expected) {
            assertTrue(expected.getMessage(), expected.getMessage().contains("Delete the volumes created from it first"));
        }
        assertEquals(Snapshot.State.BackedUp, db.snapshots.get(41L).state);
        RecordingCallback<CommandResult> cloneDeleted = new RecordingCallback<>();
        driver.deleteAsync(store, volumeInfo(clone), cloneDeleted);
        assertTrue(cloneDeleted.single().getResult(), cloneDeleted.single().isSuccess());

        // DELETE the volume snapshot: gone from the array, Destroyed in CloudStack, and a second delete is harmless.
        assertEquals(StrategyPriority.HIGHEST, volumeSnapshots.canHandle(db.snapshots.get(41L), null, SnapshotOperation.DELETE));
        assertTrue(volumeSnapshots.deleteSnapshot(41L, null));
        assertTrue(onArray(root).isEmpty());
        assertEquals(Snapshot.State.Destroyed, db.snapshots.get(41L).state);
        assertTrue(volumeSnapshots.deleteSnapshot(41L, null));

        // The volumes themselves go with the driver.
        for (Entities.Vol volume : new Entities.Vol[] {root, data}) {
            RecordingCallback<CommandResult> deleted = new RecordingCallback<>();
            driver.deleteAsync(store, volumeInfo(volume), deleted);
            assertTrue(deleted.single().getResult(), deleted.single().isSuccess());
            assertFalse(ec.volume(volume.folder).isPresent());
        }
        assertEquals("every freeze was thawed", guest.count("freeze"), guest.count("thaw"));
    }
}
