// Licensed under the Apache License, Version 2.0. See LICENSE in the project root.
package io.elastisnap.engine;

import java.util.Objects;
import java.util.Optional;

/**
 * One {@code <disk>} of a domain's definition, as far as the freeze scope needs it: its target ({@code vdb}), device
 * kind ({@code disk}, {@code cdrom}), bus, the serial the host gave it (CloudStack sets one per volume) and its PCI
 * address when it is a PCI device of its own (virtio-blk).
 */
public final class DomainDisk {
    private final String target;
    private final String device;
    private final String bus;
    private final String serial;
    private final PciAddress pciAddress;

    public DomainDisk(String target, String device, String bus, String serial, PciAddress pciAddress) {
        this.target = Objects.requireNonNull(target, "target");
        this.device = device == null ? "disk" : device;
        this.bus = bus == null ? "" : bus;
        this.serial = serial == null || serial.isEmpty() ? null : serial;
        this.pciAddress = pciAddress;
    }

    public String target() {
        return target;
    }

    /** {@code disk}, {@code cdrom}, {@code floppy} or {@code lun}. */
    public String device() {
        return device;
    }

    public String bus() {
        return bus;
    }

    public Optional<String> serial() {
        return Optional.ofNullable(serial);
    }

    public Optional<PciAddress> pciAddress() {
        return Optional.ofNullable(pciAddress);
    }

    /** A writable disk the guest may have file systems on (cdroms and floppies are left out). */
    public boolean isDisk() {
        return device.equals("disk") || device.equals("lun");
    }

    @Override
    public String toString() {
        return target + "(" + device + ", " + bus + (serial == null ? "" : ", serial " + serial)
                + (pciAddress == null ? "" : ", pci " + pciAddress) + ")";
    }
}
