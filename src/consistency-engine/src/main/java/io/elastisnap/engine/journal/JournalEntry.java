// Licensed under the Apache License, Version 2.0. See LICENSE in the project root.
package io.elastisnap.engine.journal;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Objects;

/** "This process is about to freeze (or froze) this domain": written before the freeze call, removed after a confirmed thaw. */
public final class JournalEntry {
    private final String domainName;
    private final String sessionId;
    private final JournalOwner owner;
    private final String host;
    private final Instant freezeStartedAt;
    private final Duration maxFrozenWindow;
    private final List<String> mountPoints;

    public JournalEntry(String domainName, String sessionId, JournalOwner owner, String host, Instant freezeStartedAt,
            Duration maxFrozenWindow, List<String> mountPoints) {
        this.domainName = Objects.requireNonNull(domainName, "domainName");
        this.sessionId = Objects.requireNonNull(sessionId, "sessionId");
        this.owner = Objects.requireNonNull(owner, "owner");
        this.host = host == null ? "" : host;
        this.freezeStartedAt = Objects.requireNonNull(freezeStartedAt, "freezeStartedAt");
        this.maxFrozenWindow = Objects.requireNonNull(maxFrozenWindow, "maxFrozenWindow");
        this.mountPoints = Collections.unmodifiableList(new ArrayList<>(Objects.requireNonNull(mountPoints, "mountPoints")));
    }

    public String domainName() {
        return domainName;
    }

    /** Identifies one freeze attempt, so a finished attempt never removes the entry of a newer one. */
    public String sessionId() {
        return sessionId;
    }

    public JournalOwner owner() {
        return owner;
    }

    /** Host name of the writer (for people reading the file). */
    public String host() {
        return host;
    }

    public Instant freezeStartedAt() {
        return freezeStartedAt;
    }

    public Duration maxFrozenWindow() {
        return maxFrozenWindow;
    }

    public List<String> mountPoints() {
        return mountPoints;
    }

    @Override
    public boolean equals(Object o) {
        if (this == o) {
            return true;
        }
        if (!(o instanceof JournalEntry)) {
            return false;
        }
        JournalEntry other = (JournalEntry) o;
        return domainName.equals(other.domainName) && sessionId.equals(other.sessionId) && owner.equals(other.owner)
                && host.equals(other.host) && freezeStartedAt.equals(other.freezeStartedAt)
                && maxFrozenWindow.equals(other.maxFrozenWindow) && mountPoints.equals(other.mountPoints);
    }

    @Override
    public int hashCode() {
        return Objects.hash(domainName, sessionId, owner, host, freezeStartedAt, maxFrozenWindow, mountPoints);
    }

    @Override
    public String toString() {
        return "JournalEntry[domain=" + domainName + ", session=" + sessionId + ", owner=" + owner + ", host=" + host
                + ", freezeStartedAt=" + freezeStartedAt + ", maxFrozenWindow=" + maxFrozenWindow
                + ", mountPoints=" + mountPoints + "]";
    }
}
