// Licensed under the Apache License, Version 2.0. See LICENSE in the project root.
package io.elastisnap.cloudstack.agent;

import java.io.IOException;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.stream.Collectors;

import org.apache.logging.log4j.LogManager;
import org.apache.logging.log4j.Logger;

import io.elastisnap.engine.RecoveryOutcome;

/**
 * Thaws, on a daemon thread of its own, the guests the freeze journal says a dead predecessor left frozen, and tries
 * again (1 s, doubling to 1 min) until no entry is left that could not be resolved: at agent start libvirtd may not
 * answer yet, or a guest agent may be hung. The agent never waits for it, and it logs what it thawed, the first
 * failure, and then only every {@value #LOG_EVERY_ATTEMPTS}th failed attempt.
 */
final class JournalRecoveryLoop {
    static final Duration FIRST_RETRY = Duration.ofSeconds(1);
    static final Duration MAX_RETRY = Duration.ofMinutes(1);
    static final int LOG_EVERY_ATTEMPTS = 10;

    private static final Logger LOG = LogManager.getLogger(JournalRecoveryLoop.class);

    /** One recovery pass (the engine's {@code recoverFromJournal}). */
    interface Pass {
        List<RecoveryOutcome> run() throws IOException;
    }

    private final Pass pass;
    private final CompletableFuture<List<RecoveryOutcome>> resolved = new CompletableFuture<>();

    JournalRecoveryLoop(Pass pass) {
        this.pass = pass;
    }

    /** Starts the loop; the future completes with the last pass's outcomes once nothing is left unresolved. */
    CompletableFuture<List<RecoveryOutcome>> start() {
        Thread thread = new Thread(this::runUntilResolved, "elastisnap-journal-recovery");
        thread.setDaemon(true);
        thread.start();
        return resolved;
    }

    private void runUntilResolved() {
        long pauseMillis = FIRST_RETRY.toMillis();
        for (int attempt = 1; ; attempt++) {
            String problem;
            try {
                List<RecoveryOutcome> outcomes = pass.run();
                List<RecoveryOutcome> failed = outcomes.stream().filter(o -> o.action() == RecoveryOutcome.Action.FAILED)
                        .collect(Collectors.toList());
                logThawed(outcomes);
                if (failed.isEmpty()) {
                    resolved.complete(outcomes);
                    return;
                }
                problem = "could not resolve " + failed;
            } catch (IOException | RuntimeException e) {
                problem = "cannot read the freeze journal: " + e;
            }
            if (attempt == 1 || attempt % LOG_EVERY_ATTEMPTS == 0) {
                LOG.warn("Freeze journal recovery at agent start, attempt {}: {}; trying again every {} s at most until it"
                        + " succeeds (libvirtd or the guest agent may not answer yet)", attempt, problem, MAX_RETRY.getSeconds());
            }
            try {
                Thread.sleep(pauseMillis);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                resolved.completeExceptionally(e);
                return;
            }
            pauseMillis = Math.min(pauseMillis * 2, MAX_RETRY.toMillis());
        }
    }

    /** Thawed now, or found thawed by the dead predecessor's thaw guard: each says when it was frozen, by whom, how long. */
    private static void logThawed(List<RecoveryOutcome> outcomes) {
        List<RecoveryOutcome> thawed = outcomes.stream().filter(o -> o.thawedBy().isPresent())
                .collect(Collectors.toList());
        if (!thawed.isEmpty()) {
            LOG.warn("Freeze journal recovery at agent start: {} guest(s) a dead predecessor left frozen were thawed (by this"
                    + " recovery or by their thaw guards): {}", thawed.size(), thawed);
        }
    }
}
