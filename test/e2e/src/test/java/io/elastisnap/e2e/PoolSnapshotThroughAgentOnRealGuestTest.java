// Licensed under the Apache License, Version 2.0. See LICENSE in the project root.
package io.elastisnap.e2e;

import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertFalse;
import static org.junit.Assert.assertTrue;

import com.cloud.agent.api.Answer;
import io.elastisnap.cloudstack.agent.EngineSnapshotRunner;
import io.elastisnap.cloudstack.agent.PoolSnapshotRunner;
import io.elastisnap.cloudstack.command.ElastiCenterEndpoint;
import io.elastisnap.cloudstack.command.PoolSnapshotAnswer;
import io.elastisnap.cloudstack.command.RestorePoolVolumeCommand;
import io.elastisnap.cloudstack.command.TakePoolSnapshotCommand;
import io.elastisnap.cloudstack.elasticenter.ElastiCenterClients;
import io.elastisnap.elasticenter.Secret;
import io.elastisnap.elasticenter.TlsTrust;
import io.elastisnap.engine.FreezeLimits;
import io.elastisnap.engine.journal.FreezeJournal;
import io.elastisnap.engine.libvirt.LibvirtGuestQuiescer;
import io.elastisnap.engine.libvirt.LibvirtUriConnection;
import io.elastisnap.engine.pool.LoopImageCloneHost;
import io.elastisnap.engine.pool.PoolFlusher;
import io.elastisnap.engine.pool.PoolSnapshotLedger;
import io.elastisnap.simulator.ElastiCenterSimulator;
import io.elastisnap.simulator.Fault;
import io.elastisnap.simulator.SimVolume;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.apache.logging.log4j.LogManager;
import org.apache.logging.log4j.Logger;
import org.junit.AfterClass;
import org.junit.BeforeClass;
import org.junit.Test;

/**
 * The CloudStack plugin's pool-snapshot commands on a real guest: a TCG guest boots from an ext4 qcow2 file on an XFS
 * pool volume (the simulator's image, loop-mounted where a KVM host mounts a SharedMountPoint pool) and writes under
 * load; the plugin's agent runner takes the pool snapshot of it (TakePoolSnapshotCommand, as the wrapper passes it on
 * after looking the pool's mount point up) and restores the volume into a new file (RestorePoolVolumeCommand, the
 * volume-from-snapshot path); and kills the agent stand-in (production wiring: thaw guard, journal, host ledger)
 * with kill -9 mid pool snapshot. Stand-ins: the in-process runner is built with the fixture's libvirt and no thaw
 * guard; the agent is {@link AgentStandIn} (no CloudStack agent runs here); the clone is attached with losetup instead
 * of an iSCSI login.
 */
public class PoolSnapshotThroughAgentOnRealGuestTest {
    private static final Logger LOG = LogManager.getLogger(PoolSnapshotThroughAgentOnRealGuestTest.class);
    private static final long POOL_BYTES = 2L << 30;

    private static Fixture fixture;
    private static StoreDirectory store;
    private static ElastiCenterSimulator simulator;
    private static SimVolume poolVolume;
    private static String poolDevice;
    private static Path mount;
    private static GuestVm guest;

    @BeforeClass
    public static void bootAGuestOnThePool() throws Exception {
        fixture = Fixture.require();
        store = StoreDirectory.create(fixture, "agent-pool-");
        simulator = ElastiCenterSimulator.builder().dataDirectory(store.path()).start();
        poolVolume = simulator.provisionVolume("pool-xfs", POOL_BYTES);
        HostCommand.runOk("mkfs.xfs", "-q", "-f", poolVolume.imagePath().toString());
        poolDevice = HostCommand.runOk("losetup", "--find", "--show", poolVolume.imagePath().toString()).trim();
        mount = Files.createDirectories(store.path().resolve("pool-mount"));
        HostCommand.runOk("mount", poolDevice, mount.toString());
        Path raw = store.path().resolve("root-raw.img");
        HostCommand.runOk("truncate", "-s", "128M", raw.toString());
        Ext4Image.format(raw);
        HostCommand.runOk("qemu-img", "convert", "-f", "raw", "-O", "qcow2", raw.toString(), mount.resolve("vm-root.qcow2").toString());
        HostCommand.runOk("rm", "-f", raw.toString());
        guest = GuestVm.boot(fixture, "agent-pool", List.of(mount.resolve("vm-root.qcow2")), false);
    }

    @AfterClass
    public static void tearDown() throws Exception {
        if (guest != null) {
            guest.close();
        }
        if (mount != null) {
            HostCommand.run("umount", mount.toString());
        }
        if (poolDevice != null) {
            HostCommand.run("losetup", "--detach", poolDevice);
        }
        if (simulator != null) {
            simulator.close();
        }
        if (store != null) {
            store.close();
        }
    }

    @Test
    public void theAgentsPoolSnapshotOfARunningGuestIsFrozenAndAVolumeFromItIsAConsistentNewFile() throws Exception {
        ElastiCenterEndpoint endpoint = new ElastiCenterEndpoint(simulator.baseUrl().toString(),
                TlsTrust.pinnedSha256(simulator.certificateSha256()));
        PoolSnapshotLedger ledger = new PoolSnapshotLedger(store.path().resolve("agent-ledger"));
        try (LibvirtUriConnection libvirt = new LibvirtUriConnection(fixture.libvirtUri());
                ElastiCenterClients clients = new ElastiCenterClients()) {
            EngineSnapshotRunner runner = new EngineSnapshotRunner(new LibvirtGuestQuiescer(libvirt),
                    new FreezeJournal(store.path().resolve("journal")), clients, ledger, PoolFlusher.SYNCFS,
                    () -> new LoopImageCloneHost(store.path().resolve("volumes")));
            guest.execOk("touch /data/.load");
            Thread.sleep(1500);
            PoolSnapshotAnswer taken = runner.takePoolSnapshot(new TakePoolSnapshotCommand(guest.name(), "pool-uuid", "SharedMountPoint",
                    poolVolume.id(), "espool-e2e", List.of("vm-root.qcow2"), "REQUIRED",
                    FreezeLimits.builder().maxFrozenWindow(Duration.ofSeconds(8)).build(), Duration.ofSeconds(60), endpoint,
                    Secret.of(simulator.apiKey())), mount, libvirt);
            guest.execOk("rm -f /data/.load");
            LOG.info("agent pool snapshot of a real guest under write load: {}", taken.getDetails());
            assertTrue(taken.getDetails(), taken.getResult());
            assertEquals("FS_FROZEN", taken.getConsistencyLevel());
            assertEquals("thawed", guest.freezeStatus());
            assertTrue("one array snapshot of the pool volume for the take",
                    simulator.snapshotPaths(poolVolume.id()).contains(taken.getSnapshotPath()));
            assertTrue("handed over to CloudStack's records", ledger.entries().isEmpty());

            long start = System.nanoTime();
            Answer restored = runner.restorePoolVolume(new RestorePoolVolumeCommand("pool-uuid", "SharedMountPoint", poolVolume.id(),
                    "espool-e2e", taken.getSnapshotPath(), "vm-root.qcow2", "vm-copy.qcow2", true, Duration.ofSeconds(60), endpoint,
                    Secret.of(simulator.apiKey())), mount);
            LOG.info("volume from the agent's pool snapshot in {} ms: {}", (System.nanoTime() - start) / 1_000_000, restored.getDetails());
            assertTrue(restored.getDetails(), restored.getResult());
        }
        Path raw = store.path().resolve("check.raw");
        HostCommand.runOk("qemu-img", "convert", "-O", "raw", mount.resolve("vm-copy.qcow2").toString(), raw.toString());
        try {
            assertFalse("ext4 needs_recovery clear in the new volume", Ext4Image.needsRecovery(raw));
            HostCommand.Result fsck = Ext4Image.check(raw);
            assertEquals("e2fsck -fn clean: " + fsck.output, 0, fsck.exitCode);
        } finally {
            HostCommand.run("rm", "-f", raw.toString());
        }
        String backing = HostCommand.runOk("losetup", "--list", "--noheadings", "--output", "BACK-FILE");
        assertEquals("only the pool's loop device is left: " + backing, 1, backing.lines().filter(l -> l.contains(store.path().toString()))
                .count());
    }

    /**
     * kill -9 of the agent stand-in (production wiring: thaw guard, journal) while the guest is frozen and the pool
     * snapshot call hangs on the array: the guard thaws the guest within the window + 1 s; the dead agent's PENDING
     * host-ledger entry is finished by the next take on that pool volume.
     */
    @Test
    public void anAgentKilledMidPoolSnapshotLeavesAThawedGuestAndTheNextTakeFinishesItsLedgerEntry() throws Exception {
        Path work = Files.createDirectories(store.path().resolve("kill"));
        Path ledgerDirectory = work.resolve("ledger");
        Duration window = Duration.ofSeconds(8);
        simulator.faults().inject("createStorageSnapshot", Fault.hang());
        Process agent = ChildJvm.start(AgentStandIn.class, List.of("-Delastisnap.journal.dir=" + work.resolve("journal"),
                "-D" + PoolSnapshotRunner.LEDGER_DIRECTORY_PROPERTY + "=" + ledgerDirectory),
                List.of("pool", fixture.libvirtUri(), guest.name(), simulator.baseUrl().toString(), simulator.certificateSha256(),
                        poolVolume.id(), "espool-killed", Long.toString(window.toMillis()), mount.toString(), "vm-root.qcow2"),
                Map.of(FreezeThenHangOnArray.API_KEY_VARIABLE, simulator.apiKey()), work.resolve("agent.log"));
        Instant frozenAt;
        Instant killedAt;
        Instant thawedAt;
        try (FreezeStatusPoller poller = FreezeStatusPoller.start(fixture.libvirtUri(), guest.name(), work.resolve("status.log"))) {
            frozenAt = poller.await("frozen", Instant.EPOCH, Duration.ofSeconds(60));
            assertTrue("the stand-in exited before the kill, see " + work, agent.isAlive());
            killedAt = Instant.now();
            agent.destroyForcibly();
            assertTrue(agent.waitFor(10, TimeUnit.SECONDS));
            thawedAt = poller.await("thawed", frozenAt, window.plusSeconds(5));
        } finally {
            agent.destroyForcibly();
            simulator.faults().clear();
        }
        LOG.info("agent stand-in killed with kill -9 {} ms into a pool snapshot (array call hanging): thawed {} ms after the kill,"
                + " frozen {} ms (window {} ms)", Duration.between(frozenAt, killedAt).toMillis(),
                Duration.between(killedAt, thawedAt).toMillis(), Duration.between(frozenAt, thawedAt).toMillis(), window.toMillis());
        assertTrue("thawed within the window + 1 s", Duration.between(frozenAt, thawedAt).compareTo(window.plusSeconds(1)) <= 0);
        PoolSnapshotLedger ledger = new PoolSnapshotLedger(ledgerDirectory);
        assertEquals("the dead agent's entry", 1, ledger.entries().size());

        try (LibvirtUriConnection libvirt = new LibvirtUriConnection(fixture.libvirtUri());
                ElastiCenterClients clients = new ElastiCenterClients()) {
            EngineSnapshotRunner runner = new EngineSnapshotRunner(new LibvirtGuestQuiescer(libvirt),
                    new FreezeJournal(work.resolve("journal-2")), clients, ledger, PoolFlusher.SYNCFS,
                    () -> new LoopImageCloneHost(store.path().resolve("volumes")));
            PoolSnapshotAnswer next = runner.takePoolSnapshot(new TakePoolSnapshotCommand(guest.name(), "pool-uuid", "SharedMountPoint",
                    poolVolume.id(), "espool-next", List.of("vm-root.qcow2"), "REQUIRED",
                    FreezeLimits.builder().maxFrozenWindow(window).build(), Duration.ofSeconds(60), new ElastiCenterEndpoint(
                            simulator.baseUrl().toString(), TlsTrust.pinnedSha256(simulator.certificateSha256())),
                    Secret.of(simulator.apiKey())), mount, libvirt);
            assertTrue(next.getDetails(), next.getResult());
        }
        assertTrue("the next take finished the dead agent's entry", ledger.entries().isEmpty());
        assertFalse("no snapshot of the killed take is left", simulator.snapshotPaths(poolVolume.id()).stream()
                .anyMatch(p -> p.endsWith("@espool-killed")));
    }
}
