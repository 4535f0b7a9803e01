// Licensed under the Apache License, Version 2.0. See LICENSE in the project root.
package io.elastisnap.cloudstack.testsupport;

import java.time.Duration;
import java.util.Arrays;
import java.util.HashSet;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;

import io.elastisnap.engine.AgentCapabilities;
import io.elastisnap.engine.DomainDisk;
import io.elastisnap.engine.DomainRunState;
import io.elastisnap.engine.FreezeStatus;
import io.elastisnap.engine.GuestAgentException;
import io.elastisnap.engine.GuestFileSystem;
import io.elastisnap.engine.GuestQuiescer;

/** Stands in for libvirt + qemu-guest-agent: one running domain that freezes and thaws, or refuses to freeze. */
public final class ScriptedGuest implements GuestQuiescer {
    private final AtomicBoolean frozen = new AtomicBoolean();
    private volatile boolean freezeFails;
    private final AtomicInteger unreachableCalls = new AtomicInteger();
    private volatile List<DomainDisk> disks;
    private volatile List<GuestFileSystem> fileSystems;
    /** Calls in order, e.g. "status i-2-10-VM", "freeze i-2-10-VM", "thaw i-2-10-VM", "unreachable i-2-10-VM". */
    public final List<String> calls = new CopyOnWriteArrayList<>();

    public ScriptedGuest failFreezes() {
        freezeFails = true;
        return this;
    }

    /** As a crashed predecessor would have left it. */
    public ScriptedGuest leftFrozen() {
        frozen.set(true);
        return this;
    }

    /** libvirtd does not answer the next {@code calls} freeze-status calls (as at agent start, before libvirtd is up). */
    public ScriptedGuest libvirtUnreachableFor(int calls) {
        unreachableCalls.set(calls);
        return this;
    }

    /** The domain's disks and what guest-get-fsinfo reports; without them the engine freezes the whole guest. */
    public ScriptedGuest withFileSystems(List<DomainDisk> domainDisks, List<GuestFileSystem> guestFileSystems) {
        disks = domainDisks;
        fileSystems = guestFileSystems;
        return this;
    }

    public boolean isFrozen() {
        return frozen.get();
    }

    public long count(String call) {
        return calls.stream().filter(c -> c.startsWith(call + " ")).count();
    }

    @Override
    public DomainRunState runState(String domainName, Duration timeout) {
        return DomainRunState.RUNNING;
    }

    @Override
    public void ping(String domainName, Duration timeout) {
    }

    @Override
    public AgentCapabilities capabilities(String domainName, Duration timeout) {
        return new AgentCapabilities("8.1", new HashSet<>(Arrays.asList(AgentCapabilities.FREEZE, AgentCapabilities.FREEZE_LIST,
                AgentCapabilities.THAW, AgentCapabilities.STATUS, AgentCapabilities.FSINFO, "guest-ping", "guest-info")));
    }

    @Override
    public List<DomainDisk> disks(String domainName, Duration timeout) throws GuestAgentException {
        return disks == null ? GuestQuiescer.super.disks(domainName, timeout) : disks;
    }

    @Override
    public List<GuestFileSystem> fileSystems(String domainName, Duration timeout) throws GuestAgentException {
        return fileSystems == null ? GuestQuiescer.super.fileSystems(domainName, timeout) : fileSystems;
    }

    @Override
    public FreezeStatus freezeStatus(String domainName, Duration timeout) throws GuestAgentException {
        if (unreachableCalls.getAndUpdate(n -> Math.max(0, n - 1)) > 0) {
            calls.add("unreachable " + domainName);
            throw new GuestAgentException(GuestAgentException.Kind.FAILED, "libvirt connection for guest-fsfreeze-status failed:"
                    + " Failed to connect socket to '/var/run/libvirt/libvirt-sock': No such file or directory");
        }
        calls.add("status " + domainName);
        return frozen.get() ? FreezeStatus.FROZEN : FreezeStatus.THAWED;
    }

    @Override
    public int freeze(String domainName, List<String> mountPoints, Duration timeout) throws GuestAgentException {
        calls.add("freeze " + domainName + (mountPoints.isEmpty() ? "" : " " + String.join(",", mountPoints)));
        if (freezeFails) {
            throw new GuestAgentException(GuestAgentException.Kind.COMMAND_FAILED, "guest-fsfreeze-freeze failed: Permission denied");
        }
        frozen.set(true);
        return 2;
    }

    @Override
    public int thaw(String domainName, Duration timeout) {
        calls.add("thaw " + domainName);
        return frozen.getAndSet(false) ? 2 : 0;
    }
}
