// Licensed under the Apache License, Version 2.0. See LICENSE in the project root.
package io.elastisnap.cloudstack.testsupport;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;

import io.elastisnap.cloudstack.cluster.ClusterLocks;

/**
 * Stands in for the named locks of one CloudStack database (MySQL GET_LOCK, which GlobalLock takes): one owner per
 * name across every "management server" built on it with {@link #server(String)}, re-entrant for the owning thread
 * (as GlobalLock is), waits bounded by the caller's timeout. It records who held which lock, so tests can show it.
 */
public final class SharedDatabaseLocks {
    private final Map<String, Thread> owners = new HashMap<>();
    private final Map<String, Integer> holds = new HashMap<>();
    /** "server:lock:acquired|busy|released", in order. */
    private final List<String> events = Collections.synchronizedList(new ArrayList<>());

    /** The {@link ClusterLocks} bean of one management server on this database. */
    public ClusterLocks server(String name) {
        return new ClusterLocks() {
            @Override
            public <T> T withLock(String lock, Duration wait, Supplier<T> work, Supplier<T> whenBusy) {
                if (!acquire(lock, wait)) {
                    events.add(name + ":" + lock + ":busy");
                    return whenBusy.get();
                }
                events.add(name + ":" + lock + ":acquired");
                try {
                    return work.get();
                } finally {
                    events.add(name + ":" + lock + ":released");
                    release(lock);
                }
            }
        };
    }

    public List<String> events() {
        synchronized (events) {
            return new ArrayList<>(events);
        }
    }

    public synchronized boolean isHeld(String lock) {
        return owners.containsKey(lock);
    }

    private synchronized boolean acquire(String lock, Duration wait) {
        long deadline = System.nanoTime() + wait.toNanos();
        while (owners.containsKey(lock) && owners.get(lock) != Thread.currentThread()) {
            long left = deadline - System.nanoTime();
            if (left <= 0) {
                return false;
            }
            try {
                TimeUnit.NANOSECONDS.timedWait(this, left);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return false;
            }
        }
        owners.put(lock, Thread.currentThread());
        holds.merge(lock, 1, Integer::sum);
        return true;
    }

    private synchronized void release(String lock) {
        if (holds.merge(lock, -1, Integer::sum) == 0) {
            holds.remove(lock);
            owners.remove(lock);
            notifyAll();
        }
    }
}
