// Licensed under the Apache License, Version 2.0. See LICENSE in the project root.
package io.elastisnap.elasticenter;

import java.time.Duration;
import java.util.Optional;
import java.util.function.Predicate;
import java.util.function.Supplier;

/**
 * Settles a mutation whose outcome is unknown ({@link ElastiCenterException#outcomeUnknown()}: the request went out,
 * no usable answer came back). The appliance may still carry it out after the client gave up, so the caller looks the
 * object up by its unique name until it shows what the caller needs, or until a window passes (with one look-up after
 * the window), and then compensates: deletes a create that landed late, repeats a delete that did not happen.
 */
public final class UnknownOutcome {
    static final Duration FIRST_PAUSE = Duration.ofMillis(100);
    static final Duration LONGEST_PAUSE = Duration.ofSeconds(2);

    private UnknownOutcome() {
    }

    /** Whether {@code failure} leaves it open whether the array acted (then the window is worth watching). */
    public static boolean isUnknown(Throwable failure) {
        return failure instanceof ElastiCenterException && ((ElastiCenterException) failure).outcomeUnknown();
    }

    /**
     * Looks up until something is found or {@code window} has passed; the last look-up is made after the window.
     * A failing look-up is retried until the window ends; the last one's failure is thrown.
     */
    public static <T> Optional<T> awaitLanding(Supplier<Optional<T>> lookUp, Duration window) {
        return settle(lookUp, Optional::isPresent, window);
    }

    /** Looks up until nothing is found or {@code window} has passed; returns what is still there after the window. */
    public static <T> Optional<T> awaitGone(Supplier<Optional<T>> lookUp, Duration window) {
        return settle(lookUp, Optional::isEmpty, window);
    }

    private static <T> Optional<T> settle(Supplier<Optional<T>> lookUp, Predicate<Optional<T>> settled, Duration window) {
        long deadline = System.nanoTime() + window.toNanos();
        long pauseNanos = FIRST_PAUSE.toNanos();
        while (true) {
            boolean last = System.nanoTime() - deadline >= 0;
            try {
                Optional<T> found = lookUp.get();
                if (settled.test(found) || last) {
                    return found;
                }
            } catch (RuntimeException e) {
                if (last) {
                    throw e;
                }
            }
            long remaining = deadline - System.nanoTime();
            try {
                Thread.sleep(Math.max(1, Math.min(pauseNanos, remaining) / 1_000_000));
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return lookUp.get();
            }
            pauseNanos = Math.min(pauseNanos * 2, LONGEST_PAUSE.toNanos());
        }
    }
}
