// Licensed under the Apache License, Version 2.0. See LICENSE in the project root.
package io.elastisnap.cloudstack.agent;

import java.util.List;
import java.util.Objects;
import java.util.concurrent.CompletableFuture;
import java.util.function.Supplier;

import org.apache.logging.log4j.LogManager;
import org.apache.logging.log4j.Logger;

import io.elastisnap.engine.RecoveryOutcome;
import io.elastisnap.engine.libvirt.LibvirtConnectionProvider;

/**
 * The agent process's single consistent-snapshot runner (one engine, one freeze journal, ElastiCenter clients cached
 * per endpoint). Created when the agent loads our wrapper ({@link #startRecovery}), which also starts thawing what a
 * crashed predecessor left frozen, or at the first command.
 */
public final class AgentSnapshotRuntime {
    private static final Logger LOG = LogManager.getLogger(AgentSnapshotRuntime.class);
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

    /**
     * Starts the journal recovery of the process's runner in the background (creating the runner if needed). Never
     * throws and never blocks: it runs where CloudStack constructs its command wrappers, and a failure here must not
     * cost the agent its other wrappers; a broken runtime shows again, as a failed answer, at the first command.
     *
     * @param agentLibvirt the agent's libvirt connection
     */
    public static CompletableFuture<List<RecoveryOutcome>> startRecovery(LibvirtConnectionProvider agentLibvirt) {
        try {
            return runner().startRecovery(agentLibvirt);
        } catch (RuntimeException | LinkageError e) {
            LOG.error("Could not start the freeze journal recovery at agent start; it is tried again at the first consistent"
                    + " snapshot", e);
            CompletableFuture<List<RecoveryOutcome>> failed = new CompletableFuture<>();
            failed.completeExceptionally(e);
            return failed;
        }
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
