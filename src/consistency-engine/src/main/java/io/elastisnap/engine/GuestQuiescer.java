// Licensed under the Apache License, Version 2.0. See LICENSE in the project root.
package io.elastisnap.engine;

import java.time.Duration;
import java.util.List;

/**
 * SPI: the guest-facing half of a consistent snapshot (libvirt domain state and the QEMU guest agent).
 * Implementations must be thread-safe: the engine calls them for many domains at once, and the watchdog may
 * call {@link #thaw} for a domain while another call for it is still running.
 * Every call honours {@code timeout} as far as the transport allows; the engine additionally abandons a call
 * that outlives its timeout, so implementations need not be interruptible.
 */
public interface GuestQuiescer {

    /** The run state of the domain. Throws {@link GuestAgentException.Kind#DOMAIN_NOT_FOUND} for an unknown domain. */
    DomainRunState runState(String domainName, Duration timeout) throws GuestAgentException;

    /** {@code guest-ping}: returns when the agent answered. */
    void ping(String domainName, Duration timeout) throws GuestAgentException;

    /** {@code guest-info}: agent version and the commands it has enabled. */
    AgentCapabilities capabilities(String domainName, Duration timeout) throws GuestAgentException;

    /** {@code guest-fsfreeze-status}. */
    FreezeStatus freezeStatus(String domainName, Duration timeout) throws GuestAgentException;

    /**
     * {@code guest-fsfreeze-freeze}, or {@code guest-fsfreeze-freeze-list} when {@code mountPoints} is not empty.
     *
     * @return the number of file systems the agent froze
     */
    int freeze(String domainName, List<String> mountPoints, Duration timeout) throws GuestAgentException;

    /**
     * {@code guest-fsfreeze-thaw} (always all file systems: the agent cannot thaw a subset).
     *
     * @return the number of file systems the agent thawed (0 when nothing was frozen)
     */
    int thaw(String domainName, Duration timeout) throws GuestAgentException;

    /**
     * The domain's disks from its definition (targets, serials, PCI addresses), for the freeze scope. The default says
     * it is unsupported, so such a quiescer's guests are frozen whole.
     */
    default List<DomainDisk> disks(String domainName, Duration timeout) throws GuestAgentException {
        throw new GuestAgentException(GuestAgentException.Kind.COMMAND_UNSUPPORTED, "this quiescer cannot read a domain's disks");
    }

    /**
     * {@code guest-get-fsinfo}: the guest's file systems and their disks, for the freeze scope. The default says it is
     * unsupported, so such a quiescer's guests are frozen whole.
     */
    default List<GuestFileSystem> fileSystems(String domainName, Duration timeout) throws GuestAgentException {
        throw new GuestAgentException(GuestAgentException.Kind.COMMAND_UNSUPPORTED, AgentCapabilities.FSINFO + " is not supported here");
    }
}
