// Licensed under the Apache License, Version 2.0. See LICENSE in the project root.
package io.elastisnap.cloudstack.agent;

import java.util.Objects;
import java.util.function.Supplier;

/**
 * The agent process's single consistent-snapshot runner (one engine, one freeze journal, ElastiCenter clients cached
 * per endpoint). Created at first use, so the journal recovery of a crashed predecessor runs before the first freeze.
 */
public final class AgentSnapshotRuntime {
    private static final Object LOCK = new Object();
    private static volatile Supplier<ConsistentSnapshotRunner> factory = AgentSnapshotRuntime::defaultRunner;
    private static volatile ConsistentSnapshotRunner runner;

    private AgentSnapshotRuntime() {
    }

    public static ConsistentSnapshotRunner runner() {
        ConsistentSnapshotRunner current = runner;
        if (current == null) {
            synchronized (LOCK) {
                if (runner == null) {
                    runner = Objects.requireNonNull(factory.get(), "runner factory returned null");
                }
                current = runner;
            }
        }
        return current;
    }

    /** Replaces the runner (tests, or an agent embedding its own engine). */
    public static void install(ConsistentSnapshotRunner replacement) {
        synchronized (LOCK) {
            runner = Objects.requireNonNull(replacement, "runner");
        }
    }

    private static ConsistentSnapshotRunner defaultRunner() {
        return EngineSnapshotRunner.forAgent();
    }
}
