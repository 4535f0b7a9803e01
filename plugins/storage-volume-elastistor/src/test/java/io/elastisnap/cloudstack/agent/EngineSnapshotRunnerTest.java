// Licensed under the Apache License, Version 2.0. See LICENSE in the project root.
package io.elastisnap.cloudstack.agent;

import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertFalse;
import static org.junit.Assert.assertSame;
import static org.junit.Assert.assertTrue;

import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.Arrays;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;

import org.junit.After;
import org.junit.Before;
import org.junit.Rule;
import org.junit.Test;
import org.junit.rules.TemporaryFolder;

import io.elastisnap.cloudstack.command.ElastiCenterEndpoint;
import io.elastisnap.cloudstack.command.TakeConsistentSnapshotAnswer;
import io.elastisnap.cloudstack.command.TakeConsistentSnapshotCommand;
import io.elastisnap.cloudstack.command.VolumeSnapshotResult;
import io.elastisnap.cloudstack.command.VolumeSnapshotSpec;
import io.elastisnap.cloudstack.elasticenter.ElastiCenterClients;
import io.elastisnap.cloudstack.testsupport.ScriptedGuest;
import io.elastisnap.elasticenter.Secret;
import io.elastisnap.elasticenter.TlsTrust;
import io.elastisnap.engine.DomainDisk;
import io.elastisnap.engine.FreezeLimits;
import io.elastisnap.engine.GuestFileSystem;
import io.elastisnap.engine.PciAddress;
import io.elastisnap.engine.RecoveryOutcome;
import io.elastisnap.engine.journal.FreezeJournal;
import io.elastisnap.engine.journal.JournalEntry;
import io.elastisnap.engine.journal.JournalOwner;
import io.elastisnap.simulator.ElastiCenterSimulator;
import io.elastisnap.simulator.Fault;
import io.elastisnap.simulator.SimVolume;

/** The agent runner on the real engine against two simulated ElastiCenters over HTTPS, with a scripted guest. */
public class EngineSnapshotRunnerTest {
    @Rule
    public TemporaryFolder temp = new TemporaryFolder();

    private ElastiCenterSimulator ec1;
    private ElastiCenterSimulator ec2;
    private ElastiCenterClients clients;
    private ScriptedGuest guest;
    private EngineSnapshotRunner runner;
    private Path journal;

    @Before
    public void setUp() throws Exception {
        ec1 = ElastiCenterSimulator.builder().apiKey("key-one").start();
        ec2 = ElastiCenterSimulator.builder().apiKey("key-two").start();
        clients = new ElastiCenterClients();
        guest = new ScriptedGuest();
        journal = temp.newFolder("journal").toPath();
        runner = new EngineSnapshotRunner(guest, new FreezeJournal(journal), clients);
    }

    @After
    public void tearDown() {
        clients.close();
        ec1.close();
        ec2.close();
    }

    private static TakeConsistentSnapshotCommand command(ElastiCenterSimulator sim, String policy, String... volumeAndName) {
        List<VolumeSnapshotSpec> volumes = new java.util.ArrayList<>();
        for (int i = 0; i < volumeAndName.length; i += 2) {
            volumes.add(new VolumeSnapshotSpec(volumeAndName[i], volumeAndName[i + 1]));
        }
        return new TakeConsistentSnapshotCommand("i-2-10-VM", volumes, policy, Collections.emptyList(),
                FreezeLimits.builder().maxFrozenWindow(Duration.ofSeconds(4)).freezeTimeout(Duration.ofSeconds(2))
                        .thawTimeout(Duration.ofSeconds(2)).build(), Duration.ofSeconds(30),
                new ElastiCenterEndpoint(sim.baseUrl().toString(), TlsTrust.pinnedSha256(sim.certificateSha256())), Secret.of(sim.apiKey()));
    }

    @Test
    public void oneFreezeSnapshotsEveryVolumeAndThaws() {
        SimVolume root = ec1.provisionVolume("root", 1L << 30);
        SimVolume data = ec1.provisionVolume("data", 1L << 30);

        TakeConsistentSnapshotAnswer answer = runner.run(command(ec1, "REQUIRED", root.id(), "cs-a", data.id(), "cs-b"), null);

        assertTrue(answer.getDetails(), answer.getResult());
        assertEquals("FS_FROZEN", answer.getConsistencyLevel());
        assertEquals(Arrays.asList(root.zfsPath() + "@cs-a", data.zfsPath() + "@cs-b"),
                answer.getSnapshots().stream().map(VolumeSnapshotResult::getPath).collect(Collectors.toList()));
        assertEquals(Collections.singletonList(root.zfsPath() + "@cs-a"), ec1.snapshotPaths(root.id()));
        assertEquals(1, guest.count("freeze"));
        assertFalse("the guest ends thawed", guest.isFrozen());
        assertTrue(answer.getFrozenWindowMillis() >= 0);
    }

    @Test
    public void aVolumeSnapshotFreezesOnlyTheFileSystemsOnTheDiskWithTheVolumesSerial() {
        SimVolume data = ec1.provisionVolume("data", 1L << 30);
        String serial = VolumeSnapshotSpec.cloudStackDiskSerial("2a0c6fd1-b5a5-4c2c-a1d4-e5f60718293a");
        PciAddress rootSlot = new PciAddress(0, 0, 4, 0);
        PciAddress dataSlot = new PciAddress(0, 0, 5, 0);
        guest.withFileSystems(List.of(new DomainDisk("vda", "disk", "virtio", "1f0c6fd1b5a54c2ca1d4", rootSlot),
                new DomainDisk("vdb", "disk", "virtio", serial, dataSlot)),
                List.of(new GuestFileSystem("/", "ext4", List.of(new GuestFileSystem.Disk("1f0c6fd1b5a54c2ca1d4", "virtio", rootSlot, "/dev/vda"))),
                        new GuestFileSystem("/data1", "ext4", List.of(new GuestFileSystem.Disk(serial, "virtio", dataSlot, "/dev/vdb")))));
        TakeConsistentSnapshotCommand command = new TakeConsistentSnapshotCommand("i-2-10-VM",
                List.of(new VolumeSnapshotSpec(data.id(), "cs-a", serial)), "REQUIRED", Collections.emptyList(),
                FreezeLimits.defaults(), Duration.ofSeconds(30),
                new ElastiCenterEndpoint(ec1.baseUrl().toString(), TlsTrust.pinnedSha256(ec1.certificateSha256())), Secret.of(ec1.apiKey()));

        TakeConsistentSnapshotAnswer answer = runner.run(command, null);

        assertTrue(answer.getDetails(), answer.getResult());
        assertEquals("FS_FROZEN", answer.getConsistencyLevel());
        assertEquals(1, guest.count("freeze"));
        assertTrue(guest.calls.toString(), guest.calls.contains("freeze i-2-10-VM /data1"));
        assertEquals("partial freeze of /data1 (the file systems on vdb); 1 other file system(s) kept running",
                answer.getFreezeScope());
    }

    @Test
    public void commandsForTwoElastiCentersShareOneEngineAndKeepTheirOwnClients() {
        SimVolume v1 = ec1.provisionVolume("v1", 1L << 30);
        SimVolume v2 = ec2.provisionVolume("v2", 1L << 30);

        assertTrue(runner.run(command(ec1, "BEST_EFFORT", v1.id(), "cs-1"), null).getResult());
        assertTrue(runner.run(command(ec2, "BEST_EFFORT", v2.id(), "cs-2"), null).getResult());
        assertTrue(runner.run(command(ec1, "BEST_EFFORT", v1.id(), "cs-3"), null).getResult());

        assertEquals(Arrays.asList(v1.zfsPath() + "@cs-1", v1.zfsPath() + "@cs-3"), ec1.snapshotPaths(v1.id()));
        assertEquals(Collections.singletonList(v2.zfsPath() + "@cs-2"), ec2.snapshotPaths(v2.id()));
        assertEquals("one cached client per ElastiCenter", 2, clients.size());
    }

    @Test
    public void requiredFreezeThatFailsLeavesNoSnapshotAndAThawedGuest() {
        guest.failFreezes();
        SimVolume root = ec1.provisionVolume("root", 1L << 30);

        TakeConsistentSnapshotAnswer answer = runner.run(command(ec1, "REQUIRED", root.id(), "cs-a"), null);

        assertFalse(answer.getResult());
        assertEquals(answer.getDetails(), "FREEZE_FAILED", answer.getFailureReason());
        assertTrue(ec1.snapshotPaths(root.id()).isEmpty());
        assertFalse(guest.isFrozen());
    }

    @Test
    public void bestEffortFallsBackToCrashConsistentAndSaysSo() {
        guest.failFreezes();
        SimVolume root = ec1.provisionVolume("root", 1L << 30);

        TakeConsistentSnapshotAnswer answer = runner.run(command(ec1, "BEST_EFFORT", root.id(), "cs-a"), null);

        assertTrue(answer.getDetails(), answer.getResult());
        assertEquals("QUIESCE_FAILED", answer.getConsistencyLevel());
        assertEquals(1, ec1.snapshotPaths(root.id()).size());
    }

    @Test
    public void aFailingArraySnapshotUndoesTheOthersAndThaws() {
        SimVolume root = ec1.provisionVolume("root", 1L << 30);
        SimVolume data = ec1.provisionVolume("data", 1L << 30);
        ec1.faults().inject("createStorageSnapshot", Fault.error(530, "pool is full").times(1));

        TakeConsistentSnapshotAnswer answer = runner.run(command(ec1, "REQUIRED", root.id(), "cs-a", data.id(), "cs-b"), null);

        assertFalse(answer.getResult());
        assertEquals("SNAPSHOT_FAILED", answer.getFailureReason());
        assertTrue(ec1.snapshotPaths(root.id()).isEmpty());
        assertTrue(ec1.snapshotPaths(data.id()).isEmpty());
        assertFalse(guest.isFrozen());
        assertFalse(answer.getDetails().contains("key-one"));
    }

    @Test
    public void aHungArrayIsAnsweredWithoutWaitingForItAndTheCallStillOutIsDeletedWhenItReturns() throws Exception {
        SimVolume root = ec1.provisionVolume("root", 1L << 30);
        SimVolume data = ec1.provisionVolume("data", 1L << 30);
        ec1.faults().inject("createStorageSnapshot", Fault.hang());

        TakeConsistentSnapshotAnswer answer = runner.run(command(ec1, "REQUIRED", root.id(), "cs-a", data.id(), "cs-b"), null);

        assertFalse(answer.getResult());
        assertFalse("the guest was thawed before the answer", guest.isFrozen());
        assertTrue("answered while the calls still hang: " + answer.getDetails(),
                answer.getDetails().contains("still outstanding on the array: cs-a on volume " + root.id()
                        + " (its create call had not returned: this agent deletes it when the call returns)"));
        assertTrue(answer.getDetails(), answer.getDetails().contains("cs-b on volume " + data.id()));
        assertTrue(answer.getDetails(), answer.getDetails().endsWith("the ElastiStor reconcile task reports whatever of these remains as an orphan (and removes it with elastistor.reconcile.remove.orphans=true)"));

        ec1.faults().clear();

        Instant deadline = Instant.now().plusSeconds(20);
        while ((!ec1.snapshotPaths(root.id()).isEmpty() || !ec1.snapshotPaths(data.id()).isEmpty()) && Instant.now().isBefore(deadline)) {
            TimeUnit.MILLISECONDS.sleep(50);
        }
        assertTrue("deleted once its call returned", ec1.snapshotPaths(root.id()).isEmpty());
        assertTrue("deleted once its call returned", ec1.snapshotPaths(data.id()).isEmpty());
    }

    @Test
    public void anUnknownPolicyIsAnInvalidRequestBeforeAnyGuestOrArrayCall() {
        SimVolume root = ec1.provisionVolume("root", 1L << 30);
        TakeConsistentSnapshotAnswer answer = runner.run(command(ec1, "SOMETIMES", root.id(), "cs-a"), null);
        assertFalse(answer.getResult());
        assertEquals("INVALID_REQUEST", answer.getFailureReason());
        assertTrue(guest.calls.isEmpty());
        assertTrue(ec1.snapshotPaths(root.id()).isEmpty());
    }

    @Test
    public void aChangedKeyGetsItsOwnClientWhileTheSameKeySharesOne() {
        ElastiCenterEndpoint endpoint = new ElastiCenterEndpoint(ec1.baseUrl().toString(), TlsTrust.insecure());
        java.time.Duration deadline = java.time.Duration.ofSeconds(30);
        assertTrue(clients.get(endpoint, Secret.of("k1"), deadline) == clients.get(endpoint, Secret.of("k1"), deadline));
        assertFalse(clients.get(endpoint, Secret.of("k1"), deadline) == clients.get(endpoint, Secret.of("k2"), deadline));
    }

    @Test
    public void aRunnerNoWrapperStartedRecoversTheJournalFromItsFirstCommand() throws Exception {
        guest.leftFrozen();
        recordFreezeOfDeadAgent(journal, "i-2-99-VM");
        SimVolume root = ec1.provisionVolume("root", 1L << 30);

        assertEquals("INVALID_REQUEST", runner.run(command(ec1, "SOMETIMES", root.id(), "cs-a"), null).getFailureReason());

        List<RecoveryOutcome> outcomes = runner.startRecovery(null).get(1, TimeUnit.MINUTES);
        assertEquals(RecoveryOutcome.Action.THAWED, outcomes.get(0).action());
        assertEquals(1, guest.count("thaw"));
        assertFalse(guest.isFrozen());
        assertFalse(new FreezeJournal(journal).read("i-2-99-VM").isPresent());
    }

    @Test
    public void recoveryIsRetriedUntilLibvirtAnswersAndKeepsTheEntryMeanwhile() throws Exception {
        guest.leftFrozen().libvirtUnreachableFor(2);
        recordFreezeOfDeadAgent(journal, "i-2-96-VM");

        List<RecoveryOutcome> outcomes = runner.startRecovery(null).get(1, TimeUnit.MINUTES);

        assertEquals(RecoveryOutcome.Action.THAWED, outcomes.get(0).action());
        assertEquals(Arrays.asList("unreachable i-2-96-VM", "unreachable i-2-96-VM", "status i-2-96-VM"), guest.calls.subList(0, 3));
        assertEquals(1, guest.count("thaw"));
        assertFalse(guest.isFrozen());
        assertFalse(new FreezeJournal(journal).read("i-2-96-VM").isPresent());
        assertSame("started once", runner.startRecovery(null).get(), outcomes);
    }

    /** An agent process that died while the guest was frozen (a pid that cannot be running any more). */
    static void recordFreezeOfDeadAgent(Path journal, String domain) throws java.io.IOException {
        JournalOwner dead = JournalOwner.of(ProcessHandle.current().pid(), Instant.EPOCH);
        new FreezeJournal(journal).record(new JournalEntry(domain, "session-1", dead, "kvm1", Instant.now(), Duration.ofSeconds(8),
                Collections.emptyList()));
    }
}
