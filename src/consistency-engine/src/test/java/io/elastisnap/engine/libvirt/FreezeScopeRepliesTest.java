// Licensed under the Apache License, Version 2.0. See LICENSE in the project root.
package io.elastisnap.engine.libvirt;

import static io.elastisnap.engine.libvirt.AgentRepliesTest.assertKind;
import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertFalse;
import static org.junit.Assert.assertTrue;

import io.elastisnap.engine.DomainDisk;
import io.elastisnap.engine.GuestAgentException;
import io.elastisnap.engine.GuestAgentException.Kind;
import io.elastisnap.engine.GuestFileSystem;
import io.elastisnap.engine.PciAddress;
import java.util.List;
import org.junit.Test;

/**
 * What the freeze scope is derived from, as the real guest and libvirt answered: {@code guest-get-fsinfo} of qemu-ga
 * 7.2.22 in the e2e guest (four virtio-blk disks with serials, logged by PartialFreezeOnRealGuestTest, 2026-12-05) and the
 * domain XML libvirt 9.0 returned for it. The Windows reply is modelled on qemu-ga-win's documented answer (no Windows
 * guest here).
 */
public class FreezeScopeRepliesTest {
    private static final String LINUX_FSINFO = "{\"return\":[{\"name\":\"vdd\",\"total-bytes\":950239232,\"mountpoint\":\"/data3\","
            + "\"disk\":[{\"serial\":\"64ea9ed9715644418fb9\",\"bus-type\":\"virtio\",\"bus\":0,\"unit\":0,\"pci-controller\":"
            + "{\"bus\":0,\"slot\":6,\"domain\":0,\"function\":0},\"dev\":\"/dev/vdd\",\"target\":0}],\"used-bytes\":28672,"
            + "\"type\":\"ext4\"},{\"name\":\"vdc\",\"total-bytes\":950239232,\"mountpoint\":\"/data2\",\"disk\":[{\"serial\":"
            + "\"03bce1fe778c498eb9e2\",\"bus-type\":\"virtio\",\"bus\":0,\"unit\":0,\"pci-controller\":{\"bus\":0,\"slot\":5,"
            + "\"domain\":0,\"function\":0},\"dev\":\"/dev/vdc\",\"target\":0}],\"used-bytes\":28672,\"type\":\"ext4\"}]}";
    /** A disk qemu-ga found no PCI device for (-1 members), and a file system it could trace to no disk. */
    private static final String UNTRACED_FSINFO = "{\"return\":[{\"name\":\"sda1\",\"mountpoint\":\"/boot\",\"type\":\"xfs\","
            + "\"disk\":[{\"bus-type\":\"unknown\",\"bus\":-1,\"unit\":-1,\"target\":-1,\"pci-controller\":{\"bus\":-1,\"slot\":-1,"
            + "\"domain\":-1,\"function\":-1},\"dev\":\"/dev/sda\"}]},{\"name\":\"loop0\",\"mountpoint\":\"/mnt/image\","
            + "\"type\":\"ext4\",\"disk\":[]}]}";
    private static final String WINDOWS_FSINFO = "{\"return\":[{\"name\":\"\\\\\\\\?\\\\Volume{4a8e1c1f-0000-0000-0000-100000000000}\\\\\","
            + "\"total-bytes\":42947571712,\"mountpoint\":\"C:\\\\\",\"disk\":[{\"serial\":\"1f0c6fd1b5a54c2ca1d4\",\"bus-type\":"
            + "\"scsi\",\"bus\":0,\"unit\":0,\"pci-controller\":{\"bus\":0,\"slot\":4,\"domain\":0,\"function\":0},\"target\":0}],"
            + "\"type\":\"NTFS\"}]}";
    private static final String DOMAIN_XML = "<domain type='qemu' id='22'><name>es-e2e-partial</name><devices>\n"
            + "<emulator>/usr/bin/qemu-system-x86_64</emulator>\n"
            + "<disk type='file' device='disk'><driver name='qemu' type='raw' cache='none'/>"
            + "<source file='/var/tmp/elastisnap-e2e/xfs/partial/volumes/7819a2bf.img' index='2'/><backingStore/>"
            + "<target dev='vdc' bus='virtio'/><serial>7819a2bfd723406196f3</serial><alias name='virtio-disk2'/>"
            + "<address type='pci' domain='0x0000' bus='0x00' slot='0x05' function='0x0'/></disk>\n"
            + "<disk type='file' device='cdrom'><driver name='qemu' type='raw'/><target dev='hdc' bus='ide'/><readonly/>"
            + "<address type='drive' controller='0' bus='1' target='0' unit='0'/></disk>\n"
            + "<disk type='block' device='disk'><source dev='/dev/disk/by-path/ip-10.0.0.5:3260-iscsi-iqn.2026-12.es:vol1-lun-0'/>"
            + "<target dev='sda' bus='scsi'/><serial>2a0c6fd1b5a54c2ca1d4</serial>"
            + "<address type='drive' controller='0' bus='0' target='0' unit='1'/></disk>\n"
            + "<controller type='usb' index='0'/></devices></domain>";

    @Test
    public void fsinfoOfTheRealGuestGivesMountPointsSerialsAndPciAddresses() throws GuestAgentException {
        List<GuestFileSystem> fileSystems = AgentReplies.fileSystems(LINUX_FSINFO);

        assertEquals(2, fileSystems.size());
        GuestFileSystem data2 = fileSystems.get(1);
        assertEquals("/data2", data2.mountPoint());
        assertEquals("ext4", data2.type());
        GuestFileSystem.Disk disk = data2.disks().get(0);
        assertEquals("03bce1fe778c498eb9e2", disk.serial().get());
        assertEquals("virtio", disk.busType());
        assertEquals(new PciAddress(0, 0, 5, 0), disk.pciController().get());
        assertEquals("/dev/vdc", disk.device().get());
    }

    @Test
    public void untracedDevicesKeepWhatTheAgentKnows() throws GuestAgentException {
        List<GuestFileSystem> fileSystems = AgentReplies.fileSystems(UNTRACED_FSINFO);

        GuestFileSystem.Disk boot = fileSystems.get(0).disks().get(0);
        assertFalse("-1 members are no address", boot.pciController().isPresent());
        assertFalse(boot.serial().isPresent());
        assertTrue(fileSystems.get(1).disks().isEmpty());
    }

    @Test
    public void windowsMountPointsAreDriveLetters() throws GuestAgentException {
        assertEquals("C:\\", AgentReplies.fileSystems(WINDOWS_FSINFO).get(0).mountPoint());
    }

    @Test
    public void anUnreadableFsinfoIsAProtocolError() {
        assertKind(Kind.PROTOCOL, () -> AgentReplies.fileSystems("{\"return\":{}}"));
        assertKind(Kind.PROTOCOL, () -> AgentReplies.fileSystems("{\"return\":[{\"name\":\"vda\"}]}"));
        assertKind(Kind.COMMAND_UNSUPPORTED, () -> AgentReplies.fileSystems(
                "{\"error\":{\"class\":\"CommandNotFound\",\"desc\":\"The command guest-get-fsinfo has not been found\"}}"));
    }

    @Test
    public void theDomainXmlGivesTargetsSerialsAndPciAddresses() throws GuestAgentException {
        List<DomainDisk> disks = DomainDisks.parse("es-e2e-partial", DOMAIN_XML);

        assertEquals(3, disks.size());
        DomainDisk vdc = disks.get(0);
        assertEquals("vdc", vdc.target());
        assertEquals("virtio", vdc.bus());
        assertEquals("7819a2bfd723406196f3", vdc.serial().get());
        assertEquals(new PciAddress(0, 0, 5, 0), vdc.pciAddress().get());
        assertTrue(vdc.isDisk());
        DomainDisk cdrom = disks.get(1);
        assertFalse("a cdrom is no disk a volume snapshot could leave out", cdrom.isDisk());
        assertFalse(cdrom.pciAddress().isPresent());
        DomainDisk scsi = disks.get(2);
        assertEquals("2a0c6fd1b5a54c2ca1d4", scsi.serial().get());
        assertFalse("a SCSI disk's drive address is not a PCI address", scsi.pciAddress().isPresent());
    }

    @Test
    public void aDomainXmlWithADoctypeIsRefused() {
        assertKind(Kind.PROTOCOL, () -> DomainDisks.parse("d", "<!DOCTYPE domain [<!ENTITY x SYSTEM 'file:///etc/passwd'>]>"
                + "<domain><devices><disk><target dev='&x;'/></disk></devices></domain>"));
        assertKind(Kind.PROTOCOL, () -> DomainDisks.parse("d", "not xml"));
    }
}
