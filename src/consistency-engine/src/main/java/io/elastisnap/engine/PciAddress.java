// Licensed under the Apache License, Version 2.0. See LICENSE in the project root.
package io.elastisnap.engine;

import java.util.Locale;

/** A PCI address, domain:bus:slot.function, as libvirt's domain XML and qemu-guest-agent's fsinfo both give it. */
public final class PciAddress {
    private final int domain;
    private final int bus;
    private final int slot;
    private final int function;

    public PciAddress(int domain, int bus, int slot, int function) {
        this.domain = domain;
        this.bus = bus;
        this.slot = slot;
        this.function = function;
    }

    /**
     * On the root bus of the first PCI domain: numbered the same by the host and the guest (a guest numbers the buses
     * behind bridges and root ports itself, so other addresses cannot be compared).
     */
    public boolean onRootBus() {
        return domain == 0 && bus == 0;
    }

    @Override
    public boolean equals(Object o) {
        if (!(o instanceof PciAddress)) {
            return false;
        }
        PciAddress other = (PciAddress) o;
        return domain == other.domain && bus == other.bus && slot == other.slot && function == other.function;
    }

    @Override
    public int hashCode() {
        return ((domain * 256 + bus) * 32 + slot) * 8 + function;
    }

    @Override
    public String toString() {
        return String.format(Locale.ROOT, "%04x:%02x:%02x.%x", domain, bus, slot, function);
    }
}
