// Licensed under the Apache License, Version 2.0. See LICENSE in the project root.
package io.elastisnap.simulator;

import java.util.ArrayList;
import java.util.Collections;
import java.util.EnumSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Fault registry of one simulator. Faults are kept per command name (exact API spelling, e.g. "createVolume"; "*"
 * matches every command) in injection order; a request fires the first matching fault that has firings left.
 * Clearing releases hanging requests and jobs held pending. Thread-safe.
 */
public final class Faults {

    /** Command key that matches every API command. */
    public static final String ANY_COMMAND = "*";

    private final Map<String, List<ActiveFault>> byCommand = new LinkedHashMap<>();
    private final Runnable onRelease;

    Faults(Runnable onRelease) {
        this.onRelease = onRelease;
    }

    /** Adds {@code fault} for {@code command} behind any faults already injected for it. */
    public void inject(String command, Fault fault) {
        if (command == null || command.isBlank()) {
            throw new IllegalArgumentException("command must name an API command or \"*\"");
        }
        if (fault == null) {
            throw new IllegalArgumentException("fault must not be null");
        }
        synchronized (byCommand) {
            byCommand.computeIfAbsent(key(command), k -> new ArrayList<>()).add(new ActiveFault(command, fault));
        }
    }

    /** Removes every fault, releasing hung requests and held jobs. */
    public void clear() {
        List<ActiveFault> removed = new ArrayList<>();
        synchronized (byCommand) {
            byCommand.values().forEach(removed::addAll);
            byCommand.clear();
        }
        release(removed);
    }

    /** Removes the faults of one command (or of "*"), releasing what they hold. */
    public void clear(String command) {
        List<ActiveFault> removed;
        synchronized (byCommand) {
            removed = byCommand.remove(key(command));
        }
        if (removed != null) {
            release(removed);
        }
    }

    /** The injected faults per command, including those with no firings left (they still hold what they caught). */
    public Map<String, List<Fault>> active() {
        Map<String, List<Fault>> copy = new LinkedHashMap<>();
        synchronized (byCommand) {
            byCommand.forEach((command, faults) -> {
                List<Fault> list = new ArrayList<>();
                faults.forEach(active -> list.add(active.fault));
                copy.put(faults.get(0).command, Collections.unmodifiableList(list));
            });
        }
        return Collections.unmodifiableMap(copy);
    }

    /** How many times faults for {@code command} have fired so far (faults that were cleared no longer count). */
    public int firedCount(String command) {
        synchronized (byCommand) {
            List<ActiveFault> faults = byCommand.get(key(command));
            return faults == null ? 0 : faults.stream().mapToInt(f -> f.fired.get()).sum();
        }
    }

    /** Request-stage faults: everything except {@link Fault.Kind#JOB_STAYS_PENDING}. */
    ActiveFault fireRequestFault(String command) {
        return fire(command, EnumSet.complementOf(EnumSet.of(Fault.Kind.JOB_STAYS_PENDING)));
    }

    ActiveFault fireJobStaysPending(String command) {
        return fire(command, EnumSet.of(Fault.Kind.JOB_STAYS_PENDING));
    }

    private ActiveFault fire(String command, Set<Fault.Kind> kinds) {
        synchronized (byCommand) {
            ActiveFault fired = fireFirst(byCommand.get(key(command)), kinds);
            return fired != null ? fired : fireFirst(byCommand.get(ANY_COMMAND), kinds);
        }
    }

    private static ActiveFault fireFirst(List<ActiveFault> faults, Set<Fault.Kind> kinds) {
        if (faults == null) {
            return null;
        }
        for (ActiveFault candidate : faults) {
            if (kinds.contains(candidate.fault.kind()) && candidate.tryFire()) {
                return candidate;
            }
        }
        return null;
    }

    private void release(List<ActiveFault> removed) {
        removed.forEach(ActiveFault::release);
        onRelease.run();
    }

    // Commands are case-sensitive on the wire, but a fault registered as "createvolume" is clearly meant for it.
    private static String key(String command) {
        return command.equals(ANY_COMMAND) ? ANY_COMMAND : command.toLowerCase(Locale.ROOT);
    }

    /** One injected fault with its firing budget; released once cleared. */
    static final class ActiveFault {
        final String command;
        final Fault fault;
        private final AtomicInteger remaining;
        private final AtomicInteger fired = new AtomicInteger();
        private volatile boolean released;

        ActiveFault(String command, Fault fault) {
            this.command = command;
            this.fault = fault;
            this.remaining = new AtomicInteger(fault.timesLimit());
        }

        private boolean tryFire() {
            if (released) {
                return false;
            }
            if (fault.timesLimit() != Fault.UNLIMITED && remaining.getAndUpdate(n -> n > 0 ? n - 1 : 0) <= 0) {
                return false;
            }
            fired.incrementAndGet();
            return true;
        }

        boolean released() {
            return released;
        }

        private void release() {
            synchronized (this) {
                released = true;
                notifyAll();
            }
        }

        /** Waits up to {@code millis} for the release; returns whether it happened. */
        synchronized boolean awaitRelease(long millis) throws InterruptedException {
            if (!released) {
                wait(millis);
            }
            return released;
        }
    }
}
