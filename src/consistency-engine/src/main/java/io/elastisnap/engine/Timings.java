// Licensed under the Apache License, Version 2.0. See LICENSE in the project root.
package io.elastisnap.engine;

import java.time.Duration;

/** Where the time of one consistent snapshot went. A phase that did not happen is {@link Duration#ZERO}. */
public final class Timings {
    private final Duration preflight;
    private final Duration freeze;
    private final Duration snapshots;
    private final Duration thaw;
    private final Duration frozenWindow;
    private final Duration total;

    Timings(Duration preflight, Duration freeze, Duration snapshots, Duration thaw, Duration frozenWindow, Duration total) {
        this.preflight = preflight;
        this.freeze = freeze;
        this.snapshots = snapshots;
        this.thaw = thaw;
        this.frozenWindow = frozenWindow;
        this.total = total;
    }

    /** Validation and pre-flight checks (domain state, guest-ping, guest-info, freeze status, array capacity). */
    public Duration preflight() {
        return preflight;
    }

    /** Freeze call until the agent confirmed status {@code frozen}. */
    public Duration freeze() {
        return freeze;
    }

    /** Parallel array snapshot calls, from the first call sent until all completed (or the attempt was abandoned). */
    public Duration snapshots() {
        return snapshots;
    }

    /** First thaw call until the agent confirmed status {@code thawed}, retries included. */
    public Duration thaw() {
        return thaw;
    }

    /** Start of the freeze call until the agent confirmed status {@code thawed}: the longest the guest can have been frozen. */
    public Duration frozenWindow() {
        return frozenWindow;
    }

    /** The whole operation, compensation included. */
    public Duration total() {
        return total;
    }

    @Override
    public String toString() {
        return "Timings[preflight=" + preflight.toMillis() + " ms, freeze=" + freeze.toMillis() + " ms, snapshots="
                + snapshots.toMillis() + " ms, thaw=" + thaw.toMillis() + " ms, frozenWindow=" + frozenWindow.toMillis()
                + " ms, total=" + total.toMillis() + " ms]";
    }
}
