// Licensed under the Apache License, Version 2.0. See LICENSE in the project root.
package io.elastisnap.engine;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;

/**
 * Time limits of one consistent snapshot. Built leniently; {@link #problems()} lists invalid values and the engine
 * rejects a request carrying them with reason INVALID_REQUEST, so callers handle one failure type.
 */
public final class FreezeLimits {
    /** Below the 10 s for which Windows VSS holds writes before it thaws on its own. */
    public static final Duration DEFAULT_MAX_FROZEN_WINDOW = Duration.ofSeconds(8);
    public static final Duration DEFAULT_FREEZE_TIMEOUT = Duration.ofSeconds(5);
    /** CloudStack's own agent uses 10 s per freeze/thaw/status call. */
    public static final Duration DEFAULT_THAW_TIMEOUT = Duration.ofSeconds(10);
    /** Proxmox raised its thaw timeout to 3 min after a Windows guest needed 54 s. */
    public static final Duration DEFAULT_THAW_RETRY_FOR = Duration.ofMinutes(3);
    public static final Duration DEFAULT_THAW_BACKOFF_INITIAL = Duration.ofMillis(250);
    public static final Duration DEFAULT_THAW_BACKOFF_MAX = Duration.ofSeconds(10);
    /** Proxmox pings the agent with 3 s. */
    public static final Duration DEFAULT_PREFLIGHT_TIMEOUT = Duration.ofSeconds(3);
    public static final Duration DEFAULT_SNAPSHOT_TIMEOUT = Duration.ofMinutes(5);

    private static final FreezeLimits DEFAULTS = builder().build();

    private final Duration maxFrozenWindow;
    private final Duration freezeTimeout;
    private final Duration thawTimeout;
    private final Duration thawRetryFor;
    private final Duration thawBackoffInitial;
    private final Duration thawBackoffMax;
    private final Duration preflightTimeout;
    private final Duration snapshotTimeout;

    private FreezeLimits(Builder b) {
        maxFrozenWindow = b.maxFrozenWindow;
        freezeTimeout = b.freezeTimeout;
        thawTimeout = b.thawTimeout;
        thawRetryFor = b.thawRetryFor;
        thawBackoffInitial = b.thawBackoffInitial;
        thawBackoffMax = b.thawBackoffMax;
        preflightTimeout = b.preflightTimeout;
        snapshotTimeout = b.snapshotTimeout;
    }

    public static FreezeLimits defaults() {
        return DEFAULTS;
    }

    public static Builder builder() {
        return new Builder();
    }

    /** A builder that starts from these values. */
    public Builder toBuilder() {
        return new Builder()
                .maxFrozenWindow(maxFrozenWindow)
                .freezeTimeout(freezeTimeout)
                .thawTimeout(thawTimeout)
                .thawRetryFor(thawRetryFor)
                .thawRetryBackoff(thawBackoffInitial, thawBackoffMax)
                .preflightTimeout(preflightTimeout)
                .snapshotTimeout(snapshotTimeout);
    }

    /**
     * Longest time the guest may stay frozen, counted from the start of the freeze call. All array snapshots must
     * complete inside it, and the watchdog starts thawing when it ends.
     */
    public Duration maxFrozenWindow() {
        return maxFrozenWindow;
    }

    /** Bound of the freeze call; must be shorter than {@link #maxFrozenWindow()}. */
    public Duration freezeTimeout() {
        return freezeTimeout;
    }

    /** Bound of each thaw or freeze-status call while thawing. */
    public Duration thawTimeout() {
        return thawTimeout;
    }

    /**
     * How long after a freeze attempt the engine keeps trying to get the guest confirmed thawed, and (after a freeze
     * whose outcome is unknown) keeps watching for a freeze the agent executes late.
     */
    public Duration thawRetryFor() {
        return thawRetryFor;
    }

    /** First pause between thaw attempts; doubles up to {@link #thawBackoffMax()}. */
    public Duration thawBackoffInitial() {
        return thawBackoffInitial;
    }

    public Duration thawBackoffMax() {
        return thawBackoffMax;
    }

    /** Bound of each pre-flight call (domain state, guest-ping, guest-info, freeze status) and of the wait for array capacity. */
    public Duration preflightTimeout() {
        return preflightTimeout;
    }

    /** Bound of the array snapshot phase when the guest is not frozen (policy OFF, paused domain, best-effort fallback). */
    public Duration snapshotTimeout() {
        return snapshotTimeout;
    }

    /** Human-readable problems with these values; empty when they are usable. */
    public List<String> problems() {
        List<String> problems = new ArrayList<>();
        requirePositive(problems, "maxFrozenWindow", maxFrozenWindow);
        requirePositive(problems, "freezeTimeout", freezeTimeout);
        requirePositive(problems, "thawTimeout", thawTimeout);
        requirePositive(problems, "thawRetryFor", thawRetryFor);
        requirePositive(problems, "thawRetryBackoff initial", thawBackoffInitial);
        requirePositive(problems, "thawRetryBackoff max", thawBackoffMax);
        requirePositive(problems, "preflightTimeout", preflightTimeout);
        requirePositive(problems, "snapshotTimeout", snapshotTimeout);
        if (!problems.isEmpty()) {
            return Collections.unmodifiableList(problems);
        }
        if (freezeTimeout.compareTo(maxFrozenWindow) >= 0) {
            problems.add("freezeTimeout (" + freezeTimeout.toMillis() + " ms) must be shorter than maxFrozenWindow ("
                    + maxFrozenWindow.toMillis() + " ms): the snapshots need time inside the window");
        }
        if (thawRetryFor.compareTo(thawTimeout) < 0) {
            problems.add("thawRetryFor (" + thawRetryFor.toMillis() + " ms) must be at least thawTimeout ("
                    + thawTimeout.toMillis() + " ms)");
        }
        if (thawBackoffInitial.compareTo(thawBackoffMax) > 0) {
            problems.add("thawRetryBackoff initial (" + thawBackoffInitial.toMillis() + " ms) exceeds its max ("
                    + thawBackoffMax.toMillis() + " ms)");
        }
        return Collections.unmodifiableList(problems);
    }

    private static void requirePositive(List<String> problems, String name, Duration value) {
        if (value == null) {
            problems.add(name + " is not set");
        } else if (value.isNegative() || value.isZero()) {
            problems.add(name + " must be positive, is " + value.toMillis() + " ms");
        }
    }

    @Override
    public String toString() {
        return "FreezeLimits[maxFrozenWindow=" + maxFrozenWindow + ", freezeTimeout=" + freezeTimeout
                + ", thawTimeout=" + thawTimeout + ", thawRetryFor=" + thawRetryFor
                + ", thawRetryBackoff=" + thawBackoffInitial + ".." + thawBackoffMax
                + ", preflightTimeout=" + preflightTimeout + ", snapshotTimeout=" + snapshotTimeout + "]";
    }

    /** Builder; unset values keep their defaults. */
    public static final class Builder {
        private Duration maxFrozenWindow = DEFAULT_MAX_FROZEN_WINDOW;
        private Duration freezeTimeout = DEFAULT_FREEZE_TIMEOUT;
        private Duration thawTimeout = DEFAULT_THAW_TIMEOUT;
        private Duration thawRetryFor = DEFAULT_THAW_RETRY_FOR;
        private Duration thawBackoffInitial = DEFAULT_THAW_BACKOFF_INITIAL;
        private Duration thawBackoffMax = DEFAULT_THAW_BACKOFF_MAX;
        private Duration preflightTimeout = DEFAULT_PREFLIGHT_TIMEOUT;
        private Duration snapshotTimeout = DEFAULT_SNAPSHOT_TIMEOUT;

        private Builder() {
        }

        public Builder maxFrozenWindow(Duration value) {
            maxFrozenWindow = value;
            return this;
        }

        public Builder freezeTimeout(Duration value) {
            freezeTimeout = value;
            return this;
        }

        public Builder thawTimeout(Duration value) {
            thawTimeout = value;
            return this;
        }

        public Builder thawRetryFor(Duration value) {
            thawRetryFor = value;
            return this;
        }

        public Builder thawRetryBackoff(Duration initial, Duration max) {
            thawBackoffInitial = initial;
            thawBackoffMax = max;
            return this;
        }

        public Builder preflightTimeout(Duration value) {
            preflightTimeout = value;
            return this;
        }

        public Builder snapshotTimeout(Duration value) {
            snapshotTimeout = value;
            return this;
        }

        public FreezeLimits build() {
            return new FreezeLimits(this);
        }
    }
}
