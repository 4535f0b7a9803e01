// Licensed under the Apache License, Version 2.0. See LICENSE in the project root.
package io.elastisnap.bench;

import io.elastisnap.engine.AgentCapabilities;
import io.elastisnap.engine.DomainDisk;
import io.elastisnap.engine.DomainRunState;
import io.elastisnap.engine.FreezeStatus;
import io.elastisnap.engine.GuestAgentException;
import io.elastisnap.engine.GuestFileSystem;
import io.elastisnap.engine.GuestQuiescer;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Measures how long the guest was really frozen: from the moment the freeze call returned (file systems frozen) to
 * the moment the thaw call returned (thawed), per domain. The engine's own frozen window is wider on purpose (it
 * starts when the freeze call starts and ends when the thaw is confirmed by a status call), so it bounds the real one.
 * Wraps the quiescer of both sides of a comparison, so both are measured the same way.
 */
final class FreezeClock implements GuestQuiescer {
    private final GuestQuiescer delegate;
    private final ConcurrentHashMap<String, Long> frozenAt = new ConcurrentHashMap<>();
    private final ConcurrentHashMap<String, Long> frozenNanos = new ConcurrentHashMap<>();

    FreezeClock(GuestQuiescer delegate) {
        this.delegate = delegate;
    }

    /** The last completed freeze-to-thaw span of {@code domain}, in ms; forgets it. */
    double takeFrozenMillis(String domain) {
        Long nanos = frozenNanos.remove(domain);
        if (nanos == null) {
            throw new IllegalStateException("no completed freeze of " + domain + " was observed");
        }
        return Stats.millis(nanos);
    }

    @Override
    public int freeze(String domainName, List<String> mountPoints, Duration timeout) throws GuestAgentException {
        int n = delegate.freeze(domainName, mountPoints, timeout);
        frozenAt.put(domainName, System.nanoTime());
        return n;
    }

    @Override
    public int thaw(String domainName, Duration timeout) throws GuestAgentException {
        int n = delegate.thaw(domainName, timeout);
        Long start = frozenAt.remove(domainName);
        if (start != null) {
            frozenNanos.put(domainName, System.nanoTime() - start);
        }
        return n;
    }

    @Override
    public DomainRunState runState(String domainName, Duration timeout) throws GuestAgentException {
        return delegate.runState(domainName, timeout);
    }

    @Override
    public void ping(String domainName, Duration timeout) throws GuestAgentException {
        delegate.ping(domainName, timeout);
    }

    @Override
    public AgentCapabilities capabilities(String domainName, Duration timeout) throws GuestAgentException {
        return delegate.capabilities(domainName, timeout);
    }

    @Override
    public List<DomainDisk> disks(String domainName, Duration timeout) throws GuestAgentException {
        return delegate.disks(domainName, timeout);
    }

    @Override
    public List<GuestFileSystem> fileSystems(String domainName, Duration timeout) throws GuestAgentException {
        return delegate.fileSystems(domainName, timeout);
    }

    @Override
    public FreezeStatus freezeStatus(String domainName, Duration timeout) throws GuestAgentException {
        return delegate.freezeStatus(domainName, timeout);
    }
}
