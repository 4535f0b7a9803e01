// Licensed under the Apache License, Version 2.0. See LICENSE in the project root.
package io.elastisnap.engine;

import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentMap;

/**
 * Domains an {@link EngineRuntime} is freezing, thawing or watching, with the session doing it. Kept per runtime (one
 * per process: {@link EngineRuntime#shared()}) rather than per engine, because several engines may serve one agent
 * process and two freezes of one guest must never overlap.
 */
final class ActiveDomains {
    private final ConcurrentMap<String, String> sessions = new ConcurrentHashMap<>();

    boolean tryAcquire(String domainName, String sessionId) {
        return sessions.putIfAbsent(domainName, sessionId) == null;
    }

    void release(String domainName, String sessionId) {
        sessions.remove(domainName, sessionId);
    }

    Optional<String> sessionOf(String domainName) {
        return Optional.ofNullable(sessions.get(domainName));
    }
}
