// Licensed under the Apache License, Version 2.0. See LICENSE in the project root.
package io.elastisnap.engine;

import java.nio.file.Path;
import java.time.Duration;

/** A thaw guard that records what the engine tells it in the shared event log, and fails when told to. */
public final class FakeThawGuard implements ThawGuard {
    private final EventLog log;
    private volatile ThawGuardException armFailure;
    private volatile ThawGuardException freezeFailure;
    private volatile Duration untilDeadline;

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

    /** What the engine said was left of the window when it announced the freeze. */
    public Duration untilDeadline() {
        return untilDeadline;
    }

    @Override
    public Armed arm(String domainName, String sessionId, FreezeLimits limits, Path guardLog) throws ThawGuardException {
        log.add("guard-arm");
        if (armFailure != null) {
            throw armFailure;
        }
        return new Armed() {
            @Override
            public void freezeStarting(Duration untilDeadline) throws ThawGuardException {
                log.add("guard-freeze");
                FakeThawGuard.this.untilDeadline = untilDeadline;
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
