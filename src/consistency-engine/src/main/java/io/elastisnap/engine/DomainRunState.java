// Licensed under the Apache License, Version 2.0. See LICENSE in the project root.
package io.elastisnap.engine;

/** The libvirt run states the engine distinguishes. */
public enum DomainRunState {
    /** Running (libvirt RUNNING or BLOCKED): the guest can be frozen. */
    RUNNING,
    /** Paused: vCPUs stopped, so the disks are block-consistent already; never frozen. */
    PAUSED,
    /** Being shut down. */
    SHUTTING_DOWN,
    /** Shut off. */
    SHUT_OFF,
    /** Crashed. */
    CRASHED,
    /** libvirt reports no usable state. */
    UNKNOWN
}
