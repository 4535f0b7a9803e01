// Licensed under the Apache License, Version 2.0. See LICENSE in the project root.
package io.elastisnap.cloudstack.snapshot;

import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertFalse;
import static org.junit.Assert.assertTrue;
import static org.junit.Assert.fail;
import static org.mockito.ArgumentMatchers.any;
import static org.mockito.ArgumentMatchers.anyLong;
import static org.mockito.ArgumentMatchers.eq;
import static org.mockito.Mockito.mock;
import static org.mockito.Mockito.never;
import static org.mockito.Mockito.verify;
import static org.mockito.Mockito.when;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.List;

import org.apache.cloudstack.engine.subsystem.api.storage.StrategyPriority;
import org.apache.cloudstack.engine.subsystem.api.storage.VMSnapshotOptions;
import org.junit.After;
import org.junit.Before;
import org.junit.Rule;
import org.junit.Test;
import org.junit.rules.TemporaryFolder;

import com.cloud.agent.AgentManager;
import com.cloud.agent.api.Command;
import com.cloud.utils.exception.CloudRuntimeException;
import com.cloud.vm.VirtualMachine;
import com.cloud.vm.snapshot.VMSnapshot;

import io.elastisnap.cloudstack.ElastiStorPool;
import io.elastisnap.cloudstack.agent.EngineSnapshotRunner;
import io.elastisnap.cloudstack.command.TakeConsistentSnapshotCommand;
import io.elastisnap.cloudstack.elasticenter.ElastiCenterClients;
import io.elastisnap.cloudstack.record.VmSnapshotVolume;
import io.elastisnap.cloudstack.testsupport.Entities;
import io.elastisnap.cloudstack.testsupport.FakeDb;
import io.elastisnap.cloudstack.testsupport.ScriptedGuest;
import io.elastisnap.cloudstack.testsupport.SimulatedPools;
import io.elastisnap.cloudstack.testsupport.Wiring;
import io.elastisnap.engine.journal.FreezeJournal;
import io.elastisnap.simulator.ElastiCenterSimulator;
import io.elastisnap.simulator.Fault;

/**
 * VM snapshots over CloudStack's DAOs (in-memory rows, real VM snapshot state machine), the real array access on
 * simulated ElastiCenters, and the real agent runner (scripted guest) behind a mocked AgentManager.
 */
public class ElastiStorVMSnapshotStrategyTest {
    private static final long POOL = 1L;
    private static final long SAME_EC_POOL = 2L;
    private static final long OTHER_EC_POOL = 3L;
    private static final long FOREIGN_POOL = 9L;
    private static final long VM = 21L;
    private static final long HOST = 31L;

    @Rule
    public TemporaryFolder temp = new TemporaryFolder();

    private FakeDb db;
    private SimulatedPools pools;
    private ElastiCenterSimulator ec1;
    private ElastiCenterSimulator ec2;
    private ScriptedGuest guest;
    private ElastiCenterClients agentClients;
    private AgentManager agentManager;
    private final List<TakeConsistentSnapshotCommand> sent = new ArrayList<>();
    private ElastiStorVMSnapshotStrategy strategy;
    private Entities.Vm vm;
    private List<Entities.Vol> volumes;
    private long nextVmSnapshotId = 100;

    @Before
    public void setUp() throws Exception {
        db = new FakeDb();
        pools = new SimulatedPools(db);
        ec1 = pools.add(POOL);
        pools.addOnSameElastiCenter(SAME_EC_POOL, POOL);
        ec2 = pools.add(OTHER_EC_POOL);
        db.pool(FOREIGN_POOL, "DefaultPrimary");
        guest = new ScriptedGuest();
        agentClients = new ElastiCenterClients();
        EngineSnapshotRunner runner = new EngineSnapshotRunner(guest, new FreezeJournal(temp.newFolder().toPath()), agentClients);
        agentManager = mock(AgentManager.class);
        when(agentManager.send(eq(HOST), any(Command.class))).thenAnswer(i -> {
            TakeConsistentSnapshotCommand command = i.getArgument(1);
            sent.add(command);
            return runner.run(command, null);
        });
        ConsistentSnapshotTaker taker = new ConsistentSnapshotTaker(agentManager, pools.arrays, pools.settings);
        strategy = Wiring.inject(new ElastiStorVMSnapshotStrategy(), db.vmSnapshotHelper, db.vmSnapshotDao, db.vmSnapshotDetails,
                db.volumeDao, db.vmDao, db.poolDao, pools.arrays, taker, pools.locks, db.owners);
        vm = db.vm(VM, VirtualMachine.State.Running, HOST);
        volumes = Arrays.asList(volumeOn(11, POOL, VM), volumeOn(12, POOL, VM), volumeOn(13, SAME_EC_POOL, VM));
    }

    @After
    public void tearDown() {
        agentClients.close();
        pools.close();
    }

    private Entities.Vol volumeOn(long id, long poolId, Long vmId) {
        Entities.Vol volume = db.volume(id, poolId, vmId);
        volume.folder = pools.simulator(poolId).provisionVolume("cs" + id, 1L << 30).id();
        return volume;
    }

    private Entities.VmSnap allocate() {
        return db.vmSnapshot(nextVmSnapshotId++, VM);
    }

    private int arraySnapshotCount() {
        int count = 0;
        for (Entities.Vol volume : db.volumes.values()) {
            if (volume.folder != null) {
                count += pools.simulator(volume.poolId).snapshotPaths(volume.folder).size();
            }
        }
        return count;
    }

    @Test
    public void canHandleMatrix() {
        Entities.VmSnap allocated = allocate();
        assertEquals(StrategyPriority.HIGHEST, strategy.canHandle(allocated));
        assertEquals(StrategyPriority.HIGHEST, strategy.canHandle(VM, POOL, false));
        assertEquals("memory snapshots are not ours", StrategyPriority.CANT_HANDLE, strategy.canHandle(VM, POOL, true));
        allocated.type = VMSnapshot.Type.DiskAndMemory;
        assertEquals(StrategyPriority.CANT_HANDLE, strategy.canHandle(allocated));
        allocated.type = VMSnapshot.Type.Disk;

        Entities.Vol foreign = db.volume(14, FOREIGN_POOL, VM);
        assertEquals("one volume elsewhere", StrategyPriority.CANT_HANDLE, strategy.canHandle(allocated));
        assertEquals(StrategyPriority.CANT_HANDLE, strategy.canHandle(VM, POOL, false));
        assertEquals(StrategyPriority.CANT_HANDLE, strategy.canHandle(VM, FOREIGN_POOL, false));
        foreign.poolId = OTHER_EC_POOL;
        foreign.folder = ec2.provisionVolume("cs14", 1L << 30).id();
        assertEquals("volumes on two ElastiCenters need two freezes", StrategyPriority.CANT_HANDLE, strategy.canHandle(allocated));
        db.volumes.remove(14L);

        Entities.VmSnap readyWithoutOurs = allocate();
        readyWithoutOurs.state = VMSnapshot.State.Ready;
        assertEquals("a Ready snapshot made by another strategy", StrategyPriority.CANT_HANDLE, strategy.canHandle(readyWithoutOurs));
        Entities.VmSnap errorWithoutDetails = allocate();
        errorWithoutDetails.state = VMSnapshot.State.Error;
        assertEquals("Error snapshots of our VMs stay deletable", StrategyPriority.HIGHEST, strategy.canHandle(errorWithoutDetails));

        when(db.poolDao.findById(anyLong())).thenThrow(new IllegalStateException("database gone"));
        assertEquals("canHandle never throws", StrategyPriority.CANT_HANDLE, strategy.canHandle(VM, POOL, false));
    }

    @Test
    public void takeOfARunningVmFreezesOnceAndRecordsEveryVolume() {
        Entities.VmSnap snapshot = allocate();

        strategy.takeVMSnapshot(snapshot);

        assertEquals(VMSnapshot.State.Ready, snapshot.state);
        assertEquals(Arrays.asList(snapshot.id + ":CreateRequested:Allocated->Creating",
                snapshot.id + ":OperationSucceeded:Creating->Ready"), db.vmSnapshotTransitions);
        assertEquals("one agent command, one freeze", 1, sent.size());
        assertEquals(1, guest.count("freeze"));
        assertFalse(guest.isFrozen());
        assertEquals("no options: freeze is required, like CloudStack's storage strategy", "REQUIRED", sent.get(0).getPolicy());
        for (Entities.Vol volume : volumes) {
            String detail = db.vmSnapshotDetailRows.get(snapshot.id).get(ElastiStorPool.VM_SNAPSHOT_VOLUME_PREFIX + volume.id);
            String path = pools.simulator(volume.poolId).volume(volume.folder).get().zfsPath() + "@"
                    + VmSnapshotVolume.arraySnapshotName(snapshot.getUuid(), volume.id);
            assertEquals(volume.poolId + "|" + volume.folder + "|" + path, detail);
            assertEquals(Collections.singletonList(path), pools.simulator(volume.poolId).snapshotPaths(volume.folder));
        }
        assertEquals("FS_FROZEN", db.vmSnapshotDetailRows.get(snapshot.id).get(ElastiStorPool.SNAPSHOT_CONSISTENCY));
        String scope = db.vmSnapshotDetailRows.get(snapshot.id).get(ElastiStorPool.SNAPSHOT_FREEZE_SCOPE);
        assertTrue("a VM snapshot freezes the whole guest: " + scope, scope.startsWith("whole guest ("));
        assertTrue(snapshot.current);
    }

    @Test
    public void quiescevmFalseUsesTheDefaultPolicyAndANewSnapshotBecomesTheChildOfTheCurrentOne() {
        Entities.VmSnap first = allocate();
        strategy.takeVMSnapshot(first);
        Entities.VmSnap second = allocate();
        second.options = mock(VMSnapshotOptions.class);
        when(second.options.needQuiesceVM()).thenReturn(false);

        strategy.takeVMSnapshot(second);

        assertEquals("BEST_EFFORT", sent.get(1).getPolicy());
        assertEquals(Long.valueOf(first.id), second.parent);
        assertFalse(first.current);
        assertTrue(second.current);
    }

    @Test
    public void takeOfAStoppedVmSnapshotsDirectlyWithoutTheAgent() throws Exception {
        vm.state = VirtualMachine.State.Stopped;
        Entities.VmSnap snapshot = allocate();

        strategy.takeVMSnapshot(snapshot);

        verify(agentManager, never()).send(anyLong(), any(Command.class));
        assertEquals(VMSnapshot.State.Ready, snapshot.state);
        assertEquals(3, arraySnapshotCount());
        assertEquals("VM_NOT_RUNNING", db.vmSnapshotDetailRows.get(snapshot.id).get(ElastiStorPool.SNAPSHOT_CONSISTENCY));
    }

    @Test
    public void aFailureAtEachVolumeIndexLeavesNoSnapshotAndAnErrorState() {
        for (VirtualMachine.State state : Arrays.asList(VirtualMachine.State.Stopped, VirtualMachine.State.Running)) {
            vm.state = state;
            for (int failing = 0; failing < volumes.size(); failing++) {
                ec1.faults().clear();
                if (failing > 0) {
                    ec1.faults().inject("createStorageSnapshot", Fault.latency(Duration.ZERO).times(failing));
                }
                ec1.faults().inject("createStorageSnapshot", Fault.error(530, "pool is busy").times(1));
                Entities.VmSnap snapshot = allocate();
                try {
                    strategy.takeVMSnapshot(snapshot);
                    fail(state + ", failing volume #" + failing);
                } catch (CloudRuntimeException e) {
                    assertTrue(e.getMessage(), e.getMessage().contains("pool is busy") || e.getMessage().contains("SNAPSHOT_FAILED"));
                }
                assertEquals(state + ", failing volume #" + failing, VMSnapshot.State.Error, snapshot.state);
                assertEquals(state + ", failing volume #" + failing, 0, arraySnapshotCount());
                java.util.Map<String, String> details = db.detailsOf(db.vmSnapshotDetailRows, snapshot.id);
                assertEquals("no snapshot mapped, only why it failed", java.util.Collections.singleton(ElastiStorPool.SNAPSHOT_FAILURE),
                        details.keySet());
                assertTrue(details.get(ElastiStorPool.SNAPSHOT_FAILURE).startsWith("ElastiStor VM snapshot "));
                assertFalse(guest.isFrozen());
            }
        }
    }

    @Test
    public void takeAndRevertAreRefusedWhileAPoolOfTheVmIsInMaintenance() {
        vm.state = VirtualMachine.State.Stopped;
        Entities.VmSnap taken = allocate();
        strategy.takeVMSnapshot(taken);
        db.pools.get(POOL).inMaintenance = true;
        int before = arraySnapshotCount();
        Entities.VmSnap refused = allocate();
        for (Runnable operation : Arrays.<Runnable>asList(() -> strategy.takeVMSnapshot(refused), () -> strategy.revertVMSnapshot(taken))) {
            try {
                operation.run();
                fail();
            } catch (CloudRuntimeException e) {
                assertTrue(e.getMessage(), e.getMessage().contains("is in maintenance"));
            }
        }
        assertEquals(before, arraySnapshotCount());
        assertFalse(ec1.requestLog().commands().contains("rollbackToSnapshot"));
        assertEquals(VMSnapshot.State.Allocated, refused.state);
    }

    @Test
    public void revertRollsEveryVolumeBackAndNeedsAStoppedVm() {
        Entities.VmSnap snapshot = allocate();
        strategy.takeVMSnapshot(snapshot);
        try {
            strategy.revertVMSnapshot(snapshot);
            fail("CloudStack stops the VM first; a running VM is refused");
        } catch (CloudRuntimeException e) {
            assertTrue(e.getMessage(), e.getMessage().contains("Stop VM"));
        }
        vm.state = VirtualMachine.State.Stopped;
        db.vmSnapshotTransitions.clear();

        assertTrue(strategy.revertVMSnapshot(snapshot));

        assertEquals(Arrays.asList(snapshot.id + ":RevertRequested:Ready->Reverting", snapshot.id + ":OperationSucceeded:Reverting->Ready"),
                db.vmSnapshotTransitions);
        assertTrue(ec1.requestLog().commands().stream().filter("rollbackToSnapshot"::equals).count() == 3);
    }

    @Test
    public void revertRefusesBeforeTouchingAnyVolumeWhenItWouldDestroyNewerSnapshots() {
        vm.state = VirtualMachine.State.Stopped;
        Entities.VmSnap older = allocate();
        strategy.takeVMSnapshot(older);
        Entities.VmSnap newer = allocate();
        strategy.takeVMSnapshot(newer);
        try {
            strategy.revertVMSnapshot(older);
            fail();
        } catch (CloudRuntimeException e) {
            assertTrue(e.getMessage(), e.getMessage().contains(VmSnapshotVolume.arraySnapshotName(newer.getUuid(), 11)));
            assertTrue(e.getMessage(), e.getMessage().contains("no volume was changed"));
        }
        assertEquals(VMSnapshot.State.Ready, older.state);
        assertEquals(6, arraySnapshotCount());
        assertFalse(ec1.requestLog().commands().contains("rollbackToSnapshot"));
    }

    @Test
    public void aRevertFailingAtTheSecondVolumeReportsBothSidesAndARetryCompletes() {
        vm.state = VirtualMachine.State.Stopped;
        Entities.VmSnap snapshot = allocate();
        strategy.takeVMSnapshot(snapshot);
        ec1.faults().inject("rollbackToSnapshot", Fault.latency(Duration.ZERO).times(1));
        ec1.faults().inject("rollbackToSnapshot", Fault.error(530, "volume busy").times(1));
        try {
            strategy.revertVMSnapshot(snapshot);
            fail();
        } catch (CloudRuntimeException e) {
            assertTrue(e.getMessage(), e.getMessage().contains("reverted [volume 11") && e.getMessage().contains("not reverted [volume 12"));
        }
        assertEquals("Reverting -> Ready on failure", VMSnapshot.State.Ready, snapshot.state);
        assertTrue(strategy.revertVMSnapshot(snapshot));
    }

    @Test
    public void deleteRemovesEveryArraySnapshotAndTheRecords() {
        Entities.VmSnap snapshot = allocate();
        strategy.takeVMSnapshot(snapshot);
        db.vmSnapshotTransitions.clear();

        assertTrue(strategy.deleteVMSnapshot(snapshot));

        assertEquals(0, arraySnapshotCount());
        assertTrue(snapshot.removed);
        assertTrue(db.detailsOf(db.vmSnapshotDetailRows, snapshot.id).isEmpty());
        assertEquals(Collections.singletonList(snapshot.id + ":ExpungeRequested:Ready->Expunging"), db.vmSnapshotTransitions);
    }

    @Test
    public void aDeleteFailingAtTheSecondVolumeKeepsTheRestRecordedAndARetryFromErrorCompletes() {
        Entities.VmSnap snapshot = allocate();
        strategy.takeVMSnapshot(snapshot);
        ec1.faults().inject("deleteSnapshot", Fault.latency(Duration.ZERO).times(1));
        ec1.faults().inject("deleteSnapshot", Fault.error(530, "dataset is busy").times(1));
        try {
            strategy.deleteVMSnapshot(snapshot);
            fail();
        } catch (CloudRuntimeException e) {
            assertTrue(e.getMessage(), e.getMessage().contains("deleted [volume 11") && e.getMessage().contains("dataset is busy"));
        }
        assertEquals(VMSnapshot.State.Error, snapshot.state);
        assertEquals(2, arraySnapshotCount());
        assertFalse(db.vmSnapshotDetailRows.get(snapshot.id).containsKey(ElastiStorPool.VM_SNAPSHOT_VOLUME_PREFIX + 11));
        assertEquals(StrategyPriority.HIGHEST, strategy.canHandle(snapshot));

        assertTrue(strategy.deleteVMSnapshot(snapshot));
        assertEquals(0, arraySnapshotCount());
        assertTrue(snapshot.removed);
    }

    @Test
    public void aCloneBlocksTheDeleteBeforeAnythingIsDeleted() {
        Entities.VmSnap snapshot = allocate();
        strategy.takeVMSnapshot(snapshot);
        Entities.Vol second = volumes.get(1);
        String path = pools.simulator(POOL).snapshotPaths(second.folder).get(0);
        pools.arrays.client(POOL).cloneDatasetSnapshot(second.folder, path, "clone12");
        try {
            strategy.deleteVMSnapshot(snapshot);
            fail();
        } catch (CloudRuntimeException e) {
            assertTrue(e.getMessage(), e.getMessage().contains("clones") && e.getMessage().contains("nothing was deleted"));
        }
        assertEquals(3, arraySnapshotCount());
    }

    @Test
    public void anErrorStateVmSnapshotWithoutArraySnapshotsIsDeletable() {
        Entities.VmSnap failed = allocate();
        failed.state = VMSnapshot.State.Error;
        assertTrue(strategy.deleteVMSnapshot(failed));
        assertTrue(failed.removed);
    }

    @Test
    public void vmsOnTwoElastiCentersSnapshotOnTheirOwnArrays() {
        db.vm(22L, VirtualMachine.State.Running, HOST);
        Entities.Vol onEc2 = volumeOn(15, OTHER_EC_POOL, 22L);
        Entities.VmSnap first = allocate();
        Entities.VmSnap second = db.vmSnapshot(nextVmSnapshotId++, 22L);

        strategy.takeVMSnapshot(first);
        strategy.takeVMSnapshot(second);

        assertEquals(ec1.baseUrl().toString(), sent.get(0).getEndpoint().getUrl());
        assertEquals(ec2.baseUrl().toString(), sent.get(1).getEndpoint().getUrl());
        assertEquals(1, ec2.snapshotPaths(onEc2.folder).size());
        assertEquals(4, arraySnapshotCount());
    }
}
