// Licensed under the Apache License, Version 2.0. See LICENSE in the project root.
package io.elastisnap.engine.journal;

import java.time.Duration;
import java.time.Instant;
import java.util.Objects;
import java.util.Optional;

/** The process that wrote a journal entry: its pid and start time (the start time tells a reused pid apart). */
public final class JournalOwner {
    private static final Duration START_TIME_TOLERANCE = Duration.ofSeconds(1);
    private static final JournalOwner CURRENT = fromHandle(ProcessHandle.current());

    private final long pid;
    private final Instant startedAt;

    private JournalOwner(long pid, Instant startedAt) {
        this.pid = pid;
        this.startedAt = startedAt;
    }

    public static JournalOwner of(long pid, Instant startedAt) {
        return new JournalOwner(pid, startedAt);
    }

    public static JournalOwner current() {
        return CURRENT;
    }

    private static JournalOwner fromHandle(ProcessHandle handle) {
        return new JournalOwner(handle.pid(), handle.info().startInstant().orElse(null));
    }

    public long pid() {
        return pid;
    }

    public Optional<Instant> startedAt() {
        return Optional.ofNullable(startedAt);
    }

    /**
     * Whether the owning process still runs. When a start time is unknown on either side, a process with that pid
     * counts as the owner: wrongly thinking it alive only delays recovery, wrongly thinking it dead would thaw a
     * freeze another process is still using.
     */
    public boolean isAlive() {
        Optional<ProcessHandle> handle = ProcessHandle.of(pid);
        if (handle.isEmpty() || !handle.get().isAlive()) {
            return false;
        }
        Optional<Instant> actualStart = handle.get().info().startInstant();
        if (startedAt == null || actualStart.isEmpty()) {
            return true;
        }
        return Duration.between(startedAt, actualStart.get()).abs().compareTo(START_TIME_TOLERANCE) <= 0;
    }

    @Override
    public boolean equals(Object o) {
        if (this == o) {
            return true;
        }
        if (!(o instanceof JournalOwner)) {
            return false;
        }
        JournalOwner other = (JournalOwner) o;
        return pid == other.pid && Objects.equals(startedAt, other.startedAt);
    }

    @Override
    public int hashCode() {
        return Objects.hash(pid, startedAt);
    }

    @Override
    public String toString() {
        return "pid " + pid + (startedAt == null ? "" : " (started " + startedAt + ")");
    }
}
