// Licensed under the Apache License, Version 2.0. See LICENSE in the project root.
package io.elastisnap.cloudstack.command;

/** Bounded waits of one consistent snapshot, in milliseconds. */
public final class SnapshotLimits {
    private final long maxFrozenWindowMillis;
    private final long freezeTimeoutMillis;
    private final long thawTimeoutMillis;
    private final long jobPollDeadlineMillis;

    public SnapshotLimits(long maxFrozenWindowMillis, long freezeTimeoutMillis, long thawTimeoutMillis, long jobPollDeadlineMillis) {
        this.maxFrozenWindowMillis = positive(maxFrozenWindowMillis, "max frozen window");
        this.freezeTimeoutMillis = positive(freezeTimeoutMillis, "freeze timeout");
        this.thawTimeoutMillis = positive(thawTimeoutMillis, "thaw timeout");
        this.jobPollDeadlineMillis = positive(jobPollDeadlineMillis, "job-poll deadline");
    }

    private static long positive(long value, String what) {
        if (value <= 0) {
            throw new IllegalArgumentException(what + " must be positive, got " + value + " ms");
        }
        return value;
    }

    public long maxFrozenWindowMillis() {
        return maxFrozenWindowMillis;
    }

    public long freezeTimeoutMillis() {
        return freezeTimeoutMillis;
    }

    public long thawTimeoutMillis() {
        return thawTimeoutMillis;
    }

    public long jobPollDeadlineMillis() {
        return jobPollDeadlineMillis;
    }

    @Override
    public String toString() {
        return "window " + maxFrozenWindowMillis + " ms, freeze " + freezeTimeoutMillis + " ms, thaw " + thawTimeoutMillis
                + " ms, job deadline " + jobPollDeadlineMillis + " ms";
    }
}
