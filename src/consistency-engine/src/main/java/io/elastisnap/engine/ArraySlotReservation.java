// Licensed under the Apache License, Version 2.0. See LICENSE in the project root.
package io.elastisnap.engine;

import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/** Array-call slots one request holds: one per volume, each given back when that volume's call (and late cleanup) ends. */
final class ArraySlotReservation {
    private final Semaphore slots;
    private final AtomicInteger held;
    private volatile boolean handedToCalls;

    private ArraySlotReservation(Semaphore slots, int count) {
        this.slots = slots;
        this.held = new AtomicInteger(count);
    }

    /** Reserves {@code count} slots, waiting at most {@code timeoutNanos}; null when they did not become free. */
    static ArraySlotReservation tryReserve(Semaphore slots, int count, long timeoutNanos) throws InterruptedException {
        if (!slots.tryAcquire(count, timeoutNanos, TimeUnit.NANOSECONDS)) {
            return null;
        }
        return new ArraySlotReservation(slots, count);
    }

    void releaseOne() {
        if (held.getAndUpdate(n -> n > 0 ? n - 1 : 0) > 0) {
            slots.release();
        }
    }

    /** From now on each call gives back its own slot ({@link #releaseOne()}); {@link #releaseAll()} does nothing. */
    void handToCalls() {
        handedToCalls = true;
    }

    /** Gives back every slot still held, unless the snapshot calls own them. Idempotent. */
    void releaseAll() {
        if (!handedToCalls) {
            slots.release(held.getAndSet(0));
        }
    }
}
