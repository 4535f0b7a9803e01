// Licensed under the Apache License, Version 2.0. See LICENSE in the project root.
package io.elastisnap.cloudstack.agent;

import io.elastisnap.cloudstack.command.TakeConsistentSnapshotAnswer;
import io.elastisnap.cloudstack.command.TakeConsistentSnapshotCommand;
import io.elastisnap.engine.libvirt.LibvirtConnectionProvider;

/** Runs one consistent snapshot on this host. The agent process holds exactly one (see {@link AgentSnapshotRuntime}). */
public interface ConsistentSnapshotRunner {
    /**
     * Never throws: every failure becomes a failed answer naming the reason.
     *
     * @param libvirt the agent's own libvirt connection (CloudStack's helper decides the hypervisor URI)
     */
    TakeConsistentSnapshotAnswer run(TakeConsistentSnapshotCommand command, LibvirtConnectionProvider libvirt);
}
