// Licensed under the Apache License, Version 2.0. See LICENSE in the project root.
package io.elastisnap.cloudstack.integration;

import static org.junit.Assert.assertArrayEquals;
import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertFalse;
import static org.junit.Assert.assertNull;
import static org.junit.Assert.assertTrue;
import static org.junit.Assert.fail;
import static org.mockito.ArgumentMatchers.any;
import static org.mockito.ArgumentMatchers.anyLong;
import static org.mockito.ArgumentMatchers.eq;
import static org.mockito.Mockito.doAnswer;
import static org.mockito.Mockito.mock;
import static org.mockito.Mockito.when;

import java.io.IOException;
import java.io.RandomAccessFile;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.time.Duration;
import java.util.Arrays;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.stream.Collectors;

import org.apache.cloudstack.engine.subsystem.api.storage.CopyCommandResult;
import org.apache.cloudstack.engine.subsystem.api.storage.CreateCmdResult;
import org.apache.cloudstack.engine.subsystem.api.storage.DataStore;
import org.apache.cloudstack.engine.subsystem.api.storage.DataStoreManager;
import org.apache.cloudstack.engine.subsystem.api.storage.ObjectInDataStoreStateMachine;
import org.apache.cloudstack.engine.subsystem.api.storage.SnapshotInfo;
import org.apache.cloudstack.engine.subsystem.api.storage.SnapshotService;
import org.apache.cloudstack.engine.subsystem.api.storage.StrategyPriority;
import org.apache.cloudstack.engine.subsystem.api.storage.TemplateInfo;
import org.apache.cloudstack.engine.subsystem.api.storage.VolumeInfo;
import org.apache.cloudstack.storage.command.CopyCmdAnswer;
import org.apache.cloudstack.storage.datastore.db.SnapshotDataStoreDao;
import org.apache.cloudstack.storage.datastore.db.SnapshotDataStoreVO;
import org.apache.cloudstack.storage.to.SnapshotObjectTO;
import org.junit.After;
import org.junit.Before;
import org.junit.Rule;
import org.junit.Test;
import org.junit.rules.TemporaryFolder;

import com.cloud.agent.AgentManager;
import com.cloud.agent.api.Answer;
import com.cloud.agent.api.Command;
import com.cloud.agent.api.to.DataObjectType;
import com.cloud.exception.OperationTimedoutException;
import com.cloud.host.HostVO;
import com.cloud.host.dao.HostDao;
import com.cloud.hypervisor.Hypervisor.HypervisorType;
import com.cloud.hypervisor.kvm.resource.LibvirtComputingResource;
import com.cloud.hypervisor.kvm.resource.wrapper.ElastiSnapBackupSnapshotToSecondaryCommandWrapper;
import com.cloud.hypervisor.kvm.resource.wrapper.ElastiSnapDeleteSnapshotBackupCommandWrapper;
import com.cloud.hypervisor.kvm.resource.wrapper.ElastiSnapRestoreSnapshotBackupCommandWrapper;
import com.cloud.hypervisor.kvm.resource.wrapper.ElastiSnapVerifySnapshotBackupCommandWrapper;
import com.cloud.hypervisor.kvm.storage.KVMStoragePool;
import com.cloud.hypervisor.kvm.storage.KVMStoragePoolManager;
import com.cloud.storage.DataStoreRole;
import com.cloud.storage.Snapshot;
import com.cloud.utils.exception.CloudRuntimeException;
import com.cloud.vm.VirtualMachine;
import com.google.gson.Gson;

import io.elastisnap.cloudstack.ElastiStorPool;
import io.elastisnap.cloudstack.agent.SnapshotBackupRunner;
import io.elastisnap.cloudstack.agent.SnapshotBackupRuntime;
import io.elastisnap.cloudstack.backup.SecondaryStorageBackups;
import io.elastisnap.cloudstack.cluster.ClusterLocks;
import io.elastisnap.cloudstack.command.BackupSnapshotToSecondaryCommand;
import io.elastisnap.cloudstack.command.DeleteSnapshotBackupCommand;
import io.elastisnap.cloudstack.command.IscsiLun;
import io.elastisnap.cloudstack.command.RestoreSnapshotBackupCommand;
import io.elastisnap.cloudstack.command.SnapshotBackupCommand;
import io.elastisnap.cloudstack.command.VerifySnapshotBackupCommand;
import io.elastisnap.cloudstack.driver.ElastiStorDataMotionStrategy;
import io.elastisnap.cloudstack.driver.ElastiStorPrimaryDataStoreDriver;
import io.elastisnap.cloudstack.reconcile.ElastiStorReconciler;
import io.elastisnap.cloudstack.record.VolumeSnapshotRecord;
import io.elastisnap.cloudstack.snapshot.ConsistentSnapshotTaker;
import io.elastisnap.cloudstack.snapshot.ElastiStorSnapshotStrategy;
import io.elastisnap.cloudstack.snapshot.SkippedPostProcessing;
import io.elastisnap.cloudstack.testsupport.Entities;
import io.elastisnap.cloudstack.testsupport.FakeDb;
import io.elastisnap.cloudstack.testsupport.RecordingCallback;
import io.elastisnap.cloudstack.testsupport.SimulatedPools;
import io.elastisnap.cloudstack.testsupport.Wiring;
import io.elastisnap.simulator.ElastiCenterSimulator;
import io.elastisnap.simulator.Fault;
import io.elastisnap.transfer.DataLocation;
import io.elastisnap.transfer.QemuImg;
import io.elastisnap.transfer.SnapshotImageWriter;

/**
 * The volume-snapshot lifecycle with CloudStack's default snapshot.backup.to.secondary=true. Management side: the real
 * strategy and backup service over Mockito doubles of CloudStack's DAOs, store objects and state machines. Host side: the
 * real KVM wrappers and runner with the real qemu-img, behind a fake AgentManager that serializes each command as
 * CloudStack does. The array is the simulator with real image files. Two stand-ins, said plainly: secondary storage is
 * a directory standing for the NFS mount (the wrappers get it from a mocked KVMStoragePoolManager), and the LUN of a
 * clone or volume is opened as the simulator's image file instead of over iSCSI (this kernel has no initiator;
 * QEMU's own one takes the same {@code iscsi://} URL on a KVM host).
 */
public class BackupToSecondaryLifecycleTest {
    private static final long POOL = 1L;
    private static final long VM = 21L;
    private static final long HOST = 31L;
    private static final long IMAGE_STORE = 5L;
    private static final long ACCOUNT = 2L;
    private static final String NFS_URL = "nfs://10.0.0.9/export/secondary";
    private static final long DATA_OFFSET = 1L << 20;

    @Rule
    public TemporaryFolder temp = new TemporaryFolder();

    protected FakeDb db;
    protected SimulatedPools pools;
    protected ElastiCenterSimulator ec;
    private Path secondary;
    private ElastiStorPrimaryDataStoreDriver driver;
    protected ElastiStorSnapshotStrategy strategy;
    private ElastiStorDataMotionStrategy dataMotion;
    private Entities.Vm vm;
    protected Entities.Vol volume;
    private DataStore primaryStore;
    private DataStore imageStore;
    protected byte[] written;
    /** Image-role snapshot_store_ref rows by snapshot id, and Primary-role ones. */
    private final Map<Long, Ref> imageRefs = new LinkedHashMap<>();
    private final Map<Long, Ref> primaryRefs = new LinkedHashMap<>();
    /** What the fake agent manager does before delivering a command; tests replace it to inject host faults. */
    protected AgentHook hook = command -> { };

    interface AgentHook {
        void before(Command command) throws OperationTimedoutException, IOException;
    }

    /** A snapshot_store_ref row. */
    static final class Ref {
        final long id;
        ObjectInDataStoreStateMachine.State state = ObjectInDataStoreStateMachine.State.Allocated;
        String installPath;
        long physicalSize;

        Ref(long id) {
            this.id = id;
        }
    }

    @Before
    public void setUp() throws Exception {
        db = new FakeDb();
        pools = new SimulatedPools(db);
        ec = pools.add(POOL, array(temp.newFolder("array").toPath()));
        secondary = temp.newFolder("secondary-nfs-mount").toPath();
        SnapshotBackupRuntime.install(new SnapshotBackupRunner(QemuImg.standard(), this::lunLocation));

        primaryStore = mock(DataStore.class);
        when(primaryStore.getId()).thenReturn(POOL);
        when(primaryStore.getName()).thenReturn("es1");
        imageStore = mock(DataStore.class);
        when(imageStore.getId()).thenReturn(IMAGE_STORE);
        when(imageStore.getName()).thenReturn("nfs-secondary");
        when(imageStore.getUri()).thenReturn(NFS_URL);
        when(imageStore.getRole()).thenReturn(DataStoreRole.Image);
        doAnswer(i -> imageRefs.remove(((SnapshotInfo) i.getArgument(0)).getId()) != null).when(imageStore).delete(any());
        DataStoreManager stores = mock(DataStoreManager.class);
        when(stores.getImageStoreWithFreeCapacity(Entities.ZONE)).thenReturn(imageStore);
        when(stores.getDataStore(IMAGE_STORE, DataStoreRole.Image)).thenReturn(imageStore);
        when(stores.getStoreZoneId(IMAGE_STORE, DataStoreRole.Image)).thenReturn(Entities.ZONE);

        HostVO host = mock(HostVO.class);
        when(host.getId()).thenReturn(HOST);
        when(host.getName()).thenReturn("kvm-1");
        when(host.getClusterId()).thenReturn(Entities.CLUSTER);
        HostDao hosts = mock(HostDao.class);
        when(hosts.listAllHostsUpByZoneAndHypervisor(Entities.ZONE, HypervisorType.KVM)).thenReturn(Collections.singletonList(host));

        driver = Wiring.inject(new ElastiStorPrimaryDataStoreDriver(), pools.arrays, pools.locks, db.volumeDao, db.volumeDetails, db.snapshotDetails,
                db.poolDao, db.poolDetails, db.vmDao, db.owners);
        SecondaryStorageBackups backups = Wiring.inject(new SecondaryStorageBackups(), stores, storeRefs(), db.snapshotDetails, db.poolDao,
                db.poolDetails, hosts, agentManager(), pools.arrays, pools.settings, pools.locks);
        ConsistentSnapshotTaker taker = new ConsistentSnapshotTaker(mock(AgentManager.class), pools.arrays, pools.settings);
        dataMotion = Wiring.inject(new ElastiStorDataMotionStrategy(), db.poolDao, db.snapshotDetails, pools.arrays, driver, db.volumeDao,
                backups);
        strategy = Wiring.inject(new ElastiStorSnapshotStrategy(), db.snapshotDao, db.volumeDao, db.poolDao, storeRefs(), db.snapshotDetails,
                snapshotService(), db.vmDao, pools.arrays, taker, backups, pools.settings, pools.locks, db.owners,
                mock(SkippedPostProcessing.class));

        vm = db.vm(VM, VirtualMachine.State.Stopped, HOST);
        volume = db.volume(11, null, VM);
        volume.size = 64L << 20;
        RecordingCallback<CreateCmdResult> created = new RecordingCallback<>();
        driver.createAsync(primaryStore, volumeInfo(volume), created);
        assertTrue(created.single().getResult(), created.single().isSuccess());
        written = new byte[4 << 20];
        new Random(11).nextBytes(written);
        writeVolume(written);
    }

    @After
    public void tearDown() {
        pools.close();
    }

    /** The fake AgentManager: Gson round trip (the wire), then the real wrapper on a host whose pool manager mounts a directory. */
    private AgentManager agentManager() throws Exception {
        KVMStoragePool mounted = mock(KVMStoragePool.class);
        when(mounted.getLocalPath()).thenReturn(secondary.toString());
        KVMStoragePoolManager poolManager = mock(KVMStoragePoolManager.class);
        when(poolManager.getStoragePoolByURI(NFS_URL)).thenReturn(mounted);
        LibvirtComputingResource resource = mock(LibvirtComputingResource.class);
        when(resource.getStoragePoolMgr()).thenReturn(poolManager);
        AgentManager agents = mock(AgentManager.class);
        Gson gson = new Gson();
        when(agents.send(eq(HOST), any(Command.class))).thenAnswer(i -> {
            Command sent = i.getArgument(1);
            hook.before(sent);
            Command received = gson.fromJson(gson.toJson(sent), sent.getClass());
            Answer answer;
            if (received instanceof BackupSnapshotToSecondaryCommand) {
                answer = new ElastiSnapBackupSnapshotToSecondaryCommandWrapper().execute((BackupSnapshotToSecondaryCommand) received, resource);
            } else if (received instanceof VerifySnapshotBackupCommand) {
                answer = new ElastiSnapVerifySnapshotBackupCommandWrapper().execute((VerifySnapshotBackupCommand) received, resource);
            } else if (received instanceof RestoreSnapshotBackupCommand) {
                answer = new ElastiSnapRestoreSnapshotBackupCommandWrapper().execute((RestoreSnapshotBackupCommand) received, resource);
            } else {
                answer = new ElastiSnapDeleteSnapshotBackupCommandWrapper().execute((DeleteSnapshotBackupCommand) received, resource);
            }
            return gson.fromJson(gson.toJson(answer), answer.getClass());
        });
        return agents;
    }

    /** The array: the simulator with real image files. */
    protected ElastiCenterSimulator.Builder array(Path dataDirectory) {
        return ElastiCenterSimulator.builder().dataDirectory(dataDirectory);
    }

    /** How the host opens a LUN. Stand-in here: the simulator's image file of the volume or clone with that target name. */
    protected DataLocation lunLocation(IscsiLun lun) {
        String id = pools.arrays.client(POOL).listFileSystems(null).stream()
                .filter(f -> f.iqn().map(lun.getIqn()::equals).orElse(false)).findFirst()
                .orElseThrow(() -> new IllegalStateException("no ElastiStor volume has target " + lun.getIqn())).id();
        return DataLocation.path(ec.volume(id).get().imagePath());
    }

    private SnapshotDataStoreDao storeRefs() {
        SnapshotDataStoreDao dao = mock(SnapshotDataStoreDao.class);
        when(dao.listBySnapshotAndDataStoreRole(anyLong(), any())).thenAnswer(i -> {
            Map<Long, Ref> table = i.getArgument(1) == DataStoreRole.Image ? imageRefs : primaryRefs;
            Ref ref = table.get((Long) i.getArgument(0));
            return ref == null ? Collections.emptyList() : Collections.singletonList(row(ref));
        });
        when(dao.remove(anyLong())).thenAnswer(i -> {
            long id = i.getArgument(0);
            return imageRefs.values().removeIf(r -> r.id == id) | primaryRefs.values().removeIf(r -> r.id == id);
        });
        return dao;
    }

    private static SnapshotDataStoreVO row(Ref ref) {
        SnapshotDataStoreVO vo = mock(SnapshotDataStoreVO.class);
        when(vo.getId()).thenReturn(ref.id);
        when(vo.getDataStoreId()).thenReturn(IMAGE_STORE);
        when(vo.getState()).thenReturn(ref.state);
        when(vo.getInstallPath()).thenReturn(ref.installPath);
        when(vo.getPhysicalSize()).thenReturn(ref.physicalSize);
        return vo;
    }

    private SnapshotService snapshotService() {
        SnapshotService service = mock(SnapshotService.class);
        doAnswer(i -> {
            Entities.Snap row = db.snapshots.get(((SnapshotInfo) i.getArgument(0)).getId());
            String key = row.state + ":" + i.getArgument(1);
            switch (key) {
                case "Allocated:CreateRequested": row.state = Snapshot.State.Creating; break;
                case "Creating:OperationSucceeded": row.state = Snapshot.State.CreatedOnPrimary; break;
                case "Creating:OperationFailed": row.state = Snapshot.State.Error; break;
                case "CreatedOnPrimary:BackupToSecondary": row.state = Snapshot.State.BackingUp; break;
                case "BackingUp:OperationSucceeded": row.state = Snapshot.State.BackedUp; break;
                case "BackingUp:OperationFailed": row.state = Snapshot.State.Error; break;
                default: throw new AssertionError("CloudStack has no snapshot transition " + key);
            }
            return null;
        }).when(service).processEventOnSnapshotObject(any(), any());
        return service;
    }

    private static void transit(Ref ref, ObjectInDataStoreStateMachine.Event event) {
        String key = ref.state + ":" + event;
        switch (key) {
            case "Allocated:CreateOnlyRequested": ref.state = ObjectInDataStoreStateMachine.State.Creating; break;
            case "Creating:OperationSuccessed": ref.state = ObjectInDataStoreStateMachine.State.Ready; break;
            case "Creating:OperationFailed": ref.state = ObjectInDataStoreStateMachine.State.Allocated; break;
            default: throw new AssertionError("CloudStack has no snapshot_store_ref transition " + key);
        }
    }

    private VolumeInfo volumeInfo(Entities.Vol vol) {
        VolumeInfo info = mock(VolumeInfo.class);
        when(info.getId()).thenReturn(vol.id);
        when(info.getUuid()).thenReturn(vol.uuid);
        when(info.getType()).thenReturn(DataObjectType.VOLUME);
        when(info.getSize()).thenAnswer(i -> vol.size);
        when(info.getPoolId()).thenAnswer(i -> vol.poolId);
        when(info.getDataStore()).thenReturn(primaryStore);
        when(info.stateTransit(any())).thenReturn(true);
        return info;
    }

    /** A snapshot as CloudStack hands it to the strategy, with its store objects over the ref tables. */
    private SnapshotInfo snapshot(long id) {
        Entities.Snap row = new Entities.Snap(id, volume.id, Snapshot.State.Allocated);
        row.uuid = "0000-snap-" + id;
        row.accountId = ACCOUNT;
        db.snapshots.put(id, row);
        SnapshotInfo onPrimary = storeObject(id, primaryRefs);
        SnapshotInfo onImage = storeObject(id, imageRefs);
        VolumeInfo base = volumeInfo(volume);
        when(onPrimary.getBaseVolume()).thenReturn(base);
        when(onPrimary.getDataStore()).thenReturn(primaryStore);
        when(primaryStore.create(onPrimary)).thenAnswer(i -> {
            primaryRefs.put(id, new Ref(100 + id));
            return onPrimary;
        });
        when(imageStore.create(onPrimary)).thenAnswer(i -> {
            Ref created = new Ref(200 + id);
            created.installPath = "snapshots/" + ACCOUNT + "/" + volume.id;
            imageRefs.put(id, created);
            return onImage;
        });
        return onPrimary;
    }

    private SnapshotInfo storeObject(long id, Map<Long, Ref> table) {
        SnapshotInfo info = mock(SnapshotInfo.class);
        when(info.getId()).thenReturn(id);
        when(info.getUuid()).thenReturn("0000-snap-" + id);
        when(info.getName()).thenReturn("snap-" + id);
        when(info.getVolumeId()).thenReturn(volume.id);
        when(info.getAccountId()).thenReturn(ACCOUNT);
        doAnswer(i -> {
            transit(table.get(id), i.getArgument(0));
            return null;
        }).when(info).processEvent(any(ObjectInDataStoreStateMachine.Event.class));
        doAnswer(i -> {
            Ref ref = table.get(id);
            Object answer = i.getArgument(1);
            if (answer instanceof CopyCmdAnswer) {
                SnapshotObjectTO to = (SnapshotObjectTO) ((CopyCmdAnswer) answer).getNewData();
                ref.installPath = to.getPath();
                ref.physicalSize = to.getPhysicalSize();
            }
            transit(ref, i.getArgument(0));
            return null;
        }).when(info).processEvent(any(ObjectInDataStoreStateMachine.Event.class), any());
        return info;
    }

    protected SnapshotInfo takeSnapshot(long id) {
        SnapshotInfo snapshot = snapshot(id);
        strategy.takeSnapshot(snapshot);
        assertEquals(Snapshot.State.CreatedOnPrimary, db.snapshots.get(id).state);
        return snapshot;
    }

    protected Path backupFile(long id) {
        return secondary.resolve("snapshots/" + ACCOUNT + "/" + volume.id + "/0000-snap-" + id);
    }

    private String arraySnapshotName(long id) {
        return VolumeSnapshotRecord.arraySnapshotName("0000-snap-" + id);
    }

    private Path volumeImage() {
        return ec.volume(volume.folder).get().imagePath();
    }

    protected void writeVolume(byte[] data) throws IOException {
        try (RandomAccessFile file = new RandomAccessFile(volumeImage().toFile(), "rw")) {
            file.seek(DATA_OFFSET);
            file.write(data);
        }
    }

    protected byte[] readVolume() throws IOException {
        return read(volumeImage());
    }

    private byte[] read(Path image) throws IOException {
        byte[] data = new byte[written.length];
        try (RandomAccessFile file = new RandomAccessFile(image.toFile(), "r")) {
            file.seek(DATA_OFFSET);
            file.readFully(data);
        }
        return data;
    }

    protected List<String> clonesOnArray() {
        return pools.arrays.client(POOL).listFileSystems(null).stream().map(f -> f.name()).filter(n -> n.startsWith("bk"))
                .collect(Collectors.toList());
    }

    private static int run(String... command) throws Exception {
        Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
        p.getInputStream().readAllBytes();
        return p.waitFor();
    }

    private void assertBackupFailedCleanly(long id, String partialExpected) {
        assertEquals("a failed backup is never BackedUp", Snapshot.State.CreatedOnPrimary, db.snapshots.get(id).state);
        assertNull("no image store ref is left", imageRefs.get(id));
        assertNull(db.snapshotDetailRows.get(id).get(ElastiStorPool.SNAPSHOT_BACKUP_SHA256));
        assertNull("the clone detail goes with the clone", db.snapshotDetailRows.get(id).get(ElastiStorPool.SNAPSHOT_BACKUP_CLONE));
        assertTrue("the temporary clone is deleted", clonesOnArray().isEmpty());
        assertTrue("the array snapshot stays usable", ec.snapshotPaths(volume.folder).stream().anyMatch(p -> p.endsWith(arraySnapshotName(id))));
        assertFalse("no file under the backup's name", Files.exists(backupFile(id)));
        assertEquals(partialExpected != null, Files.exists(SnapshotImageWriter.partialFile(backupFile(id))));
    }

    @Test
    public void theWholeLifecycleWithDefaultSettings() throws Exception {
        // TAKE, then BACKUP as SnapshotManagerImpl does with snapshot.backup.to.secondary=true.
        SnapshotInfo first = takeSnapshot(41);
        strategy.backupSnapshot(first);
        strategy.postSnapshotCreation(first);
        assertEquals(Snapshot.State.BackedUp, db.snapshots.get(41L).state);
        Ref ref = imageRefs.get(41L);
        assertEquals(ObjectInDataStoreStateMachine.State.Ready, ref.state);
        assertEquals("CloudStack's KVM layout", "snapshots/2/11/0000-snap-41", ref.installPath);
        Path file = backupFile(41);
        assertEquals(Files.size(file), ref.physicalSize);
        assertTrue("sparse: the 4 MiB written, not the 64 MiB volume", ref.physicalSize < (8L << 20));
        String sha = db.snapshotDetailRows.get(41L).get(ElastiStorPool.SNAPSHOT_BACKUP_SHA256);
        assertEquals(sha256(file), sha);
        assertEquals("a qcow2 of exactly the array snapshot", 0, run("qemu-img", "compare", "-q", "-f", "qcow2", "-F", "raw",
                file.toString(), ec.snapshotImagePath(volume.folder, arraySnapshotName(41)).toString()));
        assertTrue(clonesOnArray().isEmpty());
        assertEquals("the array snapshot is kept by default", 1, ec.snapshotPaths(volume.folder).size());

        // REVERT prefers the array snapshot.
        writeVolume(new byte[written.length]);
        assertTrue(strategy.revertSnapshot(first));
        assertEquals(1, ec.requestLog().count("rollbackToSnapshot"));

        // With the array snapshot deleted after backup, revert writes the backup into the volume.
        pools.settings.keepArraySnapshot = false;
        assertTrue(strategy.deleteSnapshot(41L, null));
        assertFalse("the backup goes with the snapshot", Files.exists(backupFile(41)));
        SnapshotInfo second = takeSnapshot(42);
        strategy.backupSnapshot(second);
        int lockEvents = pools.database.events().size();
        strategy.postSnapshotCreation(second);
        assertEquals(Snapshot.State.BackedUp, db.snapshots.get(42L).state);
        assertTrue("the array snapshot is gone", ec.snapshotPaths(volume.folder).isEmpty());
        assertEquals("deleted under the pool's cluster lock", Arrays.asList("ms1:elastistor.pool.1:acquired",
                "ms1:elastistor.pool.1:released"), pools.database.events().subList(lockEvents, pools.database.events().size()));
        assertTrue(primaryRefs.get(42L) == null);
        assertEquals("a template from it is CloudStack's own copy of the qcow2", StrategyPriority.CANT_HANDLE,
                dataMotion.canHandle(second, mock(TemplateInfo.class)));

        // A volume from the snapshot: a new ElastiStor volume with the backup written into it.
        Entities.Vol fromBackup = db.volume(12, null, null);
        fromBackup.size = volume.size;
        VolumeInfo target = volumeInfo(fromBackup);
        assertEquals(StrategyPriority.HIGHEST, dataMotion.canHandle(second, target));
        RecordingCallback<CopyCommandResult> copied = new RecordingCallback<>();
        dataMotion.copyAsync(second, target, null, copied);
        assertTrue(copied.single().getResult(), copied.single().isSuccess());
        assertArrayEquals("the new volume holds the snapshot's data", written, read(ec.volume(fromBackup.folder).get().imagePath()));
        writeVolume(new byte[written.length]);
        assertTrue(strategy.revertSnapshot(second));
        assertArrayEquals("the volume holds the snapshot's data again", written, readVolume());
        assertEquals("no rollback: a restore from secondary storage", 1, ec.requestLog().count("rollbackToSnapshot"));

        // DELETE removes the copy on secondary storage and its ref.
        strategy.deleteSnapshot(42L, null);
        assertEquals(Snapshot.State.Destroyed, db.snapshots.get(42L).state);
        assertFalse(Files.exists(backupFile(42)));
        assertFalse(Files.exists(backupFile(41)));
        assertTrue(imageRefs.isEmpty());
        assertTrue(clonesOnArray().isEmpty());
    }

    @Test
    public void aCopyFailingMidwayLeavesNoFileAndTheSnapshotOnTheArray() throws Exception {
        // The host's qemu-img writes part of the copy, then fails reading the LUN.
        Path failingQemuImg = temp.getRoot().toPath().resolve("qemu-img-failing-read");
        Files.write(failingQemuImg, ("#!/bin/sh\nif [ \"$1\" = convert ]; then qemu-img \"$@\";"
                + " echo 'qemu-img: error while reading sector 4096: Input/output error' >&2; exit 1; fi\nexec qemu-img \"$@\"\n")
                .getBytes(StandardCharsets.US_ASCII));
        assertTrue(failingQemuImg.toFile().setExecutable(true));
        SnapshotBackupRuntime.install(new SnapshotBackupRunner(new QemuImg(failingQemuImg.toString(), 30, Duration.ofMinutes(1)), this::lunLocation));
        SnapshotInfo snapshot = takeSnapshot(43);
        expectBackupFailure(snapshot, "Input/output error");
        assertBackupFailedCleanly(43, null);
    }

    @Test
    public void aHostDyingMidCopyIsNotBackedUpAndTheRetryFinishesAndRemovesTheDeadCopysFile() throws Exception {
        hook = command -> {
            if (command instanceof BackupSnapshotToSecondaryCommand || command instanceof DeleteSnapshotBackupCommand) {
                Path partial = SnapshotImageWriter.partialFile(secondary.resolve(((SnapshotBackupCommand) command).getInstallPath()));
                if (command instanceof BackupSnapshotToSecondaryCommand) {
                    Files.createDirectories(partial.getParent());
                    Files.write(partial, new byte[4096]);
                }
                throw new OperationTimedoutException(null, HOST, 1, 30, false);
            }
        };
        SnapshotInfo snapshot = takeSnapshot(44);
        expectBackupFailure(snapshot, "timed out");
        assertBackupFailedCleanly(44, "the dead host's partial file");

        hook = command -> { };
        strategy.backupSnapshot(snapshot);
        assertEquals(Snapshot.State.BackedUp, db.snapshots.get(44L).state);
        assertFalse(Files.exists(SnapshotImageWriter.partialFile(backupFile(44))));
    }

    @Test
    public void aFailingCloneIsNotBackedUp() {
        SnapshotInfo snapshot = takeSnapshot(45);
        ec.faults().inject("cloneDatasetSnapshot", Fault.error(530, "Failed to create clone due to timeout.").times(1));
        expectBackupFailure(snapshot, "clone");
        assertBackupFailedCleanly(45, null);
    }

    @Test
    public void aChecksumMismatchOnTheReReadIsNotBackedUpAndRemovesTheFile() {
        hook = command -> {
            if (command instanceof VerifySnapshotBackupCommand) {
                flipOneByte(secondary.resolve(((VerifySnapshotBackupCommand) command).getInstallPath()));
            }
        };
        SnapshotInfo snapshot = takeSnapshot(46);
        expectBackupFailure(snapshot, "is corrupt");
        assertBackupFailedCleanly(46, null);
    }

    @Test
    public void aDamagedBackupIsRefusedBeforeAnyByteIsWritten() throws Exception {
        pools.settings.keepArraySnapshot = false;
        SnapshotInfo snapshot = takeSnapshot(47);
        strategy.backupSnapshot(snapshot);
        strategy.postSnapshotCreation(snapshot);
        flipOneByte(backupFile(47));
        byte[] newer = new byte[written.length];
        new Random(47).nextBytes(newer);
        writeVolume(newer);
        try {
            strategy.revertSnapshot(snapshot);
            fail("a damaged backup must not be restored");
        } catch (CloudRuntimeException expected) {
            assertTrue(expected.getMessage(), expected.getMessage().contains("snapshots/2/11/0000-snap-47")
                    && expected.getMessage().contains("is corrupt"));
        }
        assertArrayEquals("the volume was not touched", newer, readVolume());
    }

    @Test
    public void whatAManagementServerDyingMidBackupLeftGoesWithTheSnapshot() throws Exception {
        hook = command -> {
            if (command instanceof BackupSnapshotToSecondaryCommand) {
                Path partial = SnapshotImageWriter.partialFile(secondary.resolve(((SnapshotBackupCommand) command).getInstallPath()));
                Files.createDirectories(partial.getParent());
                Files.write(partial, new byte[4096]);
                throw new ManagementServerDied();
            }
        };
        SnapshotInfo snapshot = takeSnapshot(48);
        try {
            strategy.backupSnapshot(snapshot);
            fail();
        } catch (ManagementServerDied expected) {
            // nothing after this point ran on the "dead" management server but its finally blocks
        }
        assertEquals(Snapshot.State.CreatedOnPrimary, db.snapshots.get(48L).state);
        assertEquals("the ref CloudStack created, never Ready", ObjectInDataStoreStateMachine.State.Creating, imageRefs.get(48L).state);
        hook = command -> { };
        assertTrue(strategy.deleteSnapshot(48L, null));
        assertFalse("the dead copy's partial file is gone", Files.exists(SnapshotImageWriter.partialFile(backupFile(48))));
        assertTrue("the directory CloudStack recorded is left alone", Files.isDirectory(backupFile(48).getParent()));
        assertTrue(imageRefs.isEmpty());
        assertTrue(clonesOnArray().isEmpty());
        assertTrue(ec.snapshotPaths(volume.folder).isEmpty());
        assertEquals(Snapshot.State.Destroyed, db.snapshots.get(48L).state);
    }

    @Test
    public void theCloneOfAManagementServerDyingMidBackupIsRemovedByTheReconcilerOfAnotherAndTheRetryBacksUp() throws Exception {
        hook = command -> {
            if (command instanceof BackupSnapshotToSecondaryCommand) {
                // the process ends here: its clean-up never reaches the array (its database session, and lock, end too)
                ec.faults().inject("deleteFileSystem", Fault.error(530, "the management server is gone").times(1));
                throw new ManagementServerDied();
            }
        };
        SnapshotInfo snapshot = takeSnapshot(49);
        try {
            strategy.backupSnapshot(snapshot);
            fail();
        } catch (ManagementServerDied expected) {
            // as above
        }
        assertEquals(Arrays.asList("bk0000snap49"), clonesOnArray());
        hook = command -> { };
        ClusterLocks ms2 = pools.database.server("ms2");
        ElastiStorReconciler reconciler = Wiring.inject(new ElastiStorReconciler(), db.poolDao, db.poolDetails, db.volumeDao, pools.arrays,
                pools.settings, ms2, db.owners, Wiring.inject(new SecondaryStorageBackups(), db.snapshotDetails, pools.arrays, ms2));

        ElastiStorReconciler.Report report = reconciler.reconcile(true);

        assertEquals(1, report.leftoverClones.size());
        assertTrue(report.leftoverClones.toString(), report.leftoverClones.get(0).toString().contains(
                "bk0000snap49") && report.leftoverClones.get(0).toString().contains("dead backup of snapshot 49"));
        assertEquals(report.leftoverClones, report.removedClones);
        assertTrue(clonesOnArray().isEmpty());
        assertNull(db.snapshotDetails.findDetail(49L, ElastiStorPool.SNAPSHOT_BACKUP_CLONE));
        assertTrue(ec.snapshotPaths(volume.folder).stream().anyMatch(p -> p.endsWith(arraySnapshotName(49))));

        strategy.backupSnapshot(snapshot);
        assertEquals(Snapshot.State.BackedUp, db.snapshots.get(49L).state);
        assertTrue(clonesOnArray().isEmpty());
    }

    @Test
    public void aRetryRemovesTheCloneADeadAttemptLeftBeforeMakingItsOwn() throws Exception {
        hook = command -> {
            if (command instanceof BackupSnapshotToSecondaryCommand) {
                ec.faults().inject("deleteFileSystem", Fault.error(530, "the management server is gone").times(1));
                throw new ManagementServerDied();
            }
        };
        SnapshotInfo snapshot = takeSnapshot(50);
        try {
            strategy.backupSnapshot(snapshot);
            fail();
        } catch (ManagementServerDied expected) {
            // as above
        }
        assertEquals(Arrays.asList("bk0000snap50"), clonesOnArray());
        hook = command -> { };

        strategy.backupSnapshot(snapshot);

        assertEquals(Snapshot.State.BackedUp, db.snapshots.get(50L).state);
        assertTrue(clonesOnArray().isEmpty());
        assertNull(db.snapshotDetails.findDetail(50L, ElastiStorPool.SNAPSHOT_BACKUP_CLONE));
    }

    /** Stands for the process ending: no catch of the code under test handles it. */
    private static final class ManagementServerDied extends Error {
        private static final long serialVersionUID = 1L;
    }

    private void expectBackupFailure(SnapshotInfo snapshot, String reason) {
        try {
            strategy.backupSnapshot(snapshot);
            fail("the backup must fail");
        } catch (UnsupportedOperationException expected) { // the form createSnapshot answers with (Refusal.ofTake)
            assertTrue(expected.getMessage(), expected.getMessage().contains(reason));
            assertTrue(expected.getMessage(), expected.getMessage().contains("The ElastiStor snapshot is kept"));
        }
    }

    private static void flipOneByte(Path file) throws IOException {
        try (RandomAccessFile f = new RandomAccessFile(file.toFile(), "rw")) {
            long at = f.length() / 2;
            f.seek(at);
            int b = f.read();
            f.seek(at);
            f.write(b ^ 0xff);
        }
    }

    private static String sha256(Path file) throws Exception {
        StringBuilder hex = new StringBuilder();
        for (byte b : MessageDigest.getInstance("SHA-256").digest(Files.readAllBytes(file))) {
            hex.append(String.format("%02x", b));
        }
        return hex.toString();
    }
}
