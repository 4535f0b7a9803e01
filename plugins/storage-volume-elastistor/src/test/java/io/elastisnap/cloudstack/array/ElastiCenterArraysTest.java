// Licensed under the Apache License, Version 2.0. See LICENSE in the project root.
package io.elastisnap.cloudstack.array;

import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertFalse;
import static org.junit.Assert.assertSame;
import static org.junit.Assert.assertTrue;
import static org.junit.Assert.fail;

import java.util.Arrays;
import java.util.Collections;
import java.util.Map;
import java.util.Optional;
import java.util.stream.Collectors;

import org.apache.cloudstack.storage.datastore.db.StoragePoolDetailsDao;
import org.junit.After;
import org.junit.Before;
import org.junit.Test;

import com.cloud.utils.exception.CloudRuntimeException;

import io.elastisnap.cloudstack.ElastiStorPool;
import io.elastisnap.cloudstack.command.ElastiCenterEndpoint;
import io.elastisnap.cloudstack.testsupport.FakeDb;
import io.elastisnap.cloudstack.testsupport.SimulatedPools;
import io.elastisnap.elasticenter.Secret;
import io.elastisnap.elasticenter.TlsTrust;
import io.elastisnap.simulator.ElastiCenterSimulator;
import io.elastisnap.simulator.Fault;
import io.elastisnap.simulator.SimVolume;

public class ElastiCenterArraysTest {
    private FakeDb db;
    private SimulatedPools pools;
    private ElastiCenterSimulator sim;
    private ElastiStorArray array;
    private SimVolume volume;

    @Before
    public void setUp() {
        db = new FakeDb();
        pools = new SimulatedPools(db);
        sim = pools.add(1L);
        array = pools.arrays.forPool(1L);
        volume = sim.provisionVolume("vol1", 1L << 30);
    }

    @After
    public void tearDown() {
        pools.close();
    }

    @Test
    public void snapshotsAreCreatedListedOldestFirstAndDeleted() {
        String first = array.createSnapshot(volume.id(), "cs-1");
        String second = array.createSnapshot(volume.id(), "cs-2");
        assertEquals(volume.zfsPath() + "@cs-1", first);
        assertEquals(Arrays.asList(first, second), array.listSnapshots(volume.id()).stream().map(ArraySnapshotRef::path)
                .collect(Collectors.toList()));
        assertTrue(array.deleteSnapshot(volume.id(), first));
        assertEquals(Collections.singletonList(second), sim.snapshotPaths(volume.id()));
    }

    @Test
    public void deletingAMissingSnapshotOrVolumeAnswersFalse() {
        assertFalse(array.deleteSnapshot(volume.id(), volume.zfsPath() + "@never"));
        assertFalse(array.deleteSnapshot("no-such-volume", "x@y"));
    }

    @Test
    public void aCloneBlocksDeleteAsAConflictNamingTheSnapshot() {
        String path = array.createSnapshot(volume.id(), "cs-1");
        array.createSnapshot(volume.id(), "cs-2");
        pools.arrays.client(1L).cloneDatasetSnapshot(volume.id(), path, "clone1");
        try {
            array.deleteSnapshot(volume.id(), path);
            fail("a snapshot with a clone cannot be deleted");
        } catch (ArrayConflictException e) {
            assertTrue(e.getMessage(), e.getMessage().contains(path));
        }
        assertTrue(sim.snapshotPaths(volume.id()).contains(path));
    }

    @Test
    public void aDuplicateSnapshotNameIsAConflict() {
        array.createSnapshot(volume.id(), "cs-1");
        try {
            array.createSnapshot(volume.id(), "cs-1");
            fail();
        } catch (ArrayConflictException e) {
            assertTrue(e.getMessage(), e.getMessage().contains("cs-1"));
        }
    }

    @Test
    public void rollbackNamesTheSnapshotsItDestroyed() {
        String first = array.createSnapshot(volume.id(), "cs-1");
        array.createSnapshot(volume.id(), "cs-2");
        assertEquals(Collections.singletonList("cs-2"), array.rollback(volume.id(), first));
        assertEquals(Collections.singletonList(first), sim.snapshotPaths(volume.id()));
    }

    @Test
    public void connectionComesFromThePoolDetailsWithTheKeyDecrypted() {
        PoolConnection connection = pools.arrays.connection(1L);
        assertEquals(Secret.of(sim.apiKey()), connection.apiKey());
        assertEquals(TlsTrust.Mode.PINNED_SHA256, connection.endpoint().trust().mode());
        assertFalse(connection.toString().contains(sim.apiKey()));
        assertSame("one cached client per endpoint and key", pools.arrays.client(1L), pools.arrays.client(1L));
    }

    @Test
    public void aPoolWithoutTlsDetailUsesTheGlobalDefault() {
        db.poolDetailRows.get(1L).remove(ElastiStorPool.DETAIL_TLS);
        pools.settings.tls = "insecure";
        assertEquals(TlsTrust.Mode.INSECURE, pools.arrays.connection(1L).endpoint().trust().mode());
    }

    @Test
    public void anUnusableTlsSettingIsNamedWhereItComesFrom() {
        db.poolDetailRows.get(1L).put(ElastiStorPool.DETAIL_TLS, "ca:");
        try {
            pools.arrays.connection(1L);
            fail();
        } catch (CloudRuntimeException e) {
            assertTrue(e.getMessage(), e.getMessage().startsWith("Storage pool 1 has an unusable ElastiCenter TLS setting: TLS trust 'ca:'"));
        }
        db.poolDetailRows.get(1L).remove(ElastiStorPool.DETAIL_TLS);
        pools.settings.tls = "pin:" + sim.certificateSha256();
        try {
            pools.arrays.connection(1L);
            fail();
        } catch (CloudRuntimeException e) {
            assertTrue(e.getMessage(), e.getMessage().startsWith("The global setting elastistor.tls.default (used by storage pool 1)"
                    + " is unusable: unknown TLS trust setting 'pin:"));
        }
    }

    @Test
    public void missingOrUndecryptableKeyIsAClearErrorWithoutTheStoredValue() {
        db.poolDetailRows.get(1L).put(ElastiStorPool.DETAIL_API_KEY, "garbage-not-encrypted");
        try {
            pools.arrays.connection(1L);
            fail();
        } catch (CloudRuntimeException e) {
            assertTrue(e.getMessage(), e.getMessage().contains("cannot be decrypted"));
            assertFalse(e.getMessage().contains("garbage-not-encrypted"));
        }
        db.poolDetailRows.get(1L).remove(ElastiStorPool.DETAIL_API_KEY);
        try {
            pools.arrays.connection(1L);
            fail();
        } catch (CloudRuntimeException e) {
            assertTrue(e.getMessage(), e.getMessage().contains(ElastiStorPool.DETAIL_API_KEY));
        }
    }

    @Test
    public void aKeyRotatedThroughUpdateStoragePoolIsCheckedThenEncryptedAndHiddenByTheRepair() {
        // CloudStack 4.22's updateStoragePool stores the admin's details as given, displayed.
        db.poolDetails.addDetail(1L, ElastiStorPool.INPUT_API_KEY, sim.apiKey(), true);
        db.poolDetails.addDetail(1L, ElastiStorPool.DETAIL_API_KEY, SimulatedPools.CIPHER.encrypt(Secret.of("old-key")), true);

        Optional<String> done = pools.arrays.protectApiKey(1L);

        assertTrue(done.get(), done.get().contains("ElastiCenter accepted it"));
        assertEquals(Secret.of(sim.apiKey()), pools.arrays.connection(1L).apiKey());
        Map<String, String> rows = db.poolDetailRows.get(1L);
        assertFalse(rows.containsKey(ElastiStorPool.INPUT_API_KEY));
        assertEquals(Secret.of(sim.apiKey()), SimulatedPools.CIPHER.decrypt(rows.get(ElastiStorPool.DETAIL_API_KEY)));
        assertFalse(db.isDisplayed(StoragePoolDetailsDao.class, 1L, ElastiStorPool.DETAIL_API_KEY));
        assertEquals(Optional.empty(), pools.arrays.protectApiKey(1L));
    }

    @Test
    public void aRotatedKeyElastiCenterRejectsIsNotAdoptedAndThePoolSaysWhyWithoutTheKey() {
        String previous = db.poolDetailRows.get(1L).get(ElastiStorPool.DETAIL_API_KEY);
        db.poolDetails.addDetail(1L, ElastiStorPool.INPUT_API_KEY, "typo-in-the-new-key", true);

        String done = pools.arrays.protectApiKey(1L).get();

        Map<String, String> rows = db.poolDetailRows.get(1L);
        assertEquals("the previous key stays in use", previous, rows.get(ElastiStorPool.DETAIL_API_KEY));
        assertFalse("the rejected key is not left in the details", rows.containsKey(ElastiStorPool.INPUT_API_KEY));
        String why = rows.get(ElastiStorPool.DETAIL_KEY_ROTATION);
        assertTrue(why, why.contains("was not adopted: ElastiCenter rejected it") && why.contains("the previous key stays in use"));
        assertTrue(db.isDisplayed(StoragePoolDetailsDao.class, 1L, ElastiStorPool.DETAIL_KEY_ROTATION));
        assertFalse(why + done, (why + done).contains("typo-in-the-new-key"));
        assertEquals(Secret.of(sim.apiKey()), pools.arrays.connection(1L).apiKey());

        db.poolDetails.addDetail(1L, ElastiStorPool.INPUT_API_KEY, sim.apiKey(), true);
        pools.arrays.protectApiKey(1L);
        assertFalse("a key adopted later clears the complaint", db.poolDetailRows.get(1L).containsKey(ElastiStorPool.DETAIL_KEY_ROTATION));
    }

    @Test
    public void aRotatedKeyWaitsWhileElastiCenterCannotBeReached() {
        db.poolDetails.addDetail(1L, ElastiStorPool.INPUT_API_KEY, sim.apiKey(), true);
        sim.faults().inject("listAccount", Fault.error(503, "maintenance").times(5));

        String done = pools.arrays.protectApiKey(1L).get();

        assertTrue(done, done.contains("it stays pending, the previous key in use"));
        Map<String, String> rows = db.poolDetailRows.get(1L);
        assertFalse("out of the displayed details at once", rows.containsKey(ElastiStorPool.INPUT_API_KEY));
        assertEquals(Secret.of(sim.apiKey()), SimulatedPools.CIPHER.decrypt(rows.get(ElastiStorPool.DETAIL_PENDING_API_KEY)));
        assertFalse(db.isDisplayed(StoragePoolDetailsDao.class, 1L, ElastiStorPool.DETAIL_PENDING_API_KEY));
        assertFalse(rows.containsKey(ElastiStorPool.DETAIL_KEY_ROTATION));

        sim.faults().clear();
        assertTrue(pools.arrays.protectApiKey(1L).get().contains("ElastiCenter accepted it"));
        assertFalse(db.poolDetailRows.get(1L).containsKey(ElastiStorPool.DETAIL_PENDING_API_KEY));
    }

    @Test
    public void aKeyStoredByAnEarlierVersionIsReEncryptedAtTheNextUse() {
        db.poolDetails.addDetail(1L, ElastiStorPool.DETAIL_API_KEY, SimulatedPools.legacyEncrypt(sim.apiKey()), false);

        assertEquals(Secret.of(sim.apiKey()), pools.arrays.connection(1L).apiKey());

        String stored = db.poolDetailRows.get(1L).get(ElastiStorPool.DETAIL_API_KEY);
        assertTrue(stored, SimulatedPools.CIPHER.isCurrent(stored));
        assertEquals(Secret.of(sim.apiKey()), SimulatedPools.CIPHER.decrypt(stored));
    }

    @Test
    public void anEncryptedKeyThatCloudStackReSavedAsDisplayedIsHiddenAgain() {
        String stored = db.poolDetailRows.get(1L).get(ElastiStorPool.DETAIL_API_KEY);
        db.poolDetails.addDetail(1L, ElastiStorPool.DETAIL_API_KEY, stored, true);

        assertTrue(pools.arrays.protectApiKey(1L).isPresent());

        assertEquals(stored, db.poolDetailRows.get(1L).get(ElastiStorPool.DETAIL_API_KEY));
        assertFalse(db.isDisplayed(StoragePoolDetailsDao.class, 1L, ElastiStorPool.DETAIL_API_KEY));
    }
}
