// Licensed under the Apache License, Version 2.0. See LICENSE in the project root.
package io.elastisnap.engine;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Objects;
import java.util.Optional;

/** One file system as {@code guest-get-fsinfo} reports it: mount point, type, and the disks it lives on. */
public final class GuestFileSystem {
    private final String mountPoint;
    private final String type;
    private final List<Disk> disks;

    public GuestFileSystem(String mountPoint, String type, List<Disk> disks) {
        this.mountPoint = Objects.requireNonNull(mountPoint, "mountPoint");
        this.type = type == null ? "" : type;
        this.disks = Collections.unmodifiableList(new ArrayList<>(disks));
    }

    public String mountPoint() {
        return mountPoint;
    }

    public String type() {
        return type;
    }

    /** Empty when the agent could not tell (a device it cannot trace back to a disk). */
    public List<Disk> disks() {
        return disks;
    }

    @Override
    public String toString() {
        return mountPoint + " (" + type + " on " + disks + ")";
    }

    /** A disk under a file system, in the guest's words: serial (udev's ID_SERIAL), bus type, PCI address, device node. */
    public static final class Disk {
        private final String serial;
        private final String busType;
        private final PciAddress pciController;
        private final String device;

        public Disk(String serial, String busType, PciAddress pciController, String device) {
            this.serial = serial == null || serial.isEmpty() ? null : serial;
            this.busType = busType == null ? "" : busType;
            this.pciController = pciController;
            this.device = device == null || device.isEmpty() ? null : device;
        }

        public Optional<String> serial() {
            return Optional.ofNullable(serial);
        }

        /** qemu-ga's bus type: {@code virtio}, {@code scsi}, {@code sata}, ... */
        public String busType() {
            return busType;
        }

        /** The PCI device the disk hangs off: the disk itself for virtio-blk, its controller for SCSI/SATA. */
        public Optional<PciAddress> pciController() {
            return Optional.ofNullable(pciController);
        }

        /** The guest's device node ({@code /dev/vdb}); names are the guest's own, never matched against targets. */
        public Optional<String> device() {
            return Optional.ofNullable(device);
        }

        @Override
        public String toString() {
            return (device == null ? "?" : device) + "[" + busType + (serial == null ? "" : ", serial " + serial)
                    + (pciController == null ? "" : ", pci " + pciController) + "]";
        }
    }
}
