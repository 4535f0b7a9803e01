// Licensed under the Apache License, Version 2.0. See LICENSE in the project root.
package io.elastisnap.bench;

import io.elastisnap.engine.AgentCapabilities;
import io.elastisnap.engine.DomainRunState;
import io.elastisnap.engine.FreezeStatus;
import io.elastisnap.engine.GuestAgentException;
import io.elastisnap.engine.GuestQuiescer;
import java.time.Duration;
import java.util.List;

/**
 * Real libvirt calls (the test driver's virDomainFSFreeze/FSThaw through the CLI's binding) plus the latency a real
 * guest agent adds, as constants measured on a real QEMU guest. Both sides of a comparison use the same instance.
 */
final class ModeledQuiescer implements GuestQuiescer {
    private final GuestQuiescer delegate;
    private final Duration freeze;
    private final Duration thaw;
    private final Duration agentCall;

    /**
     * @param freeze    added to every guest-fsfreeze-freeze
     * @param thaw      added to every guest-fsfreeze-thaw
     * @param agentCall added to every other agent round trip (ping, info, status)
     */
    ModeledQuiescer(GuestQuiescer delegate, Duration freeze, Duration thaw, Duration agentCall) {
        this.delegate = delegate;
        this.freeze = freeze;
        this.thaw = thaw;
        this.agentCall = agentCall;
    }

    @Override
    public DomainRunState runState(String domainName, Duration timeout) throws GuestAgentException {
        return delegate.runState(domainName, timeout);
    }

    @Override
    public void ping(String domainName, Duration timeout) throws GuestAgentException {
        pause(agentCall);
        delegate.ping(domainName, timeout);
    }

    @Override
    public AgentCapabilities capabilities(String domainName, Duration timeout) throws GuestAgentException {
        pause(agentCall);
        return delegate.capabilities(domainName, timeout);
    }

    @Override
    public FreezeStatus freezeStatus(String domainName, Duration timeout) throws GuestAgentException {
        pause(agentCall);
        return delegate.freezeStatus(domainName, timeout);
    }

    @Override
    public int freeze(String domainName, List<String> mountPoints, Duration timeout) throws GuestAgentException {
        pause(freeze);
        return delegate.freeze(domainName, mountPoints, timeout);
    }

    @Override
    public int thaw(String domainName, Duration timeout) throws GuestAgentException {
        pause(thaw);
        return delegate.thaw(domainName, timeout);
    }

    static void pause(Duration d) {
        if (d.isZero()) {
            return;
        }
        try {
            Thread.sleep(d.toMillis());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted", e);
        }
    }
}
