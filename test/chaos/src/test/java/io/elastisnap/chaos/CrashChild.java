// Licensed under the Apache License, Version 2.0. See LICENSE in the project root.
package io.elastisnap.chaos;

import io.elastisnap.elasticenter.ElastiCenterClient;
import io.elastisnap.elasticenter.ElastiCenterConfig;
import io.elastisnap.elasticenter.Secret;
import io.elastisnap.elasticenter.TlsTrust;
import io.elastisnap.engine.ConsistencyEngine;
import io.elastisnap.engine.ConsistencyEngineListener;
import io.elastisnap.engine.ConsistentSnapshotException;
import io.elastisnap.engine.ConsistentSnapshotRequest;
import io.elastisnap.engine.ElastiCenterArraySnapshotter;
import io.elastisnap.engine.EngineRuntime;
import io.elastisnap.engine.RecoveryOutcome;
import io.elastisnap.engine.guard.ProcessThawGuard;
import io.elastisnap.engine.journal.FreezeJournal;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;

/**
 * The orchestrating process of a crash round, run as a child JVM so the parent can kill -9 it:
 * {@code snapshot DIR URL KEYFILE PIN VOLUME...} takes one consistent snapshot of the file-backed guest in DIR, with a
 * thaw guard armed as on a host;
 * {@code recover DIR} is the restart: the engine's journal recovery, printing each outcome.
 */
public final class CrashChild {
    static final String DOMAIN = "crash-guest";

    private CrashChild() {
    }

    public static void main(String[] args) throws Exception {
        Path dir = Path.of(args[1]);
        FileGuest guest = new FileGuest(dir);
        FreezeJournal journal = new FreezeJournal(dir.resolve("journal"));
        if (args[0].equals("recover")) {
            ConsistencyEngine engine = new ConsistencyEngine(guest, new NoArray(), journal);
            for (RecoveryOutcome o : engine.recoverFromJournal(EngineFaultScheduleTest.LIMITS)) {
                System.out.println("RECOVERY " + o.action() + " " + o.domainName() + ": " + o.message());
            }
            System.exit(0);
        }
        String key = Files.readString(Path.of(args[3]), StandardCharsets.UTF_8).trim();
        try (ElastiCenterClient client = new ElastiCenterClient(ElastiCenterConfig.builder(URI.create(args[2]),
                Secret.of(key)).trust(TlsTrust.pinnedSha256(args[4])).readTimeout(Duration.ofSeconds(5)).build())) {
            // armed as on a host: a thaw guard per freeze, here with a virsh that thaws the file guest
            ProcessThawGuard guard = new ProcessThawGuard(dir::toString, FileGuestVirsh.install(dir).toString());
            ConsistencyEngine engine = new ConsistencyEngine(guest, new ElastiCenterArraySnapshotter(client), journal,
                    EngineRuntime.shared(), ConsistencyEngineListener.NONE, guard);
            ConsistentSnapshotRequest.Builder request = ConsistentSnapshotRequest.builder(DOMAIN)
                    .limits(EngineFaultScheduleTest.LIMITS);
            for (int i = 5; i < args.length; i++) {
                request.volume(args[i], "crash_" + System.nanoTime() + "_" + i);
            }
            System.out.println("READY");
            try {
                System.out.println("RESULT " + engine.snapshot(request.build()).level());
            } catch (ConsistentSnapshotException e) {
                System.out.println("FAILED " + e.reason());
            }
            engine.awaitIdle(Duration.ofSeconds(30));
        }
        System.exit(0);
    }

    /** Recovery never touches the array. */
    private static final class NoArray implements io.elastisnap.engine.ArraySnapshotter {
        @Override
        public io.elastisnap.engine.ArraySnapshot create(String volumeId, String snapshotName) {
            throw new IllegalStateException("recovery must not take snapshots");
        }

        @Override
        public void delete(io.elastisnap.engine.ArraySnapshot snapshot) {
            throw new IllegalStateException("recovery must not delete snapshots");
        }
    }
}
