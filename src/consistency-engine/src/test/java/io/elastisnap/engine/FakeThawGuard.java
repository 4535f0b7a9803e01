// Licensed under the Apache License, Version 2.0. See LICENSE in the project root.
package io.elastisnap.engine;

import java.nio.file.Path;

/** A thaw guard that records what the engine tells it in the shared event log, and fails when told to. */
public final class FakeThawGuard implements ThawGuard {
    private final EventLog log;
    private volatile ThawGuardException armFailure;
    private volatile ThawGuardException freezeFailure;

    public FakeThawGuard(EventLog log) {
        this.log = log;
    }

    public FakeThawGuard failArming(String message) {
        armFailure = new ThawGuardException(message);
        return this;
    }

    /** Armed, but gone by the time the engine announces the freeze. */
    public FakeThawGuard dieBeforeFreeze(String message) {
        freezeFailure = new ThawGuardException(message);
        return this;
    }

    @Override
    public Armed arm(String domainName, String sessionId, FreezeLimits limits, Path guardLog) throws ThawGuardException {
        log.add("guard-arm");
        if (armFailure != null) {
            throw armFailure;
        }
        return new Armed() {
            @Override
            public void freezeStarting() throws ThawGuardException {
                log.add("guard-freeze");
                if (freezeFailure != null) {
                    throw freezeFailure;
                }
            }

            @Override
            public void disarm() {
                log.add("guard-disarm");
            }

            @Override
            public void release() {
                log.add("guard-release");
            }
        };
    }
}
