// Licensed under the Apache License, Version 2.0. See LICENSE in the project root.
package io.elastisnap.e2e;

import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertFalse;
import static org.junit.Assert.assertTrue;

import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import io.elastisnap.cli.Main;
import io.elastisnap.elasticenter.ElastiCenterClient;
import io.elastisnap.engine.ConsistencyEngineListener;
import io.elastisnap.engine.ConsistencyLevel;
import io.elastisnap.engine.ConsistencyPolicy;
import io.elastisnap.engine.EngineRuntime;
import io.elastisnap.engine.FreezeLimits;
import io.elastisnap.engine.guard.ProcessThawGuard;
import io.elastisnap.engine.journal.FreezeJournal;
import io.elastisnap.engine.libvirt.LibvirtGuestQuiescer;
import io.elastisnap.engine.libvirt.LibvirtUriConnection;
import io.elastisnap.engine.pool.ElastiCenterPoolArray;
import io.elastisnap.engine.pool.GroupMember;
import io.elastisnap.engine.pool.GroupSnapshotRequest;
import io.elastisnap.engine.pool.GroupSnapshotResult;
import io.elastisnap.engine.pool.GroupSnapshotter;
import io.elastisnap.engine.pool.LoopImageCloneHost;
import io.elastisnap.engine.pool.PoolFlusher;
import io.elastisnap.engine.pool.PoolSnapshotLedger;
import io.elastisnap.engine.pool.PoolVolume;
import io.elastisnap.engine.pool.VolumeRestore;
import io.elastisnap.simulator.ElastiCenterSimulator;
import io.elastisnap.simulator.SimVolume;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.apache.logging.log4j.LogManager;
import org.apache.logging.log4j.Logger;
import org.apache.logging.log4j.core.config.Configurator;
import org.junit.AfterClass;
import org.junit.BeforeClass;
import org.junit.Test;

/**
 * Pool-level mode on real infrastructure: the simulator's pool volume is an image file with XFS, loop-mounted at the
 * pool's mount point; two real TCG guests boot from qcow2 files on it; a group snapshot under write load in both
 * guests is one reflink copy of the pool image; restores clone it, attach the clone on a second loop device, mount it
 * (XFS log recovery, {@code nouuid}) and copy one qcow2 out with qemu-img. The clone's loop attach stands in for the
 * iSCSI login a real ElastiStor clone needs.
 */
public class PoolGroupSnapshotOnRealGuestTest {
    private static final Logger LOG = LogManager.getLogger(PoolGroupSnapshotOnRealGuestTest.class);
    private static final long POOL_BYTES = 2L << 30;

    private static Fixture fixture;
    private static StoreDirectory store;
    private static ElastiCenterSimulator simulator;
    private static ElastiCenterClient client;
    private static SimVolume poolVolume;
    private static String poolDevice;
    private static Path mount;
    private static GuestVm guestA;
    private static GuestVm guestB;

    @BeforeClass
    public static void bootTwoGuestsOnOnePool() throws Exception {
        fixture = Fixture.require();
        store = StoreDirectory.create(fixture, "pool-");
        simulator = ElastiCenterSimulator.builder().dataDirectory(store.path()).start();
        client = EngineWiring.client(simulator.baseUrl(), simulator.apiKey(), simulator.certificateSha256());
        poolVolume = simulator.provisionVolume("pool-xfs", POOL_BYTES);
        HostCommand.runOk("mkfs.xfs", "-q", "-f", poolVolume.imagePath().toString());
        poolDevice = HostCommand.runOk("losetup", "--find", "--show", poolVolume.imagePath().toString()).trim();
        mount = Files.createDirectories(store.path().resolve("pool-mount"));
        HostCommand.runOk("mount", poolDevice, mount.toString());
        guestA = GuestVm.boot(fixture, "pool-a", List.of(qcow2Disk("a")), false);
        guestB = GuestVm.boot(fixture, "pool-b", List.of(qcow2Disk("b")), false);
    }

    /** An ext4 disk as a qcow2 file on the pool (made raw beside it, then converted: no nbd on this kernel). */
    private static Path qcow2Disk(String name) {
        Path raw = store.path().resolve(name + "-raw.img");
        Path qcow2 = mount.resolve("vm-" + name + ".qcow2");
        HostCommand.runOk("truncate", "-s", "128M", raw.toString());
        Ext4Image.format(raw);
        HostCommand.runOk("qemu-img", "convert", "-f", "raw", "-O", "qcow2", raw.toString(), qcow2.toString());
        HostCommand.runOk("rm", "-f", raw.toString());
        return qcow2;
    }

    @AfterClass
    public static void tearDown() throws Exception {
        for (GuestVm guest : new GuestVm[] {guestA, guestB}) {
            if (guest != null) {
                guest.close();
            }
        }
        if (mount != null) {
            HostCommand.run("umount", mount.toString());
        }
        if (poolDevice != null) {
            HostCommand.run("losetup", "--detach", poolDevice);
        }
        if (client != null) {
            client.close();
        }
        if (simulator != null) {
            simulator.close();
        }
        if (store != null) {
            store.close();
        }
    }

    @Test
    public void groupSnapshotUnderLoadIsConsistentInBothGuestsAndRestoringOneLeavesTheOtherByteIdentical() throws Exception {
        Path journal = store.path().resolve("journal");
        PoolSnapshotLedger ledger = new PoolSnapshotLedger(store.path().resolve("ledger"));
        ElastiCenterPoolArray array = new ElastiCenterPoolArray(client);
        PoolVolume pool = new PoolVolume(poolVolume.id(), mount);
        guestA.execOk("touch /data/.load");
        guestB.execOk("touch /data/.load");
        Thread.sleep(1500);

        GroupSnapshotResult result;
        try (LibvirtUriConnection libvirt = new LibvirtUriConnection(fixture.libvirtUri())) {
            GroupSnapshotter group = new GroupSnapshotter(new LibvirtGuestQuiescer(libvirt), array, new FreezeJournal(journal),
                    EngineRuntime.shared(), ConsistencyEngineListener.NONE, new ProcessThawGuard(fixture::libvirtUri),
                    PoolFlusher.SYNCFS, ledger);
            FreezeLimits limits = FreezeLimits.builder().maxFrozenWindow(Duration.ofSeconds(8)).build();
            result = group.snapshot(new GroupSnapshotRequest("e2e1", "esgroup-e2e1", List.of(
                    new GroupMember(guestA.name(), ConsistencyPolicy.REQUIRED, List.of(), limits,
                            List.of(new GroupMember.Disk("vda", pool, mount.resolve("vm-a.qcow2")))),
                    new GroupMember(guestB.name(), ConsistencyPolicy.REQUIRED, List.of(), limits,
                            List.of(new GroupMember.Disk("vda", pool, mount.resolve("vm-b.qcow2")))))));
            assertTrue(group.awaitFreezeSessions(Duration.ofSeconds(30)));
        }
        guestA.execOk("rm -f /data/.load");
        guestB.execOk("rm -f /data/.load");
        LOG.info("group snapshot of 2 real guests under write load: group frozen window {} ms (syncfs + pool snapshot {} ms);"
                + " guest windows {} / {} ms", result.groupFrozenWindow().toMillis(), result.flushAndSnapshot().toMillis(),
                result.members().get(0).timings().frozenWindow().toMillis(), result.members().get(1).timings().frozenWindow().toMillis());
        result.members().forEach(m -> assertEquals(ConsistencyLevel.FS_FROZEN, m.level()));
        assertEquals("one array snapshot for the pool", 1, client.listStorageSnapshots(poolVolume.id()).size());
        assertEquals("frozen", "thawed", guestA.freezeStatus());
        assertEquals("thawed", guestB.freezeStatus());

        cliGroupSnapshotOfBothGuests();

        VolumeRestore restore = new VolumeRestore(array, new LoopImageCloneHost(store.path().resolve("volumes")), ledger,
                store.path().resolve("work"));
        for (GuestVm guest : new GuestVm[] {guestA, guestB}) {
            Path copy = store.path().resolve("from-snapshot-" + guest.name() + ".qcow2");
            VolumeRestore.Timings t = restore.restore("e2e1/" + guest.name() + "/vda", copy, false);
            LOG.info("volume from snapshot of {}: {}", guest.name(), t);
            assertConsistentExt4(copy, "volume from the group snapshot of " + guest.name());
        }
        assertNoCloneLeft();

        guestA.close();
        guestA = null;
        guestB.close();
        guestB = null;
        String bBefore = sha256(mount.resolve("vm-b.qcow2"));
        String aBefore = sha256(mount.resolve("vm-a.qcow2"));
        VolumeRestore.Timings inPlace = restore.restore("e2e1/" + fixture.domainName("pool-a") + "/vda", mount.resolve("vm-a.qcow2"), true);
        LOG.info("restore in place of vm-a.qcow2: {}", inPlace);
        assertEquals("the other VM's file on the pool is byte-identical", bBefore, sha256(mount.resolve("vm-b.qcow2")));
        assertFalse("vm-a.qcow2 was replaced", aBefore.equals(sha256(mount.resolve("vm-a.qcow2"))));
        assertConsistentExt4(mount.resolve("vm-a.qcow2"), "vm-a.qcow2 restored in place");
        assertNoCloneLeft();

        guestA = GuestVm.boot(fixture, "pool-a", List.of(mount.resolve("vm-a.qcow2")), false);
        String mounted = guestA.execOk("grep ' /data ext4 ' /proc/mounts; tail -n 1 /data/heartbeat");
        assertTrue("the restored disk mounts in the guest: " + mounted, mounted.contains("/data ext4"));
        LOG.info("restored guest booted; /data mounted, last heartbeat before the snapshot: {}", mounted.trim());

        ledger.release("e2e1/" + fixture.domainName("pool-a") + "/vda", array);
        assertEquals(1, client.listStorageSnapshots(poolVolume.id()).size());
        assertTrue(ledger.release("e2e1/" + fixture.domainName("pool-b") + "/vda", array).deletedOnArray());
        assertEquals(0, client.listStorageSnapshots(poolVolume.id()).size());
    }

    /**
     * The same through the operator's command, in-process: {@code elastisnap create --group} of both guests, its JSON,
     * then {@code release --group}, which deletes the pool snapshot with its last reference.
     */
    private static void cliGroupSnapshotOfBothGuests() throws Exception {
        Path key = Files.writeString(store.path().resolve("api-key"), simulator.apiKey() + "\n");
        Files.setPosixFilePermissions(key, PosixFilePermissions.fromString("rw-------"));
        Path config = Files.writeString(store.path().resolve("elastisnap.conf"), String.join("\n",
                "elasticenter.url = " + simulator.baseUrl(), "elasticenter.api-key-file = " + key,
                "elasticenter.pin-sha256 = " + simulator.certificateSha256(), "libvirt.uri = " + fixture.libvirtUri(),
                "state-dir = " + store.path().resolve("cli-state"), ""));
        String created = cli("create", "--group", "cli1", "--pool", poolVolume.id() + "=" + mount, guestA.name(), guestB.name(),
                "--json", "--config", config.toString());
        JsonObject result = JsonParser.parseString(created).getAsJsonObject().getAsJsonObject("result");
        LOG.info("elastisnap create --group cli1 of both real guests: group frozen window {} ms, syncfs + pool snapshot {} ms",
                result.get("groupFrozenWindowMs").getAsLong(), result.get("flushAndSnapshotMs").getAsLong());
        result.getAsJsonArray("members").forEach(m -> assertEquals("FS_FROZEN", m.getAsJsonObject().get("consistencyLevel").getAsString()));
        assertEquals(2, client.listStorageSnapshots(poolVolume.id()).size());
        cli("release", "--group", "cli1", "--config", config.toString());
        assertEquals(1, client.listStorageSnapshots(poolVolume.id()).size());
        assertEquals("thawed", guestA.freezeStatus());
        assertEquals("thawed", guestB.freezeStatus());
    }

    private static String cli(String... args) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        int code;
        try {
            code = Main.run(args, new PrintStream(out, true), new PrintStream(err, true), Map.of());
        } finally {
            Configurator.reconfigure(); // the CLI points logging at its own streams; the test's log goes on as configured
        }
        assertEquals(String.join(" ", args) + ": " + err, 0, code);
        return out.toString();
    }

    /** needs_recovery clear (the guest was frozen) and e2fsck -fn clean, read through a raw copy of the qcow2. */
    private static void assertConsistentExt4(Path qcow2, String what) {
        Path raw = store.path().resolve("check-" + qcow2.getFileName() + ".raw");
        HostCommand.runOk("qemu-img", "convert", "-O", "raw", qcow2.toString(), raw.toString());
        try {
            assertFalse(what + ": ext4 needs_recovery must be clear", Ext4Image.needsRecovery(raw));
            HostCommand.Result fsck = Ext4Image.check(raw);
            assertEquals(what + ": e2fsck -fn must be clean: " + fsck.output, 0, fsck.exitCode);
            LOG.info("{}: needs_recovery clear, e2fsck -fn clean", what);
        } finally {
            HostCommand.run("rm", "-f", raw.toString());
        }
    }

    /** No clone volume on the array, no loop device on an image other than the pool's. */
    private static void assertNoCloneLeft() {
        assertEquals("clone volumes left on the array", 0, client.listFileSystems(null).stream()
                .filter(v -> v.name().startsWith("esnap-restore")).count());
        String backing = HostCommand.runOk("losetup", "--list", "--noheadings", "--output", "BACK-FILE");
        assertEquals("loop devices on our images: " + backing, 1, backing.lines()
                .filter(l -> l.contains(store.path().toString())).count());
    }

    private static String sha256(Path file) {
        return HostCommand.runOk("sha256sum", file.toString()).split(" ")[0];
    }
}
