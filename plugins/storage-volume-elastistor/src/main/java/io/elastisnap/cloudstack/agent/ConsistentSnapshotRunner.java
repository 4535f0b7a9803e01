// Licensed under the Apache License, Version 2.0. See LICENSE in the project root.
package io.elastisnap.cloudstack.agent;

import org.libvirt.Connect;

/** Runs one consistent snapshot on this host. The agent process holds exactly one (see {@link AgentSnapshotRuntime}). */
public interface ConsistentSnapshotRunner {
    /** Never throws: every failure becomes a failed answer naming the reason. */
    TakeConsistentSnapshotAnswer run(TakeConsistentSnapshotCommand command, LibvirtConnectionSource libvirt);

    /** Supplies the agent's libvirt connection for a domain (CloudStack's helper decides which hypervisor URI). */
    interface LibvirtConnectionSource {
        Connect connectionFor(String domainName) throws Exception;
    }
}
