// Licensed under the Apache License, Version 2.0. See LICENSE in the project root.
package io.elastisnap.engine;

import java.time.Duration;
import java.util.concurrent.TimeUnit;
import org.apache.logging.log4j.LogManager;
import org.apache.logging.log4j.Logger;

/** Thaw until the agent confirms {@code thawed}, with backoff; shared by the thaw keeper and journal recovery. */
final class Thawing {
    private static final Logger LOG = LogManager.getLogger(Thawing.class);

    private Thawing() {
    }

    /**
     * @param sendThawFirst      thaw before the first status check (after a freeze attempt: always, the guest may be
     *                           frozen whatever the freeze call said); otherwise thaw only once the agent says frozen
     * @param stopUnlessSeenFrozen after one round, stop unless the agent said frozen (a freeze that provably did not
     *                           take effect needs one thaw, not minutes of retries against a broken agent)
     * @param knownFrozen        the guest is known to have been frozen (a confirmed freeze)
     */
    static ThawConfirmation thawUntilConfirmed(BoundedQuiescer quiescer, String domain, FreezeLimits limits,
            boolean sendThawFirst, boolean stopUnlessSeenFrozen, boolean knownFrozen, long giveUpAtNanos)
            throws InterruptedException {
        long giveUpAt = giveUpAtNanos;
        boolean sendThaw = sendThawFirst;
        boolean seenFrozen = knownFrozen;
        long backoff = limits.thawBackoffInitial().toNanos();
        int thawCalls = 0;
        boolean paused = false;
        String lastProblem = null;
        Duration timeout = limits.thawTimeout();
        while (true) {
            boolean thawSentThisRound = sendThaw;
            if (sendThaw) {
                thawCalls++;
                try {
                    int thawed = quiescer.thaw(domain, timeout);
                    LOG.debug("Domain {}: guest-fsfreeze-thaw thawed {} file system(s)", domain, thawed);
                } catch (GuestAgentException e) {
                    if (e.kind().guestCannotBeFrozenByUs()) {
                        return new ThawConfirmation(ThawConfirmation.Kind.NOTHING_FROZEN, e.getMessage(), seenFrozen, thawCalls, paused);
                    }
                    paused |= e.kind() == GuestAgentException.Kind.DOMAIN_PAUSED;
                    giveUpAt = extendWhilePaused(e, limits, giveUpAt);
                    lastProblem = e.getMessage();
                    LOG.warn("Domain {}: thaw attempt {} failed: {}", domain, thawCalls, e.getMessage());
                }
            }
            try {
                FreezeStatus status = quiescer.freezeStatus(domain, timeout);
                if (status == FreezeStatus.THAWED) {
                    return new ThawConfirmation(ThawConfirmation.Kind.THAWED, null, seenFrozen, thawCalls, paused);
                }
                seenFrozen = true;
                lastProblem = "the agent still reports status frozen";
                if (!thawSentThisRound) {
                    sendThaw = true;
                    continue;
                }
            } catch (GuestAgentException e) {
                if (e.kind().guestCannotBeFrozenByUs()) {
                    return new ThawConfirmation(ThawConfirmation.Kind.NOTHING_FROZEN, e.getMessage(), seenFrozen, thawCalls, paused);
                }
                paused |= e.kind() == GuestAgentException.Kind.DOMAIN_PAUSED;
                giveUpAt = extendWhilePaused(e, limits, giveUpAt);
                lastProblem = e.getMessage();
            }
            sendThaw = true;
            if (stopUnlessSeenFrozen && !seenFrozen) {
                return new ThawConfirmation(ThawConfirmation.Kind.NOT_CONFIRMED, lastProblem, false, thawCalls, paused);
            }
            long now = System.nanoTime();
            if (now + backoff >= giveUpAt) {
                return new ThawConfirmation(ThawConfirmation.Kind.NOT_CONFIRMED, lastProblem, seenFrozen, thawCalls, paused);
            }
            TimeUnit.NANOSECONDS.sleep(backoff);
            backoff = Math.min(backoff * 2, limits.thawBackoffMax().toNanos());
        }
    }

    /**
     * A paused guest keeps its frozen file systems and refuses the thaw until it runs again, however long that takes:
     * keep trying while it is paused, and give the full retry period from the last refusal.
     */
    private static long extendWhilePaused(GuestAgentException e, FreezeLimits limits, long giveUpAt) {
        if (e.kind() != GuestAgentException.Kind.DOMAIN_PAUSED) {
            return giveUpAt;
        }
        return Math.max(giveUpAt, System.nanoTime() + limits.thawRetryFor().toNanos());
    }
}
