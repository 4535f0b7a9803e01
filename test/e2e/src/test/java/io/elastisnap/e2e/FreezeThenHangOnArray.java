// Licensed under the Apache License, Version 2.0. See LICENSE in the project root.
package io.elastisnap.e2e;

import java.net.URI;
import java.nio.file.Paths;
import java.time.Duration;

import io.elastisnap.elasticenter.ElastiCenterClient;
import io.elastisnap.engine.ConsistencyPolicy;
import io.elastisnap.engine.ConsistentSnapshotRequest;
import io.elastisnap.engine.FreezeLimits;

/**
 * The orchestrator the kill -9 scenario kills: a separate JVM that freezes the guest and then waits on an array whose
 * createStorageSnapshot hangs (the test injects that). Its frozen window is long, so nothing but the kill ends it.
 *
 * <p>Arguments: libvirt URI, domain, simulator base URL, certificate SHA-256, journal directory, volume id, snapshot
 * name. The API key comes in the environment variable {@value #API_KEY_VARIABLE}, never on the command line.
 */
public final class FreezeThenHangOnArray {

    static final String API_KEY_VARIABLE = "ELASTISNAP_E2E_API_KEY";
    /** Exit code when the snapshot call returned: the test meant to kill this process before that. */
    static final int RETURNED = 3;

    private FreezeThenHangOnArray() {
    }

    public static void main(String[] args) throws Exception {
        if (args.length != 7) {
            System.err.println("usage: FreezeThenHangOnArray <libvirt-uri> <domain> <base-url> <cert-sha256> "
                    + "<journal-dir> <volume-id> <snapshot-name>  (API key in $" + API_KEY_VARIABLE + ")");
            System.exit(2);
        }
        String apiKey = System.getenv(API_KEY_VARIABLE);
        if (apiKey == null || apiKey.isEmpty()) {
            System.err.println("$" + API_KEY_VARIABLE + " is not set");
            System.exit(2);
        }
        try (ElastiCenterClient client = EngineWiring.client(URI.create(args[2]), apiKey, args[3]);
             EngineWiring wiring = EngineWiring.create(args[0], client, Paths.get(args[4]))) {
            FreezeLimits limits = FreezeLimits.builder().maxFrozenWindow(Duration.ofMinutes(10)).build();
            ConsistentSnapshotRequest request = ConsistentSnapshotRequest.builder(args[1])
                    .volume(args[5], args[6])
                    .policy(ConsistencyPolicy.REQUIRED)
                    .limits(limits)
                    .build();
            System.out.println("orchestrator: snapshot of " + args[1] + " starting");
            wiring.engine().snapshot(request);
        } catch (Exception e) {
            System.err.println("orchestrator: snapshot ended: " + e);
        }
        System.exit(RETURNED);
    }
}
