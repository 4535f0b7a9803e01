// Licensed under the Apache License, Version 2.0. See LICENSE in the project root.
package io.elastisnap.cloudstack.pool;

import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertFalse;
import static org.junit.Assert.assertNotEquals;
import static org.junit.Assert.assertNull;
import static org.junit.Assert.assertTrue;
import static org.junit.Assert.fail;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Collections;
import java.util.List;
import java.util.Map;

import org.apache.cloudstack.engine.subsystem.api.storage.ObjectInDataStoreStateMachine;
import org.apache.cloudstack.engine.subsystem.api.storage.SnapshotInfo;
import org.apache.cloudstack.engine.subsystem.api.storage.SnapshotStrategy.SnapshotOperation;
import org.apache.cloudstack.engine.subsystem.api.storage.StrategyPriority;
import org.apache.cloudstack.storage.datastore.db.StoragePoolDetailsDao;
import org.junit.After;
import org.junit.Before;
import org.junit.Rule;
import org.junit.Test;
import org.junit.rules.TemporaryFolder;

import com.cloud.hypervisor.Hypervisor.HypervisorType;
import com.cloud.storage.Snapshot;
import com.cloud.storage.Storage.StoragePoolType;
import com.cloud.utils.exception.CloudRuntimeException;
import com.cloud.vm.VirtualMachine;
import com.google.gson.Gson;

import io.elastisnap.cloudstack.ElastiStorPool;
import io.elastisnap.cloudstack.testsupport.CapturedLogs;
import io.elastisnap.cloudstack.testsupport.Entities;
import io.elastisnap.engine.pool.CloneHost;
import io.elastisnap.simulator.Fault;

/** Adopt, take, delete by reference and the refusals, through the real agent wrapper and engine (see {@link AdoptedPoolTestBed}). */
public class AdoptedPoolSnapshotTest {
    @Rule
    public TemporaryFolder temp = new TemporaryFolder();

    private AdoptedPoolTestBed bed;
    private CapturedLogs logs;
    private String poolVolume;

    @Before
    public void setUp() throws Exception {
        logs = new CapturedLogs();
        Path mount = temp.newFolder("pool-mount").toPath();
        bed = new AdoptedPoolTestBed(temp.getRoot().toPath(), mount, CloneHost.class.cast(null));
        poolVolume = bed.ec.provisionVolume("pool-fs", 1L << 30).id();
    }

    @After
    public void tearDown() {
        bed.close();
        logs.close();
    }

    private List<String> onArray() {
        return bed.ec.snapshotPaths(poolVolume);
    }

    private String refusal(Runnable adopt) {
        try {
            adopt.run();
            fail("expected a refusal");
            return null;
        } catch (IllegalArgumentException e) {
            assertFalse("the key is never quoted: " + e.getMessage(), e.getMessage().contains(AdoptedPoolTestBed.API_KEY));
            return e.getMessage();
        }
    }

    @Test
    public void adoptionChecksThePoolAndTheArrayBeforeStoringAnything() {
        String url = bed.ec.baseUrl().toString();
        String tls = "sha256:" + bed.ec.certificateSha256();
        String uuid = bed.pool.getUuid();

        assertTrue(refusal(() -> bed.adoptedPools.adopt(uuid, url, tls, "wrong-key-0123456789", poolVolume))
                .contains("refused the API key"));
        assertTrue(refusal(() -> bed.adoptedPools.adopt(uuid, url, tls, AdoptedPoolTestBed.API_KEY, "no-such-volume"))
                .contains("has no volume no-such-volume"));
        assertTrue(refusal(() -> bed.adoptedPools.adopt(uuid, "http://" + bed.ec.baseUrl().getAuthority(), tls,
                AdoptedPoolTestBed.API_KEY, poolVolume)).contains("https://host[:port]"));
        assertTrue(refusal(() -> bed.adoptedPools.adopt("no-such-pool", url, tls, AdoptedPoolTestBed.API_KEY, poolVolume))
                .contains("No storage pool with id no-such-pool"));
        bed.pool.hypervisor = new HypervisorType("VMware");
        assertTrue(refusal(() -> bed.adopt(poolVolume)).contains("is not a KVM pool"));
        bed.pool.hypervisor = HypervisorType.KVM;
        bed.pool.type = StoragePoolType.RBD;
        assertTrue(refusal(() -> bed.adopt(poolVolume)).contains("only SharedMountPoint or NetworkFilesystem pools"));
        bed.pool.type = StoragePoolType.NetworkFilesystem;
        assertTrue("nothing stored by a refused adoption", bed.db.detailsOf(bed.db.poolDetailRows, AdoptedPoolTestBed.POOL).isEmpty());

        AdoptedPool adopted = bed.adopt(poolVolume);
        assertEquals(poolVolume, adopted.poolVolumeId());
        assertEquals("NetworkFilesystem", adopted.poolType());
        Map<String, String> details = bed.db.detailsOf(bed.db.poolDetailRows, AdoptedPoolTestBed.POOL);
        String storedKey = details.get(ElastiStorPool.DETAIL_API_KEY);
        assertNotEquals("stored encrypted", AdoptedPoolTestBed.API_KEY, storedKey);
        assertFalse(storedKey.contains(AdoptedPoolTestBed.API_KEY));
        assertFalse("hidden", bed.db.isDisplayed(StoragePoolDetailsDao.class, AdoptedPoolTestBed.POOL, ElastiStorPool.DETAIL_API_KEY));
        assertEquals(Collections.singletonList(AdoptedPoolTestBed.POOL), bed.adoptedPools.list().stream().map(AdoptedPool::poolId)
                .collect(java.util.stream.Collectors.toList()));
        String answer = new Gson().toJson(adopted) + new Gson().toJson(bed.adoptedPools.list());
        assertFalse("no key in what the API answers", answer.contains(AdoptedPoolTestBed.API_KEY) || answer.contains(storedKey));
        assertTrue(refusal(() -> bed.adopt(poolVolume)).contains("is adopted already"));

        Entities.Pool managed = bed.db.pool(6L, ElastiStorPool.PROVIDER_NAME);
        assertTrue(refusal(() -> bed.adoptedPools.adopt(managed.getUuid(), url, tls, AdoptedPoolTestBed.API_KEY, poolVolume))
                .contains("is a managed ElastiStor pool"));
        assertFalse(String.join("\n", logs.all()), String.join("\n", logs.all()).contains(AdoptedPoolTestBed.API_KEY));
    }

    @Test
    public void aVolumeSnapshotIsOnePoolSnapshotTakenInsideTheGuestFreezeAndDeletedWithItsLastReference() throws Exception {
        bed.adopt(poolVolume);
        Entities.Vol root = bed.volume(11, "root-0001.qcow2");
        SnapshotInfo snapshot = bed.snapshotOf(root, 41);
        assertEquals(StrategyPriority.HIGHEST, bed.strategy.canHandle(snapshot, null, SnapshotOperation.TAKE));

        bed.strategy.takeSnapshot(snapshot);

        assertEquals(Snapshot.State.CreatedOnPrimary, bed.db.snapshots.get(41L).state);
        assertEquals(ObjectInDataStoreStateMachine.State.Ready, bed.refs.get(41L));
        assertEquals(1, onArray().size());
        assertTrue(onArray().get(0), onArray().get(0).endsWith("@" + AdoptedPool.snapshotName("snap-uuid-41")));
        assertEquals("one freeze, thawed", 1, bed.guest.count("freeze"));
        assertEquals("the pool's mount flushed inside the freeze", Collections.singletonList(bed.mountPoint), bed.flushes);
        assertEquals(1, bed.guest.count("thaw"));
        Map<String, String> details = bed.db.detailsOf(bed.db.snapshotDetailRows, 41);
        assertEquals("FS_FROZEN", details.get(ElastiStorPool.SNAPSHOT_CONSISTENCY));
        assertEquals(onArray().get(0), details.get(AdoptedPool.SNAPSHOT_PATH));
        assertEquals("root-0001.qcow2", details.get(AdoptedPool.SNAPSHOT_FILE));
        assertTrue("the host's ledger handed the pool snapshot over to CloudStack's details", bed.agentLedger.entries().isEmpty());

        // a second CloudStack snapshot referring to the same pool snapshot (as the members of one VM snapshot do)
        Entities.Vol data = bed.volume(12, "data-0002.qcow2");
        bed.snapshotOf(data, 42);
        details.forEach((name, value) -> bed.db.snapshotDetails.addDetail(42L, name, value, false));
        bed.db.snapshotDetails.addDetail(42L, AdoptedPool.SNAPSHOT_FILE, "data-0002.qcow2", false);
        bed.db.snapshots.get(42L).state = Snapshot.State.BackedUp;
        bed.db.snapshots.get(41L).state = Snapshot.State.BackedUp;

        assertEquals(StrategyPriority.HIGHEST, bed.strategy.canHandle(bed.db.snapshots.get(41L), null, SnapshotOperation.DELETE));
        assertTrue(bed.strategy.deleteSnapshot(41L, null));
        assertEquals("still referenced by snapshot 42", 1, onArray().size());
        assertEquals(Snapshot.State.Destroyed, bed.db.snapshots.get(41L).state);
        assertTrue(bed.strategy.deleteSnapshot(42L, null));
        assertTrue("deleted with its last reference", onArray().isEmpty());
        assertEquals(Snapshot.State.Destroyed, bed.db.snapshots.get(42L).state);
        assertFalse(String.join("\n", logs.all()), String.join("\n", logs.all()).contains(AdoptedPoolTestBed.API_KEY));
    }

    @Test
    public void aStoppedVmsVolumeIsSnapshottedByAHostWithThePoolWithoutAFreeze() {
        bed.adopt(poolVolume);
        bed.vm.state = VirtualMachine.State.Stopped;
        Entities.Vol root = bed.volume(11, "root-0001.qcow2");
        bed.strategy.takeSnapshot(bed.snapshotOf(root, 41));
        assertEquals(1, onArray().size());
        assertEquals(0, bed.guest.count("freeze"));
        assertEquals("the host flushed the pool first", Collections.singletonList(bed.mountPoint), bed.flushes);
        assertEquals("VM_NOT_RUNNING", bed.db.detailsOf(bed.db.snapshotDetailRows, 41).get(ElastiStorPool.SNAPSHOT_CONSISTENCY));
    }

    @Test
    public void anNfsPoolIsFoundByTheAgentAsNfsAndSnapshottedTheSameWay() {
        bed.pool.type = StoragePoolType.NetworkFilesystem;
        bed.adopt(poolVolume);
        bed.strategy.takeSnapshot(bed.snapshotOf(bed.volume(11, "root-0001.qcow2"), 41));
        assertEquals(Collections.singletonList(StoragePoolType.NetworkFilesystem), bed.askedForType);
        assertEquals(Collections.singletonList(bed.mountPoint), bed.flushes);
        assertEquals(1, onArray().size());
        assertEquals("FS_FROZEN", bed.db.detailsOf(bed.db.snapshotDetailRows, 41).get(ElastiStorPool.SNAPSHOT_CONSISTENCY));
    }

    @Test
    public void backupToSecondaryTrueIsRefusedBeforeAnythingIsFrozen() {
        bed.adopt(poolVolume);
        bed.configuration.remove(PoolFileSnapshotStrategy.BACKUP_TO_SECONDARY);
        Entities.Vol root = bed.volume(11, "root-0001.qcow2");
        try {
            bed.strategy.takeSnapshot(bed.snapshotOf(root, 41));
            fail("CloudStack's default would record the pool snapshot as a backup");
        } catch (CloudRuntimeException e) {
            assertTrue(e.getMessage(), e.getMessage().contains("snapshot.backup.to.secondary=false"));
            assertTrue("CloudStack shows the cause", e.getCause() instanceof UnsupportedOperationException);
        }
        assertEquals(0, bed.guest.count("freeze"));
        assertTrue(onArray().isEmpty());
        assertEquals(Snapshot.State.Allocated, bed.db.snapshots.get(41L).state);
    }

    @Test
    public void aFailedArraySnapshotThawsTheGuestAndLeavesNothingOnTheArray() {
        bed.adopt(poolVolume);
        bed.ec.faults().inject("createStorageSnapshot", Fault.error(530, "pool is busy").times(1));
        Entities.Vol root = bed.volume(11, "root-0001.qcow2");
        try {
            bed.strategy.takeSnapshot(bed.snapshotOf(root, 41));
            fail("the array refused the snapshot");
        } catch (CloudRuntimeException e) {
            assertTrue(e.getMessage(), e.getMessage().contains("pool is busy"));
        }
        assertEquals(1, bed.guest.count("freeze"));
        assertFalse("thawed", bed.guest.isFrozen());
        assertTrue(onArray().isEmpty());
        assertEquals(Snapshot.State.Error, bed.db.snapshots.get(41L).state);
        assertTrue("the host ledger has nothing pending", bed.agentLedger.entries().isEmpty());
        // the Error snapshot is still ours to delete (by name): nothing to find on the array, the row goes
        assertEquals(StrategyPriority.HIGHEST, bed.strategy.canHandle(bed.db.snapshots.get(41L), null, SnapshotOperation.DELETE));
        assertTrue(bed.strategy.deleteSnapshot(41L, null));
        assertEquals(Snapshot.State.Destroyed, bed.db.snapshots.get(41L).state);
    }

    @Test
    public void aPoolSnapshotWhoseAnswerIsLostIsDeletedByNameAndTheSnapshotFails() {
        bed.adopt(poolVolume);
        bed.answersLost = true;
        try {
            bed.strategy.takeSnapshot(bed.snapshotOf(bed.volume(11, "root-0001.qcow2"), 41));
            fail("no answer came back");
        } catch (CloudRuntimeException e) {
            assertTrue(e.getMessage(), e.getMessage().contains("could not reach the agent"));
        }
        assertFalse("the host thawed the guest", bed.guest.isFrozen());
        assertTrue("the management server found the host's pool snapshot by its name and deleted it", onArray().isEmpty());
        assertEquals(Snapshot.State.Error, bed.db.snapshots.get(41L).state);
    }

    @Test
    public void theNextTakeFinishesWhatAnAgentKilledMidTakeLeftOnItsPoolVolume() throws Exception {
        bed.adopt(poolVolume);
        bed.agentLedger.begin("espool-killed", "espool-killed", Collections.singletonList(poolVolume), Collections.singletonList(
                new io.elastisnap.engine.pool.PoolSnapshotRef("espool-killed/vm/root", "vm", "root", poolVolume, "root-0001.qcow2")));
        bed.pools.arrays.forPool(AdoptedPoolTestBed.POOL).createSnapshot(poolVolume, "espool-killed");
        Path entry = bed.agentLedger.directory().resolve(poolVolume + "@espool-killed.pool-snapshot.json");
        Process dead = new ProcessBuilder("true").start();
        dead.waitFor();
        Files.write(entry, new String(Files.readAllBytes(entry), java.nio.charset.StandardCharsets.UTF_8)
                .replaceFirst("\"ownerPid\": \\d+", "\"ownerPid\": " + dead.pid()).getBytes(java.nio.charset.StandardCharsets.UTF_8));

        bed.strategy.takeSnapshot(bed.snapshotOf(bed.volume(11, "root-0001.qcow2"), 41));

        assertEquals("only the new pool snapshot is left", 1, onArray().size());
        assertTrue(onArray().get(0), onArray().get(0).endsWith("@" + AdoptedPool.snapshotName("snap-uuid-41")));
        assertTrue(bed.agentLedger.entries().isEmpty());
    }

    @Test
    public void aFreezeThatFailsUnderTheRequiredPolicyCreatesNothing() {
        bed.adopt(poolVolume);
        bed.pools.settings.policy = "REQUIRED";
        bed.guest.failFreezes();
        try {
            bed.strategy.takeSnapshot(bed.snapshotOf(bed.volume(11, "root-0001.qcow2"), 41));
            fail("REQUIRED and the freeze failed");
        } catch (CloudRuntimeException e) {
            assertTrue(e.getMessage(), e.getMessage().contains("POOL_SNAPSHOT_FAILED"));
        }
        assertFalse(bed.guest.isFrozen());
        assertTrue(onArray().isEmpty());
        assertEquals(Snapshot.State.Error, bed.db.snapshots.get(41L).state);
    }

    @Test
    public void anErrorSnapshotWhoseTakeWasCutShortHasItsPoolSnapshotDeletedByName() {
        bed.adopt(poolVolume);
        Entities.Vol root = bed.volume(11, "root-0001.qcow2");
        bed.snapshotOf(root, 41);
        // what a management server that died after the agent's snapshot, before recording its path, leaves behind
        bed.pools.arrays.forPool(AdoptedPoolTestBed.POOL).createSnapshot(poolVolume, AdoptedPool.snapshotName("snap-uuid-41"));
        bed.db.snapshotDetails.addDetail(41L, AdoptedPool.SNAPSHOT_NAME, AdoptedPool.snapshotName("snap-uuid-41"), false);
        bed.db.snapshotDetails.addDetail(41L, AdoptedPool.SNAPSHOT_POOL, String.valueOf(AdoptedPoolTestBed.POOL), false);
        bed.db.snapshotDetails.addDetail(41L, AdoptedPool.SNAPSHOT_VOLUME, poolVolume, false);
        bed.db.snapshots.get(41L).state = Snapshot.State.Error;
        assertEquals(1, onArray().size());

        assertTrue(bed.strategy.deleteSnapshot(41L, null));
        assertTrue(onArray().isEmpty());
    }

    @Test
    public void theStrategyStepsAsideForEveryOtherPoolAndForSnapshotsItDidNotTake() {
        Entities.Vol root = bed.volume(11, "root-0001.qcow2");
        SnapshotInfo before = bed.snapshotOf(root, 40);
        assertEquals("not adopted yet", StrategyPriority.CANT_HANDLE, bed.strategy.canHandle(before, null, SnapshotOperation.TAKE));
        bed.adopt(poolVolume);
        assertEquals("a snapshot from before the adoption stays CloudStack's", StrategyPriority.CANT_HANDLE,
                bed.strategy.canHandle(before, null, SnapshotOperation.DELETE));
        assertEquals(StrategyPriority.CANT_HANDLE, bed.strategy.canHandle(before, null, SnapshotOperation.REVERT));
        assertEquals(StrategyPriority.CANT_HANDLE, bed.strategy.canHandle(before, null, SnapshotOperation.BACKUP));
        assertEquals(StrategyPriority.CANT_HANDLE, bed.strategy.canHandle(before, null, SnapshotOperation.COPY));
        Entities.Pool other = bed.db.pool(7L, "DefaultPrimary");
        other.type = StoragePoolType.NetworkFilesystem;
        Entities.Vol elsewhere = bed.db.volume(13, 7L, AdoptedPoolTestBed.VM);
        assertEquals(StrategyPriority.CANT_HANDLE, bed.strategy.canHandle(bed.snapshotOf(elsewhere, 43), null, SnapshotOperation.TAKE));
    }

    @Test
    public void aVolumeFromAPoolSnapshotOnAnotherPoolIsRefusedWithTheWayOut() {
        bed.adopt(poolVolume);
        bed.vm.state = VirtualMachine.State.Stopped;
        SnapshotInfo snapshot = bed.snapshotOf(bed.volume(11, "root-0001.qcow2"), 41);
        bed.strategy.takeSnapshot(snapshot);
        bed.db.pool(7L, "DefaultPrimary");
        Entities.Vol elsewhere = bed.db.volume(13, 7L, null);
        org.apache.cloudstack.engine.subsystem.api.storage.VolumeInfo target = bed.volumeInfo(elsewhere);
        org.apache.cloudstack.engine.subsystem.api.storage.DataStore otherStore =
                org.mockito.Mockito.mock(org.apache.cloudstack.engine.subsystem.api.storage.DataStore.class);
        org.mockito.Mockito.when(otherStore.getId()).thenReturn(7L);
        org.mockito.Mockito.when(target.getDataStore()).thenReturn(otherStore);
        assertEquals(StrategyPriority.HIGHEST, bed.dataMotion.canHandle(snapshot, target));
        io.elastisnap.cloudstack.testsupport.RecordingCallback<org.apache.cloudstack.engine.subsystem.api.storage.CopyCommandResult> done =
                new io.elastisnap.cloudstack.testsupport.RecordingCallback<>();
        bed.dataMotion.copyAsync(snapshot, target, null, done);
        assertFalse(done.single().isSuccess());
        assertTrue(done.single().getResult(), done.single().getResult().contains("can only be created on its own pool"));
        assertEquals("other snapshots are not claimed", StrategyPriority.CANT_HANDLE,
                bed.dataMotion.canHandle(bed.snapshotOf(elsewhere, 43), target));
    }

    @Test
    public void detachIsRefusedWhileSnapshotsHoldPoolSnapshots() {
        bed.adopt(poolVolume);
        bed.vm.state = VirtualMachine.State.Stopped;
        bed.strategy.takeSnapshot(bed.snapshotOf(bed.volume(11, "root-0001.qcow2"), 41));
        assertTrue(refusal(() -> bed.adoptedPools.detach(bed.pool.getUuid())).contains("snap-uuid-41"));
        assertTrue(bed.adoptedPools.find(AdoptedPoolTestBed.POOL).isPresent());

        bed.db.snapshots.get(41L).state = Snapshot.State.BackedUp;
        assertTrue(bed.strategy.deleteSnapshot(41L, null));
        bed.adoptedPools.detach(bed.pool.getUuid());
        assertFalse(bed.adoptedPools.find(AdoptedPoolTestBed.POOL).isPresent());
        Map<String, String> left = bed.db.detailsOf(bed.db.poolDetailRows, AdoptedPoolTestBed.POOL);
        assertNull(left.get(ElastiStorPool.DETAIL_API_KEY));
        assertTrue(left.toString(), left.isEmpty());
        assertTrue(refusal(() -> bed.adoptedPools.detach(bed.pool.getUuid())).contains("is not adopted"));
    }

    @Test
    public void revertIsRefusedWhileTheVmRuns() throws Exception {
        bed.adopt(poolVolume);
        Entities.Vol root = bed.volume(11, "root-0001.qcow2");
        SnapshotInfo snapshot = bed.snapshotOf(root, 41);
        bed.strategy.takeSnapshot(snapshot);
        try {
            bed.strategy.revertSnapshot(snapshot);
            fail("the VM runs");
        } catch (CloudRuntimeException e) {
            assertTrue(e.getMessage(), e.getMessage().contains("Stop VM"));
        }
        assertTrue(Files.isDirectory(bed.mountPoint));
    }
}
