// Licensed under the Apache License, Version 2.0. See LICENSE in the project root.
package io.elastisnap.engine.journal;

import java.time.Instant;
import java.util.Objects;

/**
 * What a thaw guard said it did about one freeze, read back from its log next to the journal entry (the guard writes
 * it because nobody else may be alive to hear it): it thawed the guest, found the domain gone, or gave up.
 */
public final class GuardReport {

    /** The guard's last word on the freeze. */
    public enum Event {
        /** It sent the thaw and is waiting for the agent's confirmation (or retrying). */
        THAWING,
        /** The guest agent confirmed {@code thawed}. */
        THAWED,
        /** The domain was shut off or gone: nothing of it can be frozen. */
        GONE,
        /** The thaw could not be confirmed within the retry period. */
        GAVE_UP
    }

    private final Event event;
    private final Instant at;
    private final String why;

    GuardReport(Event event, Instant at, String why) {
        this.event = Objects.requireNonNull(event, "event");
        this.at = Objects.requireNonNull(at, "at");
        this.why = why == null ? "" : why;
    }

    public Event event() {
        return event;
    }

    /** When the guard saw it (its own clock). */
    public Instant at() {
        return at;
    }

    /** Why the guard acted: {@code orchestrator-gone}, {@code window-ended}, {@code unexpected-input}, {@code stopped}. */
    public String why() {
        return why;
    }

    @Override
    public String toString() {
        return event + " at " + at + (why.isEmpty() ? "" : " (" + why + ")");
    }
}
