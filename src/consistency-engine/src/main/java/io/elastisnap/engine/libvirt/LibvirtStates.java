// Licensed under the Apache License, Version 2.0. See LICENSE in the project root.
package io.elastisnap.engine.libvirt;

import io.elastisnap.engine.DomainRunState;
import org.libvirt.DomainInfo;

/** libvirt's domain states as the engine sees them; shared by every GuestQuiescer on libvirt. */
public final class LibvirtStates {
    private LibvirtStates() {
    }

    public static DomainRunState runState(DomainInfo.DomainState state) {
        if (state == null) {
            return DomainRunState.UNKNOWN;
        }
        switch (state) {
            case VIR_DOMAIN_RUNNING:
            case VIR_DOMAIN_BLOCKED:
                return DomainRunState.RUNNING;
            case VIR_DOMAIN_PAUSED:
                return DomainRunState.PAUSED;
            case VIR_DOMAIN_SHUTDOWN:
                return DomainRunState.SHUTTING_DOWN;
            case VIR_DOMAIN_SHUTOFF:
                return DomainRunState.SHUT_OFF;
            case VIR_DOMAIN_CRASHED:
                return DomainRunState.CRASHED;
            default:
                return DomainRunState.UNKNOWN;
        }
    }
}
