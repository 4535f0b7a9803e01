// Licensed under the Apache License, Version 2.0. See LICENSE in the project root.
package io.elastisnap.engine.libvirt;

import io.elastisnap.engine.AgentCapabilities;
import io.elastisnap.engine.DomainDisk;
import io.elastisnap.engine.DomainRunState;
import io.elastisnap.engine.FreezeStatus;
import io.elastisnap.engine.GuestAgentException;
import io.elastisnap.engine.GuestFileSystem;
import io.elastisnap.engine.GuestQuiescer;
import java.time.Duration;
import java.util.List;
import java.util.Objects;

/**
 * {@link GuestQuiescer} on libvirt-java 0.5.x: {@code Connect.domainLookupByName}, {@code Domain.getInfo()} and
 * {@code Domain.qemuAgentCommand(json, timeoutSeconds, 0)} (what CloudStack's KVM agent has). Replies are parsed as
 * JSON. Every call looks the domain up and frees it again, so the quiescer holds no libvirt objects between calls.
 * Thread-safe as far as the connection is (libvirt connections are).
 */
public final class LibvirtGuestQuiescer implements GuestQuiescer {
    private static final String PING = "guest-ping";
    private static final String INFO = "guest-info";

    private final DomainAccess access;

    public LibvirtGuestQuiescer(LibvirtConnectionProvider connections) {
        this(new LibvirtDomainAccess(Objects.requireNonNull(connections, "connections")));
    }

    LibvirtGuestQuiescer(DomainAccess access) {
        this.access = access;
    }

    @Override
    public DomainRunState runState(String domainName, Duration timeout) throws GuestAgentException {
        return access.runState(domainName);
    }

    @Override
    public void ping(String domainName, Duration timeout) throws GuestAgentException {
        AgentReplies.returnValue(PING, send(domainName, PING, AgentReplies.command(PING), timeout));
    }

    @Override
    public AgentCapabilities capabilities(String domainName, Duration timeout) throws GuestAgentException {
        return AgentReplies.capabilities(send(domainName, INFO, AgentReplies.command(INFO), timeout));
    }

    @Override
    public FreezeStatus freezeStatus(String domainName, Duration timeout) throws GuestAgentException {
        String command = AgentCapabilities.STATUS;
        return AgentReplies.freezeStatus(send(domainName, command, AgentReplies.command(command), timeout));
    }

    @Override
    public int freeze(String domainName, List<String> mountPoints, Duration timeout) throws GuestAgentException {
        if (mountPoints.isEmpty()) {
            String command = AgentCapabilities.FREEZE;
            return AgentReplies.count(command, send(domainName, command, AgentReplies.command(command), timeout));
        }
        String command = AgentCapabilities.FREEZE_LIST;
        return AgentReplies.count(command, send(domainName, command, AgentReplies.freezeList(mountPoints), timeout));
    }

    @Override
    public List<DomainDisk> disks(String domainName, Duration timeout) throws GuestAgentException {
        return DomainDisks.parse(domainName, access.domainXml(domainName));
    }

    @Override
    public List<GuestFileSystem> fileSystems(String domainName, Duration timeout) throws GuestAgentException {
        String command = AgentCapabilities.FSINFO;
        return AgentReplies.fileSystems(send(domainName, command, AgentReplies.command(command), timeout));
    }

    @Override
    public int thaw(String domainName, Duration timeout) throws GuestAgentException {
        String command = AgentCapabilities.THAW;
        return AgentReplies.count(command, send(domainName, command, AgentReplies.command(command), timeout));
    }

    private String send(String domainName, String command, String json, Duration timeout) throws GuestAgentException {
        return access.agentCommand(domainName, json, command, agentTimeoutSeconds(timeout));
    }

    /**
     * libvirt takes whole seconds, and 0 means "do not wait at all" (-1 default, -2 block forever), so round up and
     * never go below 1.
     */
    static int agentTimeoutSeconds(Duration timeout) {
        long millis = Math.max(1, timeout.toMillis());
        long seconds = (millis + 999) / 1000;
        return (int) Math.min(Integer.MAX_VALUE, seconds);
    }
}
