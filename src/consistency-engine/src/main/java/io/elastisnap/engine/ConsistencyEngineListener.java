// Licensed under the Apache License, Version 2.0. See LICENSE in the project root.
package io.elastisnap.engine;

import java.time.Duration;

/**
 * Optional observer of freeze and thaw, for metrics (frozen-window histograms) and fault-injection tests.
 * Exceptions it throws are logged and ignored.
 */
public interface ConsistencyEngineListener {
    ConsistencyEngineListener NONE = new ConsistencyEngineListener() {
    };

    /**
     * The freeze is confirmed and the array snapshot calls are about to be sent. Runs on the orchestrating thread
     * INSIDE the frozen window: anything slow here lengthens the freeze (the watchdog still bounds it).
     */
    default void onFrozen(String domainName) {
    }

    /** The guest was confirmed thawed after a freeze attempt; {@code byWatchdog} when the window limit forced it. */
    default void onThawed(String domainName, Duration frozenWindow, boolean byWatchdog) {
    }
}
