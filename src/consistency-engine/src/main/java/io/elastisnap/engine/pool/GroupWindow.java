// Licensed under the Apache License, Version 2.0. See LICENSE in the project root.
package io.elastisnap.engine.pool;

import io.elastisnap.engine.ConsistencyEngineListener;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Measures a group's frozen window: from the first member's freeze start to the last member's confirmed thaw, as the
 * members' engines report them. Passes every event on to the caller's listener.
 */
final class GroupWindow implements ConsistencyEngineListener {
    private final ConsistencyEngineListener delegate;
    private final AtomicLong firstFreezeStart = new AtomicLong(Long.MAX_VALUE);
    private final AtomicLong lastThaw = new AtomicLong(Long.MIN_VALUE);

    GroupWindow(ConsistencyEngineListener delegate) {
        this.delegate = delegate;
    }

    @Override
    public void onFrozen(String domainName) {
        delegate.onFrozen(domainName);
    }

    @Override
    public void onThawed(String domainName, Duration frozenWindow, boolean byWatchdog) {
        long now = System.nanoTime();
        firstFreezeStart.accumulateAndGet(now - frozenWindow.toNanos(), Math::min);
        lastThaw.accumulateAndGet(now, Math::max);
        delegate.onThawed(domainName, frozenWindow, byWatchdog);
    }

    /** Zero when no member was frozen and thawed. */
    Duration window() {
        long start = firstFreezeStart.get();
        long end = lastThaw.get();
        return start == Long.MAX_VALUE || end < start ? Duration.ZERO : Duration.ofNanos(end - start);
    }
}
