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
        Progress progress = new Progress(limits, knownFrozen, giveUpAtNanos);
        boolean sendThaw = sendThawFirst;
        long backoff = limits.thawBackoffInitial().toNanos();
        Duration timeout = limits.thawTimeout();
        while (true) {
            boolean thawSentThisRound = sendThaw;
            if (sendThaw) {
                progress.thawCalls++;
                try {
                    int thawed = quiescer.thaw(domain, timeout);
                    LOG.debug("Domain {}: guest-fsfreeze-thaw thawed {} file system(s)", domain, thawed);
                } catch (GuestAgentException e) {
                    ThawConfirmation end = progress.failed(e);
                    if (end != null) {
                        return end;
                    }
                    LOG.warn("Domain {}: thaw attempt {} failed: {}", domain, progress.thawCalls, e.getMessage());
                }
            }
            try {
                FreezeStatus status = quiescer.freezeStatus(domain, timeout);
                if (status == FreezeStatus.THAWED) {
                    return progress.end(ThawConfirmation.Kind.THAWED, null);
                }
                progress.seenFrozen = true;
                progress.lastProblem = "the agent still reports status frozen";
                if (!thawSentThisRound) {
                    sendThaw = true;
                    continue;
                }
            } catch (GuestAgentException e) {
                ThawConfirmation end = progress.failed(e);
                if (end != null) {
                    return end;
                }
            }
            sendThaw = true;
            if (stopUnlessSeenFrozen && !progress.seenFrozen) {
                return progress.end(ThawConfirmation.Kind.NOT_CONFIRMED, progress.lastProblem);
            }
            if (System.nanoTime() + backoff >= progress.giveUpAt) {
                return progress.end(ThawConfirmation.Kind.NOT_CONFIRMED, progress.lastProblem);
            }
            TimeUnit.NANOSECONDS.sleep(backoff);
            backoff = Math.min(backoff * 2, limits.thawBackoffMax().toNanos());
        }
    }

    /** What one thaw loop has seen so far. */
    private static final class Progress {
        private final FreezeLimits limits;
        long giveUpAt;
        boolean seenFrozen;
        int thawCalls;
        boolean paused;
        String lastProblem;

        Progress(FreezeLimits limits, boolean knownFrozen, long giveUpAt) {
            this.limits = limits;
            this.seenFrozen = knownFrozen;
            this.giveUpAt = giveUpAt;
        }

        /** An agent call failed: the end when nothing of the domain can be frozen any more, else null (go on). */
        ThawConfirmation failed(GuestAgentException e) {
            if (e.kind().guestCannotBeFrozenByUs()) {
                return end(ThawConfirmation.Kind.NOTHING_FROZEN, e.getMessage());
            }
            if (e.kind() == GuestAgentException.Kind.DOMAIN_PAUSED) {
                // a paused guest keeps its frozen file systems and refuses the thaw until it runs again, however long
                // that takes: keep trying while it is paused, with the full retry period from the last refusal
                paused = true;
                giveUpAt = Math.max(giveUpAt, System.nanoTime() + limits.thawRetryFor().toNanos());
            }
            lastProblem = e.getMessage();
            return null;
        }

        ThawConfirmation end(ThawConfirmation.Kind kind, String detail) {
            return new ThawConfirmation(kind, detail, seenFrozen, thawCalls, paused);
        }
    }
}
