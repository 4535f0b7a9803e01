// Licensed under the Apache License, Version 2.0. See LICENSE in the project root.
package io.elastisnap.cloudstack.driver;

import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertFalse;
import static org.junit.Assert.assertNotNull;
import static org.junit.Assert.assertNull;
import static org.junit.Assert.assertTrue;
import static org.mockito.Mockito.mock;
import static org.mockito.Mockito.verify;
import static org.mockito.Mockito.when;
import static io.elastisnap.cloudstack.testsupport.StorageMocks.store;
import static io.elastisnap.cloudstack.testsupport.StorageMocks.volumeInfo;

import java.util.Map;

import org.apache.cloudstack.engine.subsystem.api.storage.CreateCmdResult;
import org.apache.cloudstack.engine.subsystem.api.storage.DataStore;
import org.apache.cloudstack.engine.subsystem.api.storage.DataStoreCapabilities;
import org.apache.cloudstack.engine.subsystem.api.storage.VolumeInfo;
import org.apache.cloudstack.storage.command.CommandResult;
import org.junit.After;
import org.junit.Before;
import org.junit.Test;

import com.cloud.host.Host;
import com.cloud.storage.ResizeVolumePayload;
import com.cloud.storage.Storage.StoragePoolType;
import com.cloud.utils.Pair;
import com.cloud.vm.VirtualMachine;

import io.elastisnap.cloudstack.array.ArraySnapshotLocation;
import io.elastisnap.cloudstack.record.VolumeArrayName;
import io.elastisnap.cloudstack.record.VolumeSnapshotRecord;
import io.elastisnap.cloudstack.testsupport.Entities;
import io.elastisnap.cloudstack.testsupport.FakeDb;
import io.elastisnap.cloudstack.testsupport.RecordingCallback;
import io.elastisnap.cloudstack.ElastiStorPool;
import io.elastisnap.cloudstack.testsupport.SimulatedPools;
import io.elastisnap.cloudstack.testsupport.Wiring;
import io.elastisnap.elasticenter.ElastiCenterClient;
import io.elastisnap.elasticenter.FileSystem;
import io.elastisnap.simulator.ElastiCenterSimulator;
import io.elastisnap.simulator.Fault;

/** The driver against simulated ElastiCenters over HTTPS, with CloudStack's DAOs over in-memory rows. */
public class ElastiStorPrimaryDataStoreDriverTest {
    private static final long POOL = 1L;
    private static final long OTHER_POOL = 2L;
    private static final long VM = 21L;

    private FakeDb db;
    private SimulatedPools pools;
    private ElastiCenterSimulator ec1;
    private ElastiStorPrimaryDataStoreDriver driver;

    @Before
    public void setUp() {
        db = new FakeDb();
        pools = new SimulatedPools(db);
        ec1 = pools.add(POOL);
        driver = Wiring.inject(new ElastiStorPrimaryDataStoreDriver(), pools.arrays, pools.locks, db.volumeDao, db.volumeDetails,
                db.snapshotDetails, db.poolDao, db.poolDetails, db.vmDao, db.owners);
    }

    @After
    public void tearDown() {
        pools.close();
    }

    private Entities.Vol created(long volumeId, long poolId, Long vmId) {
        Entities.Vol volume = db.volume(volumeId, null, vmId);
        RecordingCallback<CreateCmdResult> callback = new RecordingCallback<>();
        driver.createAsync(store(poolId), volumeInfo(volume, poolId), callback);
        assertTrue(callback.single().getResult(), callback.single().isSuccess());
        return volume;
    }

    private ElastiCenterClient client(long poolId) {
        return pools.arrays.client(poolId);
    }

    @Test
    public void capabilitiesAdvertiseQuiesceRevertAndCloneButNeverStorageSystemSnapshot() {
        Map<String, String> capabilities = driver.getCapabilities();
        assertEquals("true", capabilities.get(DataStoreCapabilities.VOLUME_SNAPSHOT_QUIESCEVM.toString()));
        assertEquals("true", capabilities.get(DataStoreCapabilities.CAN_REVERT_VOLUME_TO_SNAPSHOT.toString()));
        assertEquals("true", capabilities.get(DataStoreCapabilities.CAN_CREATE_VOLUME_FROM_SNAPSHOT.toString()));
        assertNull(capabilities.get(DataStoreCapabilities.STORAGE_SYSTEM_SNAPSHOT.toString()));
    }

    @Test
    public void createProvisionsOneElastiStorVolumeAndRecordsItsIscsiTarget() {
        Entities.Vol volume = db.volume(11, null, null);
        volume.size = 2L << 30;
        volume.maxIops = 500L;
        RecordingCallback<CreateCmdResult> callback = new RecordingCallback<>();

        driver.createAsync(store(POOL), volumeInfo(volume, POOL), callback);

        CreateCmdResult result = callback.single();
        assertTrue(result.getResult(), result.isSuccess());
        FileSystem fs = client(POOL).findFileSystem(volume.folder).orElseThrow(AssertionError::new);
        assertEquals(VolumeArrayName.of(volume.uuid), fs.name());
        assertEquals(2L << 30, fs.quotaBytes().getAsLong());
        assertEquals("/" + fs.iqn().get() + "/0", volume.iscsiName);
        assertEquals(volume.iscsiName, result.getPath());
        assertEquals(StoragePoolType.Iscsi, volume.poolType);
        assertEquals(Long.valueOf(POOL), volume.poolId);
        // the reconcile pass, under the same lock, never sees the array volume before the row names it
        assertEquals(java.util.Arrays.asList("ms1:elastistor.pool.1:acquired", "ms1:elastistor.pool.1:released"), pools.database.events());
    }

    @Test
    public void aFailedCreateCompletesOnceWithTheArraysReason() {
        ec1.faults().inject("createVolume", Fault.error(530, "TSM out of space").times(1));
        Entities.Vol volume = db.volume(11, null, null);
        RecordingCallback<CreateCmdResult> callback = new RecordingCallback<>();

        driver.createAsync(store(POOL), volumeInfo(volume, POOL), callback);

        CreateCmdResult result = callback.single();
        assertFalse(result.isSuccess());
        assertTrue(result.getResult(), result.getResult().contains(volume.uuid) && result.getResult().contains("TSM out of space"));
        assertFalse(result.getResult().contains(ec1.apiKey()));
        assertNull(volume.folder);
    }

    @Test
    public void aRetriedCreateAdoptsTheVolumeAnEarlierAttemptLeftBehind() {
        Entities.Vol volume = db.volume(11, null, null);
        String leftBehind = ec1.provisionVolume(VolumeArrayName.of(volume.uuid), 1L << 30).id();
        RecordingCallback<CreateCmdResult> callback = new RecordingCallback<>();

        driver.createAsync(store(POOL), volumeInfo(volume, POOL), callback);

        assertTrue(callback.single().getResult(), callback.single().isSuccess());
        assertEquals(leftBehind, volume.folder);
        assertEquals(0, ec1.requestLog().count("createVolume"));
    }

    @Test
    public void grantExportsToAllInitiatorsAndRevokeClosesOnlyWhenNoVmRuns() {
        Entities.Vm vm = db.vm(VM, VirtualMachine.State.Running, 31L);
        Entities.Vol volume = created(11, POOL, VM);
        VolumeInfo info = volumeInfo(volume, POOL);
        Host host = mock(Host.class);

        assertTrue(driver.grantAccess(info, host, store(POOL)));
        assertEquals("ALL", initiatorGroup(volume));

        driver.revokeAccess(info, host, store(POOL));
        assertEquals("a running VM keeps its volume exported", "ALL", initiatorGroup(volume));

        vm.state = VirtualMachine.State.Stopped;
        driver.revokeAccess(info, host, store(POOL));
        assertEquals("None", initiatorGroup(volume));
    }

    private String initiatorGroup(Entities.Vol volume) {
        return client(POOL).findFileSystem(volume.folder).flatMap(FileSystem::initiatorGroup).orElse("?");
    }

    @Test
    public void resizeGrowsTheVolumeAndItsIopsAndRefusesToShrink() {
        Entities.Vol volume = created(11, POOL, null);
        VolumeInfo grow = volumeInfo(volume, POOL);
        when(grow.getpayload()).thenReturn(new ResizeVolumePayload(4L << 30, null, 800L, null, false, null, null, true));
        RecordingCallback<CreateCmdResult> grown = new RecordingCallback<>();

        driver.resize(grow, grown);

        assertTrue(grown.single().getResult(), grown.single().isSuccess());
        FileSystem fs = client(POOL).findFileSystem(volume.folder).orElseThrow(AssertionError::new);
        assertEquals(4L << 30, fs.quotaBytes().getAsLong());
        assertEquals(800, fs.iops().getAsLong());

        VolumeInfo shrink = volumeInfo(volume, POOL);
        when(shrink.getpayload()).thenReturn(new ResizeVolumePayload(1L << 30, null, null, null, true, null, null, true));
        RecordingCallback<CreateCmdResult> shrunk = new RecordingCallback<>();
        driver.resize(shrink, shrunk);
        assertFalse(shrunk.single().isSuccess());
    }

    /** CloudStack 4.22 reloads the volume after the driver's resize and before saving it: what the driver wrote is kept. */
    @Test
    public void resizeToANewOfferingRecordsItsOfferingAndIopsOnTheVolumeAsTheArrayHasThem() {
        Entities.Vol volume = created(11, POOL, null);
        VolumeInfo info = volumeInfo(volume, POOL);
        ResizeVolumePayload payload = new ResizeVolumePayload(2L << 30, 500L, 1500L, null, false, null, null, true);
        payload.newDiskOfferingId = 77L;
        when(info.getpayload()).thenReturn(payload);
        RecordingCallback<CreateCmdResult> done = new RecordingCallback<>();

        driver.resize(info, done);

        assertTrue(done.single().getResult(), done.single().isSuccess());
        assertEquals(1500, client(POOL).findFileSystem(volume.folder).orElseThrow(AssertionError::new).iops().getAsLong());
        assertEquals(Long.valueOf(77L), volume.diskOfferingId);
        assertEquals(Long.valueOf(1500L), volume.maxIops);
        assertEquals(Long.valueOf(500L), volume.minIops);
        verify(db.volumeDao, org.mockito.Mockito.atLeastOnce()).update(volume.getId(), volume);
    }

    @Test
    public void resizeOnAPoolInMaintenanceIsRefusedBeforeTheArrayChanges() {
        Entities.Vol volume = created(11, POOL, null);
        db.pools.get(POOL).inMaintenance = true;
        VolumeInfo info = volumeInfo(volume, POOL);
        when(info.getpayload()).thenReturn(new ResizeVolumePayload(4L << 30, null, 800L, null, false, null, null, true));
        RecordingCallback<CreateCmdResult> done = new RecordingCallback<>();

        driver.resize(info, done);

        assertFalse(done.single().isSuccess());
        assertTrue(done.single().getResult(), done.single().getResult().contains("in maintenance"));
        assertEquals(1L << 30, client(POOL).findFileSystem(volume.folder).orElseThrow(AssertionError::new).quotaBytes().getAsLong());
    }

    @Test
    public void deleteRemovesTheElastiStorVolumeAndIsIdempotent() {
        Entities.Vol volume = created(11, POOL, null);
        String esVolumeId = volume.folder;
        VolumeInfo info = volumeInfo(volume, POOL);

        RecordingCallback<CommandResult> first = new RecordingCallback<>();
        driver.deleteAsync(store(POOL), info, first);
        assertTrue(first.single().getResult(), first.single().isSuccess());
        assertFalse(client(POOL).findFileSystem(esVolumeId).isPresent());

        RecordingCallback<CommandResult> again = new RecordingCallback<>();
        driver.deleteAsync(store(POOL), info, again);
        assertTrue(again.single().getResult(), again.single().isSuccess());
    }

    @Test
    public void volumeFromSnapshotIsAnArrayCloneThatBlocksDeletingItsOrigin() {
        Entities.Vol origin = created(11, POOL, null);
        String path = pools.arrays.forPool(POOL).createSnapshot(origin.folder, "cs-snap-uuid-41");
        VolumeSnapshotRecord.save(db.snapshotDetails, 41L, new ArraySnapshotLocation(POOL, origin.folder, path));
        db.volumeDetails.addDetail(12L, ElastiStorPrimaryDataStoreDriver.CLONE_OF_SNAPSHOT, "41", false);

        Entities.Vol clone = created(12, POOL, null);

        assertNotNull(clone.folder);
        assertTrue(client(POOL).findFileSystem(clone.folder).isPresent());
        RecordingCallback<CommandResult> delete = new RecordingCallback<>();
        driver.deleteAsync(store(POOL), volumeInfo(origin, POOL), delete);
        assertFalse(delete.single().isSuccess());
        assertTrue(delete.single().getResult(), delete.single().getResult().contains("delete those volumes first"));
        assertTrue(client(POOL).findFileSystem(origin.folder).isPresent());
    }

    @Test
    public void aCloneWhoseAnswerWasLostIsFoundByItsNameAndBecomesTheVolume() {
        Entities.Vol origin = created(11, POOL, null);
        String path = pools.arrays.forPool(POOL).createSnapshot(origin.folder, "cs-snap-uuid-41");
        VolumeSnapshotRecord.save(db.snapshotDetails, 41L, new ArraySnapshotLocation(POOL, origin.folder, path));
        db.volumeDetails.addDetail(12L, ElastiStorPrimaryDataStoreDriver.CLONE_OF_SNAPSHOT, "41", false);
        ec1.faults().inject("cloneDatasetSnapshot", Fault.malformedJson().times(1)); // made, answer unusable

        Entities.Vol clone = created(12, POOL, null);

        assertEquals(VolumeArrayName.of(clone.uuid), client(POOL).findFileSystem(clone.folder)
                .orElseThrow(AssertionError::new).name());
        assertEquals("one clone, no second attempt", 1, ec1.requestLog().count("cloneDatasetSnapshot"));
        assertEquals("the origin and its clone, nothing else", 2, client(POOL).listFileSystems(null).size());
    }

    @Test
    public void statisticsComeFromTheTsmAndTheVolume() {
        Entities.Vol volume = created(11, POOL, null);
        Pair<Long, Long> pool = driver.getStorageStats(db.pools.get(POOL));
        assertTrue(pool.first() > 0);
        Pair<Long, Long> stats = driver.getVolumeStats(db.pools.get(POOL), volume.iscsiName);
        assertEquals(Long.valueOf(volume.size), stats.second());
        assertEquals(volume.size.longValue(), driver.getUsedBytes(db.pools.get(POOL)));
    }

    /** CloudStack's StoragePoolResponse builder asks for the used IOPS before it reads the details it shows. */
    @Test
    public void askingForTheUsedIopsFirstHidesAKeyRotatedThroughUpdateStoragePool() {
        db.poolDetails.addDetail(POOL, ElastiStorPool.INPUT_API_KEY, ec1.apiKey(), true);

        driver.getUsedIops(db.pools.get(POOL));

        Map<String, String> rows = db.poolDetailRows.get(POOL);
        assertFalse(rows.containsKey(ElastiStorPool.INPUT_API_KEY));
        assertTrue(rows.values().stream().noneMatch(v -> v.contains(ec1.apiKey())));
        assertTrue(SimulatedPools.CIPHER.isCurrent(rows.get(ElastiStorPool.DETAIL_API_KEY)));
        assertFalse(db.isDisplayed(org.apache.cloudstack.storage.datastore.db.StoragePoolDetailsDao.class, POOL,
                ElastiStorPool.DETAIL_API_KEY));
    }

    @Test
    public void usedBytesAndIopsCountRootAndDataDisks() {
        Entities.Vol data = created(11, POOL, null);
        Entities.Vol root = created(12, POOL, null);
        root.type = com.cloud.storage.Volume.Type.ROOT;
        assertEquals(data.size + root.size, driver.getUsedBytes(db.pools.get(POOL)));
        assertEquals(2 * ElastiStorPrimaryDataStoreDriver.iopsOf(null, null), driver.getUsedIops(db.pools.get(POOL)));
    }

    @Test
    public void poolsOnTwoElastiCentersKeepTheirVolumesApart() {
        ElastiCenterSimulator ec2 = pools.add(OTHER_POOL);
        Entities.Vol one = created(11, POOL, null);
        Entities.Vol two = created(12, OTHER_POOL, null);

        assertTrue(ec1.volume(one.folder).isPresent());
        assertFalse(ec1.volume(two.folder).isPresent());
        assertTrue(ec2.volume(two.folder).isPresent());
        assertFalse(ec2.volume(one.folder).isPresent());
    }

    @Test
    public void copyIsDeclinedWithOneCompletion() {
        RecordingCallback<org.apache.cloudstack.engine.subsystem.api.storage.CopyCommandResult> callback = new RecordingCallback<>();
        VolumeInfo info = volumeInfo(db.volume(11, POOL, null), POOL);
        driver.copyAsync(info, info, callback);
        assertFalse(callback.single().isSuccess());
        assertFalse(driver.canCopy(info, info));
    }
}
