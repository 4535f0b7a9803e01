// Licensed under the Apache License, Version 2.0. See LICENSE in the project root.
package io.elastisnap.cloudstack.driver;

import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertFalse;
import static org.junit.Assert.assertTrue;
import static org.mockito.ArgumentMatchers.anyLong;
import static org.mockito.Mockito.mock;
import static org.mockito.Mockito.when;

import org.apache.cloudstack.engine.subsystem.api.storage.CopyCommandResult;
import org.apache.cloudstack.engine.subsystem.api.storage.DataStore;
import org.apache.cloudstack.engine.subsystem.api.storage.SnapshotInfo;
import org.apache.cloudstack.engine.subsystem.api.storage.StrategyPriority;
import org.apache.cloudstack.engine.subsystem.api.storage.TemplateInfo;
import org.apache.cloudstack.engine.subsystem.api.storage.VolumeInfo;
import org.apache.cloudstack.storage.command.CopyCmdAnswer;
import org.apache.cloudstack.storage.datastore.db.SnapshotDataStoreDao;
import org.junit.After;
import org.junit.Before;
import org.junit.Test;

import com.cloud.agent.api.to.DataObjectType;

import io.elastisnap.cloudstack.ElastiStorPool;
import io.elastisnap.cloudstack.array.ArraySnapshotLocation;
import io.elastisnap.cloudstack.backup.SecondaryStorageBackups;
import io.elastisnap.cloudstack.record.VolumeSnapshotRecord;
import io.elastisnap.cloudstack.testsupport.Entities;
import io.elastisnap.cloudstack.testsupport.FakeDb;
import io.elastisnap.cloudstack.testsupport.RecordingCallback;
import io.elastisnap.cloudstack.testsupport.SimulatedPools;
import io.elastisnap.cloudstack.testsupport.Wiring;
import io.elastisnap.simulator.ElastiCenterSimulator;
import io.elastisnap.simulator.SimVolume;

public class ElastiStorDataMotionStrategyTest {
    private static final long POOL = 1L;
    private static final long SAME_EC_POOL = 2L;
    private static final long OTHER_EC_POOL = 3L;
    private static final long FOREIGN_POOL = 9L;
    private static final long SNAPSHOT = 41L;

    private FakeDb db;
    private SimulatedPools pools;
    private ElastiCenterSimulator ec1;
    private ElastiStorDataMotionStrategy strategy;
    private SnapshotInfo snapshot;
    private String snapshotPath;

    @Before
    public void setUp() {
        db = new FakeDb();
        pools = new SimulatedPools(db);
        ec1 = pools.add(POOL);
        pools.addOnSameElastiCenter(SAME_EC_POOL, POOL);
        pools.add(OTHER_EC_POOL);
        db.pool(FOREIGN_POOL, "DefaultPrimary");
        ElastiStorPrimaryDataStoreDriver driver = Wiring.inject(new ElastiStorPrimaryDataStoreDriver(), pools.arrays, pools.locks, db.volumeDao,
                db.volumeDetails, db.snapshotDetails, db.poolDetails, db.vmDao, db.owners);
        strategy = Wiring.inject(new ElastiStorDataMotionStrategy(), db.poolDao, db.snapshotDetails, pools.arrays, driver, db.volumeDao,
                Wiring.inject(new SecondaryStorageBackups(), mock(SnapshotDataStoreDao.class), db.snapshotDetails));

        SimVolume origin = ec1.provisionVolume("origin", 1L << 30);
        snapshotPath = pools.arrays.forPool(POOL).createSnapshot(origin.id(), "cs-snap-uuid-41");
        VolumeSnapshotRecord.save(db.snapshotDetails, SNAPSHOT, new ArraySnapshotLocation(POOL, origin.id(), snapshotPath));
        snapshot = mock(SnapshotInfo.class);
        when(snapshot.getId()).thenReturn(SNAPSHOT);
        when(snapshot.getUuid()).thenReturn("snap-uuid-41");
        when(snapshot.getType()).thenReturn(DataObjectType.SNAPSHOT);
    }

    @After
    public void tearDown() {
        pools.close();
    }

    private VolumeInfo newVolumeOn(long poolId, Entities.Vol volume) {
        DataStore store = mock(DataStore.class);
        when(store.getId()).thenReturn(poolId);
        VolumeInfo info = mock(VolumeInfo.class);
        when(info.getId()).thenReturn(volume.id);
        when(info.getUuid()).thenReturn(volume.uuid);
        when(info.getType()).thenReturn(DataObjectType.VOLUME);
        when(info.getSize()).thenReturn(2L << 30);
        when(info.getDataStore()).thenReturn(store);
        return info;
    }

    @Test
    public void canHandleMatrix() {
        assertEquals(StrategyPriority.HIGHEST, strategy.canHandle(snapshot, newVolumeOn(POOL, db.volume(12, null, null))));
        assertEquals("another TSM of the same ElastiCenter", StrategyPriority.HIGHEST,
                strategy.canHandle(snapshot, newVolumeOn(SAME_EC_POOL, db.volume(13, null, null))));
        assertEquals("no clone across appliances", StrategyPriority.CANT_HANDLE,
                strategy.canHandle(snapshot, newVolumeOn(OTHER_EC_POOL, db.volume(14, null, null))));
        assertEquals(StrategyPriority.CANT_HANDLE, strategy.canHandle(snapshot, newVolumeOn(FOREIGN_POOL, db.volume(15, null, null))));
        assertEquals("claimed to refuse it clearly", StrategyPriority.HIGHEST, strategy.canHandle(snapshot, mock(TemplateInfo.class)));
        SnapshotInfo foreign = mock(SnapshotInfo.class);
        when(foreign.getId()).thenReturn(77L);
        assertEquals(StrategyPriority.CANT_HANDLE, strategy.canHandle(foreign, newVolumeOn(POOL, db.volume(16, null, null))));
        when(db.poolDao.findById(anyLong())).thenThrow(new IllegalStateException("database gone"));
        assertEquals("never throws", StrategyPriority.CANT_HANDLE, strategy.canHandle(snapshot, newVolumeOn(POOL, db.volume(17, null, null))));
    }

    @Test
    public void aVolumeFromSnapshotIsAnArrayCloneRecordedOnTheVolume() {
        Entities.Vol volume = db.volume(12, null, null);
        RecordingCallback<CopyCommandResult> callback = new RecordingCallback<>();

        strategy.copyAsync(snapshot, newVolumeOn(POOL, volume), null, callback);

        CopyCommandResult result = callback.single();
        assertTrue(result.getResult(), result.isSuccess());
        assertEquals(volume.iscsiName, ((CopyCmdAnswer) result.getAnswer()).getNewData().getPath());
        assertTrue(ec1.volume(volume.folder).isPresent());
        assertEquals(2L << 30, pools.arrays.client(POOL).findFileSystem(volume.folder).get().quotaBytes().getAsLong());
        assertTrue("the origin snapshot now has a clone", pools.arrays.forPool(POOL).listSnapshots(
                db.snapshotDetailRows.get(SNAPSHOT).get(ElastiStorPool.SNAPSHOT_ARRAY_VOLUME)).get(0).hasClones());
    }

    @Test
    public void aTemplateFromSnapshotFailsOnceWithAClearMessage() {
        TemplateInfo template = mock(TemplateInfo.class);
        when(template.getType()).thenReturn(DataObjectType.TEMPLATE);
        RecordingCallback<CopyCommandResult> callback = new RecordingCallback<>();

        strategy.copyAsync(snapshot, template, null, callback);

        assertFalse(callback.single().isSuccess());
        assertTrue(callback.single().getResult(), callback.single().getResult().contains("create a volume from the snapshot"));
    }
}
