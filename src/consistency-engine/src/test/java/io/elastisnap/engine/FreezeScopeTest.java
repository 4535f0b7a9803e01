// Licensed under the Apache License, Version 2.0. See LICENSE in the project root.
package io.elastisnap.engine;

import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertFalse;
import static org.junit.Assert.assertTrue;
import static org.junit.Assert.fail;

import io.elastisnap.engine.ConsistentSnapshotException.Reason;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import org.junit.Rule;
import org.junit.Test;

/**
 * The freeze scope through the engine: a snapshot of some disks freezes only the file systems on them
 * (guest-fsfreeze-freeze-list), a VM snapshot and every uncertain mapping freeze the whole guest and say why, and
 * FS_FROZEN is claimed only when every file system on the snapshotted disks was frozen. The guest's answers are
 * modelled on what qemu-ga 7.2 reports (see AgentRepliesTest for the recorded replies themselves).
 */
public class FreezeScopeTest {
    @Rule
    public final EngineFixture f = new EngineFixture();

    private static final PciAddress SLOT_4 = new PciAddress(0, 0, 4, 0);
    private static final PciAddress SLOT_5 = new PciAddress(0, 0, 5, 0);
    private static final PciAddress SLOT_6 = new PciAddress(0, 0, 6, 0);

    /** vda (root, /), vdb (/data1), vdc (/data2): virtio-blk disks on the root bus, serials as CloudStack sets them. */
    private void threeDisksEachWithItsFileSystem() {
        f.guest.disks(disk("vda", "1f0c6fd1b5a54c2ca1d4", SLOT_4), disk("vdb", "2a0c6fd1b5a54c2ca1d4", SLOT_5),
                disk("vdc", "3b0c6fd1b5a54c2ca1d4", SLOT_6), new DomainDisk("hdc", "cdrom", "ide", null, null));
        f.guest.fileSystems(fs("/", guestDisk(null, SLOT_4, "/dev/vda")), fs("/data1", guestDisk(null, SLOT_5, "/dev/vdb")),
                fs("/data2", guestDisk(null, SLOT_6, "/dev/vdc")));
    }

    private ConsistentSnapshotRequest.Builder snapshotOf(String... targets) {
        ConsistentSnapshotRequest.Builder request = ConsistentSnapshotRequest.builder(f.domain).limits(EngineFixture.fastLimits().build());
        for (String target : targets) {
            request.volume("vol-" + target, "snap-1", target);
        }
        return request;
    }

    @Test
    public void aSnapshotOfOneDataDiskFreezesOnlyTheFileSystemOnIt() throws Exception {
        threeDisksEachWithItsFileSystem();

        ConsistentSnapshotResult result = f.engine().snapshot(snapshotOf("vdb").build());

        assertEquals(ConsistencyLevel.FS_FROZEN, result.level());
        FreezeScope scope = result.freezeScope().get();
        assertEquals(FreezeScope.Kind.PARTIAL, scope.kind());
        assertEquals(List.of("/data1"), scope.frozenMountPoints());
        assertEquals(List.of("vdb"), scope.disks());
        assertEquals(2, scope.fileSystemsKeptRunning());
        assertEquals("partial freeze", scope.kind().label());
        assertEquals(List.of("/data1"), f.guest.lastMountPoints());
        assertEquals(1, f.log.count("freeze:/data1"));
        assertEquals(1, result.frozenFileSystems());
        assertFalse(f.guest.isFrozen());
        assertTrue(scope.describe(), scope.describe().startsWith("partial freeze of /data1 (the file systems on vdb)"));
    }

    @Test
    public void theMappingRunsInPreflightNotInsideTheWindow() throws Exception {
        threeDisksEachWithItsFileSystem();

        f.engine().snapshot(snapshotOf("vdc").build());

        List<String> events = f.log.events();
        assertTrue(events.toString(), events.indexOf("fsinfo") < events.indexOf("guard-freeze"));
    }

    @Test
    public void serialsMatchWhenTheGuestReportsThem() throws Exception {
        // no PCI address (e.g. behind a PCIe root port): the serial decides; SCSI's ID_SERIAL ends with "_<serial>"
        f.guest.disks(disk("vda", "1f0c6fd1b5a54c2ca1d4", new PciAddress(0, 1, 0, 0)),
                new DomainDisk("sdb", "disk", "scsi", "2a0c6fd1b5a54c2ca1d4e5f6", null));
        f.guest.fileSystems(fs("/", guestDisk("1f0c6fd1b5a54c2ca1d4", new PciAddress(0, 1, 0, 0), "/dev/vda")),
                fs("/srv", new GuestFileSystem.Disk("0QEMU_QEMU_HARDDISK_2a0c6fd1b5a54c2ca1d4e5f6", "scsi", null, "/dev/sda")));

        ConsistentSnapshotResult result = f.engine().snapshot(snapshotOf("sdb").build());

        assertEquals(List.of("/srv"), result.freezeScope().get().frozenMountPoints());
    }

    @Test
    public void aVolumeKnownOnlyByItsSerialIsFoundThroughTheDomainDefinition() throws Exception {
        threeDisksEachWithItsFileSystem();

        ConsistentSnapshotResult result = f.engine().snapshot(ConsistentSnapshotRequest.builder(f.domain)
                .limits(EngineFixture.fastLimits().build()).volumeWithSerial("vol-c", "snap-1", "3b0c6fd1b5a54c2ca1d4").build());

        assertEquals(List.of("/data2"), result.freezeScope().get().frozenMountPoints());
    }

    @Test
    public void aFileSystemSpanningASnapshottedAndAnotherDiskIsFrozen() throws Exception {
        threeDisksEachWithItsFileSystem();
        // LVM / device-mapper over vdb and vdc
        f.guest.fileSystems(fs("/", guestDisk(null, SLOT_4, "/dev/vda")),
                fs("/pool", guestDisk(null, SLOT_5, "/dev/vdb"), guestDisk(null, SLOT_6, "/dev/vdc")));

        ConsistentSnapshotResult result = f.engine().snapshot(snapshotOf("vdc").build());

        assertEquals(List.of("/pool"), result.freezeScope().get().frozenMountPoints());
    }

    @Test
    public void aVmSnapshotFreezesTheWholeGuestWithoutAskingForFileSystems() throws Exception {
        threeDisksEachWithItsFileSystem();

        ConsistentSnapshotResult result = f.engine().snapshot(snapshotOf("vda", "vdb", "vdc").build());

        assertWholeGuest(result, "every disk of the domain is snapshotted");
        assertEquals("the cdrom does not count as a disk left out", 0, f.log.count("fsinfo"));
    }

    @Test
    public void everyFileSystemOnTheSnapshottedDisksMeansTheWholeGuest() throws Exception {
        threeDisksEachWithItsFileSystem();
        f.guest.fileSystems(fs("/", guestDisk(null, SLOT_4, "/dev/vda")), fs("/data1", guestDisk(null, SLOT_5, "/dev/vdb")));

        ConsistentSnapshotResult result = f.engine().snapshot(snapshotOf("vda", "vdb").build());

        assertWholeGuest(result, "every file system of the guest lies on vda, vdb");
        assertEquals(List.of("/", "/data1"), result.freezeScope().get().frozenMountPoints());
    }

    // ------------------------------------------------------------ fallbacks: each freezes the whole guest and says why

    @Test
    public void fallbackAgentWithoutDiskDetails() throws Exception {
        threeDisksEachWithItsFileSystem();
        Set<String> withoutFsInfo = new HashSet<>(FakeGuest.ALL_COMMANDS);
        withoutFsInfo.remove(AgentCapabilities.FSINFO);
        f.guest.enabledCommands(withoutFsInfo);

        assertWholeGuest(f.engine().snapshot(snapshotOf("vdb").build()), "does not offer guest-get-fsinfo");
    }

    @Test
    public void fallbackAgentWithoutFreezeList() throws Exception {
        threeDisksEachWithItsFileSystem();
        Set<String> withoutList = new HashSet<>(FakeGuest.ALL_COMMANDS);
        withoutList.remove(AgentCapabilities.FREEZE_LIST);
        f.guest.enabledCommands(withoutList);

        assertWholeGuest(f.engine().snapshot(snapshotOf("vdb").build()), "does not offer guest-fsfreeze-freeze-list");
    }

    @Test
    public void fallbackFileSystemWithoutDisks() throws Exception {
        threeDisksEachWithItsFileSystem();
        f.guest.fileSystems(fs("/", guestDisk(null, SLOT_4, "/dev/vda")), fs("/data1", guestDisk(null, SLOT_5, "/dev/vdb")),
                fs("/mnt/image"));

        assertWholeGuest(f.engine().snapshot(snapshotOf("vdb").build()),
                "file system /mnt/image (ext4) is on a device the guest agent cannot trace to a disk");
    }

    @Test
    public void fallbackDeviceMapperOverADiskThatMapsToNoDiskOfTheDomain() throws Exception {
        threeDisksEachWithItsFileSystem();
        // one leg behind a PCIe root port without a serial: guest and host number that bus differently
        f.guest.fileSystems(fs("/", guestDisk(null, SLOT_4, "/dev/vda")),
                fs("/pool", guestDisk(null, SLOT_5, "/dev/vdb"), guestDisk(null, new PciAddress(0, 1, 0, 0), "/dev/vdd")));

        assertWholeGuest(f.engine().snapshot(snapshotOf("vdc").build()), "maps to no disk of the domain");
    }

    @Test
    public void fallbackWindowsGuest() throws Exception {
        f.guest.disks(disk("vda", null, SLOT_4), disk("vdb", null, SLOT_5));
        f.guest.fileSystems(new GuestFileSystem("C:\\", "NTFS", List.of(guestDisk(null, SLOT_4, null))),
                new GuestFileSystem("D:\\", "NTFS", List.of(guestDisk(null, SLOT_5, null))));

        ConsistentSnapshotResult result = f.engine().snapshot(snapshotOf("vdb").build());

        assertWholeGuest(result, "a Windows guest (C:\\)");
        assertEquals(List.of("C:\\", "D:\\"), result.freezeScope().get().frozenMountPoints());
    }

    @Test
    public void fallbackVolumeThatNamesNoDisk() throws Exception {
        threeDisksEachWithItsFileSystem();

        ConsistentSnapshotResult result = f.engine().snapshot(ConsistentSnapshotRequest.builder(f.domain)
                .limits(EngineFixture.fastLimits().build()).volume("vol-x", "snap-1").build());

        assertWholeGuest(result, "volume vol-x names no disk of the domain (no disk or serial given; its disks: [vda, vdb, vdc, hdc])");
    }

    @Test
    public void fallbackDomainDisksUnreadable() throws Exception {
        f.guest.fileSystems(fs("/data1", guestDisk(null, SLOT_5, "/dev/vdb")));

        assertWholeGuest(f.engine().snapshot(snapshotOf("vdb").build()), "the domain's disks could not be read");
    }

    @Test
    public void fallbackNoFileSystemOnTheSnapshottedDisk() throws Exception {
        threeDisksEachWithItsFileSystem();
        f.guest.fileSystems(fs("/", guestDisk(null, SLOT_4, "/dev/vda")), fs("/data1", guestDisk(null, SLOT_5, "/dev/vdb")));

        assertWholeGuest(f.engine().snapshot(snapshotOf("vdc").build()), "no file system of the guest lies on vdc");
    }

    @Test
    public void givenMountPointsAreFrozenAsGiven() throws Exception {
        threeDisksEachWithItsFileSystem();

        ConsistentSnapshotResult result = f.engine().snapshot(snapshotOf("vdb").mountPoints(List.of("/data2")).build());

        assertEquals(FreezeScope.Kind.GIVEN_MOUNT_POINTS, result.freezeScope().get().kind());
        assertEquals(List.of("/data2"), f.guest.lastMountPoints());
        assertEquals(0, f.log.count("fsinfo"));
    }

    // ------------------------------------------------------------ FS_FROZEN stays honest

    @Test
    public void aFileSystemMissingFromThePartialFreezeFailsRequiredAfterTheThaw() throws Exception {
        threeDisksEachWithItsFileSystem();
        f.guest.fileSystems(fs("/", guestDisk(null, SLOT_4, "/dev/vda")), fs("/data1", guestDisk(null, SLOT_5, "/dev/vdb")),
                fs("/data1/sub", guestDisk(null, SLOT_5, "/dev/vdb")), fs("/data2", guestDisk(null, SLOT_6, "/dev/vdc")));
        f.guest.loseFileSystemsBeforeFreeze(1);

        try {
            f.engine().snapshot(snapshotOf("vdb").build());
            fail("REQUIRED must not claim FS_FROZEN with a file system of the volume unfrozen");
        } catch (ConsistentSnapshotException e) {
            assertEquals(Reason.FREEZE_FAILED, e.reason());
            assertTrue(e.getMessage(), e.getMessage().contains("froze 1 of the 2 file systems on the snapshotted disks"));
        }
        assertFalse(f.guest.isFrozen());
        assertTrue(f.array.existing().isEmpty());
    }

    @Test
    public void aFileSystemMissingFromThePartialFreezeIsNotFsFrozenUnderBestEffort() throws Exception {
        threeDisksEachWithItsFileSystem();
        f.guest.fileSystems(fs("/", guestDisk(null, SLOT_4, "/dev/vda")), fs("/data1", guestDisk(null, SLOT_5, "/dev/vdb")),
                fs("/data1/sub", guestDisk(null, SLOT_5, "/dev/vdb")), fs("/data2", guestDisk(null, SLOT_6, "/dev/vdc")));
        f.guest.loseFileSystemsBeforeFreeze(1);

        ConsistentSnapshotResult result = f.engine().snapshot(snapshotOf("vdb").policy(ConsistencyPolicy.BEST_EFFORT).build());

        assertEquals(ConsistencyLevel.QUIESCE_FAILED, result.level());
        assertEquals(Reason.FREEZE_FAILED, result.quiesceFailure().get().reason());
        assertFalse(result.freezeScope().isPresent());
        assertFalse(f.guest.isFrozen());
    }

    private void assertWholeGuest(ConsistentSnapshotResult result, String reason) {
        assertEquals(ConsistencyLevel.FS_FROZEN, result.level());
        FreezeScope scope = result.freezeScope().get();
        assertEquals(FreezeScope.Kind.WHOLE_GUEST, scope.kind());
        assertTrue(scope.wholeGuestReason().get(), scope.wholeGuestReason().get().contains(reason));
        assertEquals("whole guest (" + scope.wholeGuestReason().get() + ")", scope.describe());
        assertEquals("plain guest-fsfreeze-freeze: " + f.log.events(), List.of(), f.guest.lastMountPoints());
        assertFalse(f.guest.isFrozen());
    }

    private static DomainDisk disk(String target, String serial, PciAddress pci) {
        return new DomainDisk(target, "disk", "virtio", serial, pci);
    }

    private static GuestFileSystem.Disk guestDisk(String serial, PciAddress pci, String dev) {
        return new GuestFileSystem.Disk(serial, "virtio", pci, dev);
    }

    private static GuestFileSystem fs(String mountPoint, GuestFileSystem.Disk... disks) {
        return new GuestFileSystem(mountPoint, "ext4", List.of(disks));
    }
}
