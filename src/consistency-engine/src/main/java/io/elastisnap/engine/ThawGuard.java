// Licensed under the Apache License, Version 2.0. See LICENSE in the project root.
package io.elastisnap.engine;

import java.nio.file.Path;
import java.time.Duration;

/**
 * SPI: a dead man's switch outside the orchestrating process. The engine arms one before each freeze (so its start-up
 * cost never falls inside the frozen window), tells it right before the freeze call how much of the window is left,
 * and disarms it once the thaw is confirmed. An armed guard that was told of the freeze thaws the guest when the frozen window (plus a small grace)
 * ends without a disarm, and at once when the orchestrating process dies. The in-process watchdog covers a live
 * process; the guard covers a dead or stuck one; the freeze journal covers the guard itself being killed.
 *
 * <p>Arming failure means no freeze: under policy REQUIRED the snapshot fails before freezing
 * ({@link ConsistentSnapshotException.Reason#THAW_GUARD_FAILED}), under BEST_EFFORT it is taken crash-consistent.
 * See {@code io.elastisnap.engine.guard.ProcessThawGuard} for the implementation hosts use.
 */
public interface ThawGuard {

    /** No guard: the in-process watchdog and the journal only (unit tests, libvirt's test driver). */
    ThawGuard NONE = (domainName, sessionId, limits, log) -> Armed.NONE;

    /**
     * Starts a guard for one freeze of a domain and returns once it is ready, within the limits' pre-flight timeout.
     *
     * @param sessionId identifies the freeze (the journal entry's session)
     * @param log       where the guard writes what it did ({@code FreezeJournal#guardLogOf}), so a later journal
     *                  recovery can say who thawed the guest and when
     * @throws ThawGuardException when no guard could be started; the message says why and what to fix
     */
    Armed arm(String domainName, String sessionId, FreezeLimits limits, Path log) throws ThawGuardException;

    /** One armed guard. Thread-safe: the orchestrator announces the freeze, the thaw keeper ends the guard. */
    interface Armed {
        /** Nothing to tell. */
        Armed NONE = new Armed() {
            @Override
            public void freezeStarting(Duration untilDeadline) {
            }

            @Override
            public void disarm() {
            }

            @Override
            public void release() {
            }
        };

        /**
         * Right before the freeze call, once the window has started: from now on the guard thaws when it is not
         * disarmed within {@code untilDeadline} (plus its grace), or as soon as this process dies. Returns once the
         * guard confirmed it is watching.
         *
         * @param untilDeadline what is left of the frozen window: the guard's deadline is never before the engine's
         * @throws ThawGuardException when the guard is gone or does not confirm; the engine then does not freeze
         */
        void freezeStarting(Duration untilDeadline) throws ThawGuardException;

        /** The thaw is confirmed, or nothing of ours is frozen: the guard ends without touching the guest. Idempotent. */
        void disarm();

        /**
         * Lets go without disarming (the thaw could not be confirmed): a guard told of the freeze thaws now and keeps
         * trying on its own; one not told ends without touching the guest. Idempotent; nothing after {@link #disarm()}.
         */
        void release();
    }
}
