// Licensed under the Apache License, Version 2.0. See LICENSE in the project root.
package io.elastisnap.engine;

import io.elastisnap.engine.journal.JournalOwner;
import java.time.Duration;
import java.time.Instant;
import java.util.Objects;
import java.util.Optional;

/**
 * What {@link ConsistencyEngine#recoverFromJournal()} did about one journal entry, with what an operator needs to read
 * in a log: which domain, when it was frozen and by which process, who thawed it when, and so for how long it was
 * frozen. {@link #message()} says all of it in one sentence.
 */
public final class RecoveryOutcome {

    /** The action taken. */
    public enum Action {
        /** The guest was frozen; it is thawed now and the entry is gone. */
        THAWED,
        /** The guest was not frozen (any more: its thaw guard or someone else thawed it); the stale entry is gone. */
        NOT_FROZEN,
        /** The domain no longer runs (or has no agent), so nothing can be frozen; the entry is gone. */
        DOMAIN_GONE,
        /** The entry belongs to a process (or session) that is still running; left alone. */
        SKIPPED_OWNER_ALIVE,
        /** A snapshot of this domain is in progress in this process; it handles the entry itself. */
        SKIPPED_BUSY,
        /** The file could not be read and does not name a domain; moved aside as {@code *.corrupt-<millis>}. */
        QUARANTINED,
        /** The guest could not be confirmed thawed (agent not answering); the entry stays for the next attempt. */
        FAILED
    }

    /** Who ended the freeze. */
    public enum Thawer {
        /** This recovery thawed the guest. */
        RECOVERY,
        /** The dead owner's thaw guard thawed it (its log says when); recovery found it thawed. */
        THAW_GUARD
    }

    private final String domainName;
    private final Action action;
    private final String message;
    private final Instant frozenAt;
    private final JournalOwner owner;
    private final Thawer thawedBy;
    private final Instant thawedAt;

    RecoveryOutcome(String domainName, Action action, String message) {
        this(domainName, action, message, null, null, null, null);
    }

    RecoveryOutcome(String domainName, Action action, String message, Instant frozenAt, JournalOwner owner, Thawer thawedBy,
            Instant thawedAt) {
        this.domainName = domainName;
        this.action = Objects.requireNonNull(action, "action");
        this.message = message == null ? "" : message;
        this.frozenAt = frozenAt;
        this.owner = owner;
        this.thawedBy = thawedBy;
        this.thawedAt = thawedAt;
    }

    public String domainName() {
        return domainName;
    }

    public Action action() {
        return action;
    }

    /** One sentence: what was found and done (frozen when, by whom, thawed by whom when, for how long). */
    public String message() {
        return message;
    }

    /** When the freeze started, as the entry records it (empty for a corrupt entry). */
    public Optional<Instant> frozenAt() {
        return Optional.ofNullable(frozenAt);
    }

    /** The process that froze the domain: pid and start time (empty for a corrupt entry). */
    public Optional<JournalOwner> owner() {
        return Optional.ofNullable(owner);
    }

    /** Who ended the freeze, when that is known. */
    public Optional<Thawer> thawedBy() {
        return Optional.ofNullable(thawedBy);
    }

    /** When the guest was confirmed thawed, when that is known. */
    public Optional<Instant> thawedAt() {
        return Optional.ofNullable(thawedAt);
    }

    /** How long the guest was frozen (freeze start to confirmed thaw), when both are known. */
    public Optional<Duration> frozenFor() {
        return frozenAt == null || thawedAt == null ? Optional.empty() : Optional.of(Duration.between(frozenAt, thawedAt));
    }

    @Override
    public String toString() {
        return domainName + ": " + action + (message.isEmpty() ? "" : " (" + message + ")");
    }
}
