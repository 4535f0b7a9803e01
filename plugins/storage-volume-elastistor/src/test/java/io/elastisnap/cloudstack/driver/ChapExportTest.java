// Licensed under the Apache License, Version 2.0. See LICENSE in the project root.
package io.elastisnap.cloudstack.driver;

import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertFalse;
import static org.junit.Assert.assertNull;
import static org.junit.Assert.assertTrue;
import static org.mockito.Mockito.mock;
import static org.mockito.Mockito.when;
import static io.elastisnap.cloudstack.testsupport.StorageMocks.store;
import static io.elastisnap.cloudstack.testsupport.StorageMocks.volumeInfo;

import java.util.List;

import org.apache.cloudstack.engine.subsystem.api.storage.ChapInfo;
import org.apache.cloudstack.engine.subsystem.api.storage.CreateCmdResult;
import org.apache.cloudstack.engine.subsystem.api.storage.DataStore;
import org.apache.cloudstack.engine.subsystem.api.storage.VolumeInfo;
import org.apache.cloudstack.storage.datastore.db.StoragePoolDetailsDao;
import org.apache.logging.log4j.Level;
import org.junit.After;
import org.junit.Before;
import org.junit.Test;

import com.cloud.host.Host;
import com.cloud.vm.VirtualMachine;

import io.elastisnap.cloudstack.ElastiStorPool;
import io.elastisnap.cloudstack.array.ArraySnapshotLocation;
import io.elastisnap.cloudstack.record.VolumeSnapshotRecord;
import io.elastisnap.cloudstack.testsupport.CapturedLogs;
import io.elastisnap.cloudstack.testsupport.Entities;
import io.elastisnap.cloudstack.testsupport.FakeDb;
import io.elastisnap.cloudstack.testsupport.RecordingCallback;
import io.elastisnap.cloudstack.testsupport.SimulatedPools;
import io.elastisnap.cloudstack.testsupport.Wiring;
import io.elastisnap.elasticenter.ElastiCenterClient;
import io.elastisnap.elasticenter.IscsiAuthUser;
import io.elastisnap.elasticenter.IscsiService;
import io.elastisnap.simulator.ElastiCenterSimulator;

/** Every volume and clone behind the pool's CHAP; no-CHAP only by the pool's explicit setting, warned at each export. */
public class ChapExportTest {
    private static final long POOL = 1L;
    private static final long VM = 21L;

    private FakeDb db;
    private SimulatedPools pools;
    private ElastiCenterSimulator sim;
    private ElastiStorPrimaryDataStoreDriver driver;
    private CapturedLogs logs;

    @Before
    public void setUp() {
        logs = new CapturedLogs();
        db = new FakeDb();
        pools = new SimulatedPools(db);
        sim = pools.add(POOL);
        driver = Wiring.inject(new ElastiStorPrimaryDataStoreDriver(), pools.arrays, pools.locks, db.volumeDao, db.volumeDetails,
                db.snapshotDetails, db.poolDao, db.poolDetails, db.vmDao);
    }

    @After
    public void tearDown() {
        pools.close();
        logs.close();
    }

    @Test
    public void aNewVolumeIsBehindChapBeforeItIsExportedAndStaysSoWhenExported() {
        Entities.Vol volume = created(11);
        IscsiService service = service(volume.folder);
        assertEquals("CHAP", service.authMethod().orElse("?"));
        String chapGroup = db.poolDetailRows.get(POOL).get(ElastiStorPool.DETAIL_CHAP_AUTH_GROUP_ID);
        assertEquals(chapGroup, service.authGroupId().orElse("?"));
        assertEquals("not exported yet", noneGroupId(), service.initiatorGroupId().orElse("?"));

        db.vm(VM, VirtualMachine.State.Running, 31L);
        assertTrue(driver.grantAccess(volumeInfo(volume, POOL), mock(Host.class), store(POOL)));

        service = service(volume.folder);
        assertEquals(allGroupId(), service.initiatorGroupId().orElse("?"));
        assertEquals("CHAP", service.authMethod().orElse("?"));
        assertEquals(chapGroup, service.authGroupId().orElse("?"));
    }

    @Test
    public void getChapInfoAnswersTheUserAndSecretTheApplianceChecksAndTheSecretIsStoredEncryptedAndHidden() {
        Entities.Vol volume = created(11);
        ChapInfo chap = driver.getChapInfo(volumeInfo(volume, POOL));

        String group = db.poolDetailRows.get(POOL).get(ElastiStorPool.DETAIL_CHAP_AUTH_GROUP_ID);
        IscsiAuthUser onAppliance = client().listIscsiAuthUsers(sim.defaults().accountId(), group).get(0);
        assertEquals(onAppliance.chapUser(), chap.getInitiatorUsername());
        assertEquals(onAppliance.chapSecret().reveal(), chap.getInitiatorSecret());
        assertEquals(16, chap.getInitiatorSecret().length());
        assertNull("one-way CHAP", chap.getTargetSecret());

        String stored = db.poolDetailRows.get(POOL).get(ElastiStorPool.DETAIL_CHAP_SECRET);
        assertFalse(stored.contains(chap.getInitiatorSecret()));
        assertEquals(chap.getInitiatorSecret(), SimulatedPools.CIPHER.decrypt(stored).reveal());
        assertFalse(db.isDisplayed(StoragePoolDetailsDao.class, POOL, ElastiStorPool.DETAIL_CHAP_SECRET));
        assertFalse(chap.toString().contains(chap.getInitiatorSecret()));
        assertNoSecretLogged(chap.getInitiatorSecret());
    }

    @Test
    public void aVolumeClonedFromASnapshotIsBehindChapToo() {
        Entities.Vol origin = created(11);
        String path = pools.arrays.forPool(POOL).createSnapshot(origin.folder, "cs-snap-uuid-41");
        VolumeSnapshotRecord.save(db.snapshotDetails, 41L, new ArraySnapshotLocation(POOL, origin.folder, path));
        db.volumeDetails.addDetail(12L, ElastiStorPrimaryDataStoreDriver.CLONE_OF_SNAPSHOT, "41", false);

        Entities.Vol clone = created(12);

        assertEquals("CHAP", service(clone.folder).authMethod().orElse("?"));
        assertEquals(service(origin.folder).authGroupId(), service(clone.folder).authGroupId());
    }

    @Test
    public void aPoolRegisteredWithChapFalseExportsWithoutChapAndWarnsAtEveryExport() {
        db.poolDetailRows.get(POOL).put(ElastiStorPool.DETAIL_CHAP, ElastiStorPool.CHAP_OFF);
        Entities.Vol volume = created(11);
        db.vm(VM, VirtualMachine.State.Running, 31L);

        driver.grantAccess(volumeInfo(volume, POOL), mock(Host.class), store(POOL));
        driver.grantAccess(volumeInfo(volume, POOL), mock(Host.class), store(POOL));

        assertEquals("None", service(volume.folder).authMethod().orElse("?"));
        assertNull(driver.getChapInfo(volumeInfo(volume, POOL)));
        List<String> warnings = logs.at(Level.WARN, "WITHOUT CHAP");
        assertEquals(String.valueOf(warnings), 2, warnings.size());
        assertTrue(warnings.get(0), warnings.get(0).contains(volume.folder) && warnings.get(0).contains("chap=false"));
        assertEquals(0, sim.requestLog().count("addiSCSIAuthGroup"));
    }

    // ------------------------------------------------------------------ helpers

    private void assertNoSecretLogged(String secret) {
        List<String> all = logs.all();
        assertTrue("the capture saw the driver's work", all.stream().anyMatch(l -> l.contains("Created ElastiStor volume")));
        for (String line : all) {
            assertFalse(line, line.contains(secret));
        }
    }

    private Entities.Vol created(long volumeId) {
        Entities.Vol volume = db.volume(volumeId, null, VM);
        RecordingCallback<CreateCmdResult> callback = new RecordingCallback<>();
        driver.createAsync(store(POOL), volumeInfo(volume, POOL), callback);
        assertTrue(callback.single().getResult(), callback.single().isSuccess());
        return volume;
    }

    private ElastiCenterClient client() {
        return pools.arrays.client(POOL);
    }

    private IscsiService service(String esVolumeId) {
        return client().listVolumeIscsiServices(esVolumeId).get(0);
    }

    private String allGroupId() {
        return client().listIscsiInitiators(sim.defaults().accountId()).get(0).id();
    }

    private String noneGroupId() {
        return client().listIscsiInitiators(sim.defaults().accountId()).get(1).id();
    }
}
