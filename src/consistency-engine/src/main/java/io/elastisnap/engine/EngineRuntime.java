// Licensed under the Apache License, Version 2.0. See LICENSE in the project root.
package io.elastisnap.engine;

import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.Semaphore;
import java.util.concurrent.SynchronousQueue;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Threads shared by engines: array snapshot calls, guest agent calls, thaw keepers and the watchdog timer.
 *
 * <p>Array calls are admitted per request: before freezing, a request reserves one slot per volume (or fails with
 * ENGINE_BUSY before any side effect), so once a guest is frozen every one of its snapshot calls starts at once on
 * its own thread instead of queueing behind other VMs' calls inside its frozen window. The thread pool itself is
 * unbounded; the reservation bounds it. Agent calls run on their own threads so a caller can stop waiting for a
 * native libvirt call that overruns its timeout (such a call cannot be interrupted). All threads are daemons.
 *
 * <p>A runtime also knows which domains its engines are freezing, so two snapshots of one guest never overlap. Use one
 * runtime per process (the default {@link #shared()}): engines on different runtimes do not coordinate.
 */
public final class EngineRuntime implements AutoCloseable {
    /** 64 VMs with 16 volumes each can have all their snapshot calls in flight at once. */
    public static final int DEFAULT_MAX_CONCURRENT_ARRAY_CALLS = 1024;
    /** Agent calls in flight at once (abandoned calls still count until libvirt returns). */
    public static final int MAX_CONCURRENT_AGENT_CALLS = 512;

    private static final class SharedHolder {
        static final EngineRuntime SHARED = new EngineRuntime(DEFAULT_MAX_CONCURRENT_ARRAY_CALLS, true);
    }

    private final int maxConcurrentArrayCalls;
    private final boolean shared;
    private final Semaphore arraySlots;
    private final ExecutorService arrayCalls;
    private final ExecutorService agentCalls;
    private final ExecutorService keepers;
    private final ScheduledThreadPoolExecutor watchdog;
    private final ActiveDomains activeDomains = new ActiveDomains();

    private EngineRuntime(int maxConcurrentArrayCalls, boolean shared) {
        if (maxConcurrentArrayCalls < 1) {
            throw new IllegalArgumentException("maxConcurrentArrayCalls must be at least 1, is " + maxConcurrentArrayCalls);
        }
        this.maxConcurrentArrayCalls = maxConcurrentArrayCalls;
        this.shared = shared;
        this.arraySlots = new Semaphore(maxConcurrentArrayCalls, true);
        this.arrayCalls = Executors.newCachedThreadPool(daemonThreads("elastisnap-array-call"));
        this.agentCalls = new ThreadPoolExecutor(0, MAX_CONCURRENT_AGENT_CALLS, 60, TimeUnit.SECONDS,
                new SynchronousQueue<>(), daemonThreads("elastisnap-agent-call"));
        this.keepers = Executors.newCachedThreadPool(daemonThreads("elastisnap-thaw-keeper"));
        this.watchdog = new ScheduledThreadPoolExecutor(1, daemonThreads("elastisnap-watchdog"));
        this.watchdog.setRemoveOnCancelPolicy(true);
    }

    /** The process-wide runtime every engine uses unless given another; never closed. */
    public static EngineRuntime shared() {
        return SharedHolder.SHARED;
    }

    /** A dedicated runtime (tests, tools); close it when done. */
    public static EngineRuntime create(int maxConcurrentArrayCalls) {
        return new EngineRuntime(maxConcurrentArrayCalls, false);
    }

    public int maxConcurrentArrayCalls() {
        return maxConcurrentArrayCalls;
    }

    Semaphore arraySlots() {
        return arraySlots;
    }

    ExecutorService arrayCalls() {
        return arrayCalls;
    }

    ExecutorService agentCalls() {
        return agentCalls;
    }

    ExecutorService keepers() {
        return keepers;
    }

    ScheduledThreadPoolExecutor watchdog() {
        return watchdog;
    }

    ActiveDomains activeDomains() {
        return activeDomains;
    }

    /** Stops the threads of a runtime from {@link #create}; the shared runtime ignores this. */
    @Override
    public void close() {
        if (shared) {
            return;
        }
        watchdog.shutdownNow();
        keepers.shutdownNow();
        agentCalls.shutdownNow();
        arrayCalls.shutdownNow();
    }

    private static ThreadFactory daemonThreads(String prefix) {
        AtomicInteger counter = new AtomicInteger();
        return runnable -> {
            Thread thread = new Thread(runnable, prefix + "-" + counter.incrementAndGet());
            thread.setDaemon(true);
            return thread;
        };
    }
}
