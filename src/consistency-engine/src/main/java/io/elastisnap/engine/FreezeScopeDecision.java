// Licensed under the Apache License, Version 2.0. See LICENSE in the project root.
package io.elastisnap.engine;

import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.stream.Collectors;

/**
 * The one place that decides which file systems a snapshot freezes. A snapshot of some of a guest's disks freezes only
 * the file systems that touch any of them ({@code guest-fsfreeze-freeze-list}); the rest of the guest keeps running.
 * The volumes are mapped to guest file systems through the domain's disks (target, serial, PCI address) and
 * {@code guest-get-fsinfo} (each file system's disks: serial, bus type, PCI address). Whenever that mapping is not
 * certain the whole guest is frozen, as before, and the scope says why: a freeze too wide costs milliseconds, one too
 * narrow would make a snapshot inconsistent while claiming FS_FROZEN.
 */
final class FreezeScopeDecision {
    /** virtio-blk hands the guest at most 20 bytes of a disk's serial (VIRTIO_BLK_ID_BYTES). */
    private static final int VIRTIO_SERIAL_BYTES = 20;

    private FreezeScopeDecision() {
    }

    /**
     * Decides with the agent's help. Called in pre-flight (never inside the window), once the agent is known to answer.
     * Only an interrupt escapes: every failure to learn the mapping means the whole guest.
     */
    static FreezeScope decide(ConsistentSnapshotRequest request, AgentCapabilities capabilities, BoundedQuiescer quiescer,
            Duration timeout) throws InterruptedException {
        if (!request.mountPoints().isEmpty()) {
            return FreezeScope.given(request.mountPoints());
        }
        String domain = request.domainName();
        List<DomainDisk> disks;
        try {
            disks = quiescer.disks(domain, timeout);
        } catch (GuestAgentException e) {
            return whole("the domain's disks could not be read: " + e.getMessage());
        }
        Set<DomainDisk> snapshotted = new LinkedHashSet<>();
        for (VolumeRequest volume : request.volumes()) {
            Optional<DomainDisk> disk = diskOf(volume, disks);
            if (!disk.isPresent()) {
                return whole("volume " + volume.volumeId() + " names no disk of the domain (" + identity(volume)
                        + "; its disks: " + targets(disks) + ")");
            }
            snapshotted.add(disk.get());
        }
        if (disks.stream().filter(DomainDisk::isDisk).allMatch(snapshotted::contains)) {
            return whole("every disk of the domain is snapshotted");
        }
        for (String command : List.of(AgentCapabilities.FSINFO, AgentCapabilities.FREEZE_LIST)) {
            if (!capabilities.isEnabled(command)) {
                return whole("the guest agent does not offer " + command + ", so its file systems cannot be told apart by disk");
            }
        }
        List<GuestFileSystem> fileSystems;
        try {
            fileSystems = quiescer.fileSystems(domain, timeout);
        } catch (GuestAgentException e) {
            return whole("guest-get-fsinfo failed: " + e.getMessage());
        }
        return decide(snapshotted, disks, fileSystems);
    }

    /** The mapping itself: the file systems touching any snapshotted disk, or the whole guest when unsure. */
    static FreezeScope decide(Set<DomainDisk> snapshotted, List<DomainDisk> disks, List<GuestFileSystem> fileSystems) {
        List<String> all = fileSystems.stream().map(GuestFileSystem::mountPoint).distinct().collect(Collectors.toList());
        for (GuestFileSystem fs : fileSystems) {
            if (!fs.mountPoint().startsWith("/")) {
                return FreezeScope.wholeGuest("a Windows guest (" + fs.mountPoint() + "): VSS freezes volumes its own way, so"
                        + " it is frozen whole", all);
            }
        }
        Set<String> freeze = new LinkedHashSet<>();
        for (GuestFileSystem fs : fileSystems) {
            if (fs.disks().isEmpty()) {
                return FreezeScope.wholeGuest("file system " + fs.mountPoint() + " (" + fs.type() + ") is on a device the guest"
                        + " agent cannot trace to a disk", all);
            }
            for (GuestFileSystem.Disk guestDisk : fs.disks()) {
                List<DomainDisk> matches = domainDisksOf(guestDisk, disks);
                if (matches.size() != 1) {
                    return FreezeScope.wholeGuest("file system " + fs.mountPoint() + " is on " + guestDisk + ", which "
                            + (matches.isEmpty() ? "maps to no disk of the domain" : "matches several disks: " + targets(matches))
                            + " (serial or PCI address on the root bus needed)", all);
                }
                if (snapshotted.contains(matches.get(0))) {
                    freeze.add(fs.mountPoint());
                }
            }
        }
        List<String> snapshottedTargets = targets(new ArrayList<>(snapshotted));
        if (freeze.isEmpty()) {
            return FreezeScope.wholeGuest("no file system of the guest lies on " + String.join(", ", snapshottedTargets), all);
        }
        if (freeze.size() == all.size()) {
            return FreezeScope.wholeGuest("every file system of the guest lies on " + String.join(", ", snapshottedTargets), all);
        }
        return FreezeScope.partial(new ArrayList<>(freeze), snapshottedTargets, all.size() - freeze.size());
    }

    private static FreezeScope whole(String reason) {
        return FreezeScope.wholeGuest(reason, List.of());
    }

    /** The domain disk a volume is attached as: by its target if given, else by its serial. */
    private static Optional<DomainDisk> diskOf(VolumeRequest volume, List<DomainDisk> disks) {
        if (volume.diskLabel().isPresent()) {
            String target = volume.diskLabel().get();
            return disks.stream().filter(d -> d.target().equals(target)).findFirst();
        }
        if (volume.diskSerial().isPresent()) {
            String serial = volume.diskSerial().get();
            List<DomainDisk> bySerial = disks.stream().filter(d -> d.serial().map(serial::equals).orElse(false))
                    .collect(Collectors.toList());
            return bySerial.size() == 1 ? Optional.of(bySerial.get(0)) : Optional.empty();
        }
        return Optional.empty();
    }

    /**
     * The domain disks a guest-reported disk can be: by serial (udev's ID_SERIAL is the serial itself for virtio-blk,
     * cut to 20 bytes, and ends with "_serial" for SCSI), else, for virtio-blk, by its PCI address on the root bus.
     */
    static List<DomainDisk> domainDisksOf(GuestFileSystem.Disk guestDisk, List<DomainDisk> disks) {
        if (guestDisk.serial().isPresent()) {
            String guestSerial = guestDisk.serial().get();
            List<DomainDisk> bySerial = disks.stream().filter(d -> d.serial().map(s -> serialMatches(guestSerial, s)).orElse(false))
                    .collect(Collectors.toList());
            if (!bySerial.isEmpty()) {
                return bySerial;
            }
        }
        Optional<PciAddress> pci = guestDisk.pciController().filter(PciAddress::onRootBus);
        if (pci.isPresent() && guestDisk.busType().equals("virtio")) {
            return disks.stream().filter(d -> d.bus().equals("virtio") && d.pciAddress().equals(pci))
                    .collect(Collectors.toList());
        }
        return List.of();
    }

    private static boolean serialMatches(String guestSerial, String domainSerial) {
        return guestSerial.equals(domainSerial)
                || guestSerial.equals(domainSerial.substring(0, Math.min(domainSerial.length(), VIRTIO_SERIAL_BYTES)))
                || guestSerial.endsWith("_" + domainSerial);
    }

    private static String identity(VolumeRequest volume) {
        if (volume.diskLabel().isPresent()) {
            return "disk " + volume.diskLabel().get();
        }
        return volume.diskSerial().map(s -> "serial " + s).orElse("no disk or serial given");
    }

    private static List<String> targets(List<DomainDisk> disks) {
        return disks.stream().map(DomainDisk::target).collect(Collectors.toList());
    }
}
