// Licensed under the Apache License, Version 2.0. See LICENSE in the project root.
package io.elastisnap.engine.pool;

import io.elastisnap.engine.AgentCapabilities;
import io.elastisnap.engine.DomainRunState;
import io.elastisnap.engine.EventLog;
import io.elastisnap.engine.FakeGuest;
import io.elastisnap.engine.FreezeStatus;
import io.elastisnap.engine.GuestAgentException;
import io.elastisnap.engine.GuestQuiescer;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/** Several fake guests behind one quiescer; the shared log says which domain froze and thawed when. */
final class Guests implements GuestQuiescer {
    final EventLog log = new EventLog();
    private final Map<String, FakeGuest> guests = new ConcurrentHashMap<>();

    FakeGuest guest(String domain) {
        return guests.computeIfAbsent(domain, d -> new FakeGuest(new EventLog()));
    }

    boolean anyFrozen() {
        return guests.values().stream().anyMatch(FakeGuest::isFrozen);
    }

    @Override
    public DomainRunState runState(String domainName, Duration timeout) throws GuestAgentException {
        return guest(domainName).runState(domainName, timeout);
    }

    @Override
    public void ping(String domainName, Duration timeout) throws GuestAgentException {
        guest(domainName).ping(domainName, timeout);
    }

    @Override
    public AgentCapabilities capabilities(String domainName, Duration timeout) throws GuestAgentException {
        return guest(domainName).capabilities(domainName, timeout);
    }

    @Override
    public FreezeStatus freezeStatus(String domainName, Duration timeout) throws GuestAgentException {
        return guest(domainName).freezeStatus(domainName, timeout);
    }

    @Override
    public int freeze(String domainName, List<String> mountPoints, Duration timeout) throws GuestAgentException {
        int frozen = guest(domainName).freeze(domainName, mountPoints, timeout);
        log.add("frozen:" + domainName);
        return frozen;
    }

    @Override
    public int thaw(String domainName, Duration timeout) throws GuestAgentException {
        log.add("thaw:" + domainName);
        return guest(domainName).thaw(domainName, timeout);
    }
}
