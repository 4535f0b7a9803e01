// Licensed under the Apache License, Version 2.0. See LICENSE in the project root.
package io.elastisnap.demo;

import io.elastisnap.cli.libvirt.LibvirtHost;
import java.util.Optional;

/** The libvirt side of the demo: a domain whose disks are the simulator's volume images. */
public interface DemoGuest extends AutoCloseable {
    /** One line for the header: what kind of libvirt domain this is. */
    String description();

    LibvirtHost libvirt();

    String domain();

    /** Shuts the domain off (rollback refuses a running domain). */
    void powerOff();

    /** Starts it again and waits until it can be frozen. */
    void powerOn();

    /** Starts watching the guest's own writes, before a snapshot; empty when there is no guest to watch. */
    Optional<WriteWatch> watchWrites();

    @Override
    void close();

    /** Reads, after the snapshot, what the guest wrote since the watch began. */
    interface WriteWatch {
        GuestObservation observe();
    }
}
