// Licensed under the Apache License, Version 2.0. See LICENSE in the project root.
package io.elastisnap.engine;

import java.util.Objects;

/** What {@link ConsistencyEngine#recoverFromJournal()} did about one journal entry. */
public final class RecoveryOutcome {

    /** The action taken. */
    public enum Action {
        /** The guest was frozen; it is thawed now and the entry is gone. */
        THAWED,
        /** The guest was not frozen (any more); the stale entry is gone. */
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

    private final String domainName;
    private final Action action;
    private final String message;

    RecoveryOutcome(String domainName, Action action, String message) {
        this.domainName = domainName;
        this.action = Objects.requireNonNull(action, "action");
        this.message = message == null ? "" : message;
    }

    public String domainName() {
        return domainName;
    }

    public Action action() {
        return action;
    }

    public String message() {
        return message;
    }

    @Override
    public String toString() {
        return domainName + ": " + action + (message.isEmpty() ? "" : " (" + message + ")");
    }
}
