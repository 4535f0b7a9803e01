// Licensed under the Apache License, Version 2.0. See LICENSE in the project root.
package io.elastisnap.cloudstack.pool;

import static org.mockito.ArgumentMatchers.any;
import static org.mockito.ArgumentMatchers.anyLong;
import static org.mockito.ArgumentMatchers.anyString;
import static org.mockito.ArgumentMatchers.eq;
import static org.mockito.Mockito.doAnswer;
import static org.mockito.Mockito.mock;
import static org.mockito.Mockito.when;

import java.nio.file.Path;
import java.util.Collections;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;

import org.apache.cloudstack.engine.subsystem.api.storage.DataStore;
import org.apache.cloudstack.engine.subsystem.api.storage.ObjectInDataStoreStateMachine;
import org.apache.cloudstack.engine.subsystem.api.storage.SnapshotInfo;
import org.apache.cloudstack.engine.subsystem.api.storage.SnapshotService;
import org.apache.cloudstack.engine.subsystem.api.storage.VolumeInfo;
import org.apache.cloudstack.framework.config.dao.ConfigurationDao;
import org.apache.cloudstack.storage.datastore.db.SnapshotDataStoreDao;

import com.cloud.agent.AgentManager;
import com.cloud.agent.api.Answer;
import com.cloud.agent.api.Command;
import com.cloud.exception.OperationTimedoutException;
import com.cloud.host.HostVO;
import com.cloud.host.dao.HostDao;
import com.cloud.hypervisor.Hypervisor.HypervisorType;
import com.cloud.hypervisor.kvm.resource.LibvirtComputingResource;
import com.cloud.hypervisor.kvm.resource.wrapper.ElastiSnapRestorePoolVolumeCommandWrapper;
import com.cloud.hypervisor.kvm.resource.wrapper.ElastiSnapTakePoolSnapshotCommandWrapper;
import com.cloud.hypervisor.kvm.resource.wrapper.LibvirtUtilitiesHelper;
import com.cloud.hypervisor.kvm.storage.KVMStoragePool;
import com.cloud.hypervisor.kvm.storage.KVMStoragePoolManager;
import com.cloud.storage.Snapshot;
import com.cloud.storage.Storage.StoragePoolType;
import com.cloud.vm.VirtualMachine;
import com.google.gson.Gson;

import io.elastisnap.cloudstack.agent.AgentSnapshotRuntime;
import io.elastisnap.cloudstack.agent.EngineSnapshotRunner;
import io.elastisnap.cloudstack.command.RestorePoolVolumeCommand;
import io.elastisnap.cloudstack.command.TakePoolSnapshotCommand;
import io.elastisnap.cloudstack.elasticenter.ElastiCenterClients;
import io.elastisnap.cloudstack.snapshot.SkippedPostProcessing;
import io.elastisnap.cloudstack.testsupport.Entities;
import io.elastisnap.cloudstack.testsupport.FakeDb;
import io.elastisnap.cloudstack.testsupport.ScriptedGuest;
import io.elastisnap.cloudstack.testsupport.SimulatedPools;
import io.elastisnap.cloudstack.testsupport.Wiring;
import io.elastisnap.engine.journal.FreezeJournal;
import io.elastisnap.engine.pool.CloneHost;
import io.elastisnap.engine.pool.PoolFlusher;
import io.elastisnap.engine.pool.PoolSnapshotLedger;
import io.elastisnap.simulator.ElastiCenterSimulator;

/**
 * A SharedMountPoint pool of a KVM cluster whose file system is on one volume of a simulated ElastiCenter, the adoption,
 * pool-snapshot and strategy beans over Mockito DAOs, and every agent command run by the real KVM wrapper and engine
 * (a scripted guest stands in for libvirt; {@code mountPoint} stands in for the host's mount of the pool) behind a fake
 * AgentManager that serializes each command as CloudStack does.
 */
final class AdoptedPoolTestBed implements AutoCloseable {
    static final long POOL = 5L;
    static final long VM = 21L;
    static final long HOST = 31L;
    static final String API_KEY = "adopted-pool-key-0123456789";

    final FakeDb db = new FakeDb();
    final SimulatedPools pools = new SimulatedPools(db);
    final ElastiCenterSimulator ec;
    final ScriptedGuest guest = new ScriptedGuest();
    final Entities.Pool pool;
    final Entities.Vm vm;
    final Path mountPoint;
    final PoolSnapshotLedger agentLedger;
    final Map<String, String> configuration = new HashMap<>();
    /** The host runs each command, but its answer never reaches the management server (a dead agent link, a timeout). */
    volatile boolean answersLost;
    /** The pool types the agent's wrappers looked the pool up by, in order. */
    final List<StoragePoolType> askedForType = new CopyOnWriteArrayList<>();
    /** Mount points the host flushed (syncfs), in order. */
    final List<Path> flushes = new CopyOnWriteArrayList<>();
    final Map<Long, ObjectInDataStoreStateMachine.State> refs = new HashMap<>();
    final AdoptedPools adoptedPools;
    final PoolFileSnapshotStrategy strategy;
    final PoolVmSnapshotStrategy vmStrategy;
    final PoolSnapshotDataMotionStrategy dataMotion;
    private final ElastiCenterClients agentClients = new ElastiCenterClients();
    private final DataStore store = mock(DataStore.class);

    AdoptedPoolTestBed(Path workDirectory, Path mountPoint, CloneHost cloneHost) {
        this.mountPoint = mountPoint;
        ec = ElastiCenterSimulator.builder().dataDirectory(workDirectory.resolve("array")).apiKey(API_KEY).start();
        pool = db.pool(POOL, "DefaultPrimary");
        pool.type = StoragePoolType.SharedMountPoint;
        vm = db.vm(VM, VirtualMachine.State.Running, HOST);
        agentLedger = new PoolSnapshotLedger(workDirectory.resolve("agent-ledger"));
        AgentSnapshotRuntime.install(new EngineSnapshotRunner(guest, new FreezeJournal(workDirectory.resolve("journal")), agentClients,
                agentLedger, (mount, timeout) -> {
                    flushes.add(mount);
                    PoolFlusher.SYNCFS.flush(mount, timeout);
                }, () -> cloneHost));
        configuration.put(PoolFileSnapshotStrategy.BACKUP_TO_SECONDARY, "false");
        ConfigurationDao configurationDao = mock(ConfigurationDao.class);
        when(configurationDao.getValue(anyString())).thenAnswer(i -> configuration.get(i.getArgument(0)));
        HostDao hostDao = mock(HostDao.class);
        HostVO host = mock(HostVO.class);
        when(host.getId()).thenReturn(HOST);
        when(host.getName()).thenReturn("kvm1");
        when(host.getClusterId()).thenReturn(Entities.CLUSTER);
        when(hostDao.listAllHostsUpByZoneAndHypervisor(anyLong(), eq(HypervisorType.KVM))).thenReturn(Collections.singletonList(host));
        SnapshotDataStoreDao snapshotStoreDao = mock(SnapshotDataStoreDao.class);
        when(snapshotStoreDao.listBySnapshotAndDataStoreRole(anyLong(), any())).thenReturn(Collections.emptyList());

        adoptedPools = Wiring.inject(new AdoptedPools(), db.poolDao, db.poolDetails, db.snapshotDao, db.snapshotDetails, pools.arrays,
                pools.settings, pools.locks);
        PoolSnapshots poolSnapshots = Wiring.inject(new PoolSnapshots(), agentManager(), pools.arrays, pools.settings, hostDao,
                db.poolDao);
        strategy = Wiring.inject(new PoolFileSnapshotStrategy(), adoptedPools, poolSnapshots, db.snapshotDao, db.snapshotDetails,
                snapshotStoreDao, snapshotService(), db.volumeDao, db.vmDao, configurationDao, pools.arrays, pools.locks,
                mock(SkippedPostProcessing.class));
        vmStrategy = Wiring.inject(new PoolVmSnapshotStrategy(), adoptedPools, poolSnapshots, db.vmSnapshotHelper, db.vmSnapshotDao,
                db.vmSnapshotDetails, db.volumeDao, db.vmDao, pools.arrays, pools.locks);
        dataMotion = Wiring.inject(new PoolSnapshotDataMotionStrategy(), db.snapshotDetails, adoptedPools, poolSnapshots);
        when(store.getId()).thenReturn(POOL);
    }

    /** The wire: Gson copies of each command reach the real wrappers on a host that has the pool at {@link #mountPoint}. */
    private AgentManager agentManager() {
        LibvirtComputingResource host = mock(LibvirtComputingResource.class);
        when(host.getLibvirtUtilitiesHelper()).thenReturn(mock(LibvirtUtilitiesHelper.class));
        KVMStoragePoolManager storagePools = mock(KVMStoragePoolManager.class);
        KVMStoragePool mounted = mock(KVMStoragePool.class);
        when(mounted.getLocalPath()).thenReturn(mountPoint.toString());
        // the agent looks the pool up by the type CloudStack has for it (an NFS pool is mounted at /mnt/<uuid> there)
        when(storagePools.getStoragePool(any(StoragePoolType.class), eq(pool.getUuid()))).thenAnswer(i -> {
            askedForType.add(i.getArgument(0));
            return mounted;
        });
        when(host.getStoragePoolMgr()).thenReturn(storagePools);
        AgentManager agentManager = mock(AgentManager.class);
        Gson gson = new Gson();
        try {
            when(agentManager.send(anyLong(), any(Command.class))).thenAnswer(i -> {
                Command command = i.getArgument(1);
                Answer answer = command instanceof TakePoolSnapshotCommand
                        ? new ElastiSnapTakePoolSnapshotCommandWrapper().execute(
                                gson.fromJson(gson.toJson(command), TakePoolSnapshotCommand.class), host)
                        : new ElastiSnapRestorePoolVolumeCommandWrapper().execute(
                                gson.fromJson(gson.toJson(command), RestorePoolVolumeCommand.class), host);
                if (answersLost) {
                    throw new OperationTimedoutException(new Command[] {command}, i.getArgument(0), 1L, command.getWait(), false);
                }
                return answer;
            });
        } catch (Exception e) {
            throw new AssertionError(e);
        }
        return agentManager;
    }

    AdoptedPool adopt(String volumeId) {
        return adoptedPools.adopt(pool.getUuid(), ec.baseUrl().toString(), "sha256:" + ec.certificateSha256(), API_KEY, volumeId);
    }

    /** A volume of the VM whose disk is {@code file} on the pool. */
    Entities.Vol volume(long id, String file) {
        Entities.Vol volume = db.volume(id, POOL, VM);
        volume.path = file;
        return volume;
    }

    VolumeInfo volumeInfo(Entities.Vol volume) {
        VolumeInfo info = mock(VolumeInfo.class);
        when(info.getId()).thenReturn(volume.id);
        when(info.getUuid()).thenReturn(volume.uuid);
        when(info.getPoolId()).thenAnswer(i -> volume.poolId);
        when(info.getDataStore()).thenReturn(store);
        when(info.getSize()).thenAnswer(i -> volume.size);
        when(info.stateTransit(any())).thenReturn(true);
        return info;
    }

    private SnapshotService snapshotService() {
        SnapshotService service = mock(SnapshotService.class);
        doAnswer(i -> {
            SnapshotInfo info = i.getArgument(0);
            Entities.Snap row = db.snapshots.get(info.getId());
            String key = row.state + ":" + i.getArgument(1);
            switch (key) {
                case "Allocated:CreateRequested":
                    row.state = Snapshot.State.Creating;
                    break;
                case "Creating:OperationSucceeded":
                    row.state = Snapshot.State.CreatedOnPrimary;
                    break;
                case "Creating:OperationFailed":
                    row.state = Snapshot.State.Error;
                    break;
                default:
                    throw new AssertionError("CloudStack has no snapshot transition " + key);
            }
            return null;
        }).when(service).processEventOnSnapshotObject(any(), any());
        return service;
    }

    SnapshotInfo snapshotOf(Entities.Vol volume, long snapshotId) {
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
            refs.put(snapshotId, next(refs.get(snapshotId), i.getArgument(0)));
            return null;
        }).when(snapshot).processEvent(any(ObjectInDataStoreStateMachine.Event.class));
        doAnswer(i -> {
            refs.put(snapshotId, next(refs.get(snapshotId), i.getArgument(0)));
            return null;
        }).when(snapshot).processEvent(any(ObjectInDataStoreStateMachine.Event.class), any());
        return snapshot;
    }

    private static ObjectInDataStoreStateMachine.State next(ObjectInDataStoreStateMachine.State from,
            ObjectInDataStoreStateMachine.Event event) {
        String key = from + ":" + event;
        switch (key) {
            case "Allocated:CreateOnlyRequested":
                return ObjectInDataStoreStateMachine.State.Creating;
            case "Creating:OperationSuccessed":
                return ObjectInDataStoreStateMachine.State.Ready;
            case "Creating:OperationFailed":
                return ObjectInDataStoreStateMachine.State.Allocated;
            default:
                throw new AssertionError("CloudStack has no snapshot_store_ref transition " + key);
        }
    }

    @Override
    public void close() {
        agentClients.close();
        pools.close();
        ec.close();
    }
}
