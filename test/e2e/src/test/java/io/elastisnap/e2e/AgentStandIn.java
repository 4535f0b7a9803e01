// Licensed under the Apache License, Version 2.0. See LICENSE in the project root.
package io.elastisnap.e2e;

import java.util.List;

import org.libvirt.Connect;

import io.elastisnap.cloudstack.agent.AgentSnapshotRuntime;
import io.elastisnap.cloudstack.agent.ElastiCenterEndpoint;
import io.elastisnap.cloudstack.agent.SnapshotLimits;
import io.elastisnap.cloudstack.agent.TakeConsistentSnapshotAnswer;
import io.elastisnap.cloudstack.agent.TakeConsistentSnapshotCommand;
import io.elastisnap.cloudstack.agent.VolumeSnapshotSpec;

/**
 * STANDS IN FOR THE CLOUDSTACK KVM AGENT (no CloudStack agent runs on this machine): a JVM that runs the plugin's agent
 * runtime path exactly as our command wrapper does, {@code AgentSnapshotRuntime.runner().run(command, connection)},
 * so the engine, its journal and its thaw guard are wired by {@code EngineSnapshotRunner.forAgent()} as on a KVM host
 * (journal directory from {@code -Delastisnap.journal.dir}, the guard's URI from the handed-over libvirt connection).
 * The kill -9 scenarios kill this process while the guest is frozen.
 *
 * <p>Arguments: libvirt URI, domain, simulator base URL, certificate SHA-256, volume id, snapshot name, max frozen
 * window in ms. The API key comes in {@value FreezeThenHangOnArray#API_KEY_VARIABLE}, never on the command line.
 */
public final class AgentStandIn {

    private AgentStandIn() {
    }

    public static void main(String[] args) throws Exception {
        if (args.length != 7) {
            System.err.println("usage: AgentStandIn <libvirt-uri> <domain> <base-url> <cert-sha256> <volume-id> "
                    + "<snapshot-name> <max-frozen-window-ms>  (API key in $" + FreezeThenHangOnArray.API_KEY_VARIABLE + ")");
            System.exit(2);
        }
        String apiKey = System.getenv(FreezeThenHangOnArray.API_KEY_VARIABLE);
        TakeConsistentSnapshotCommand command = new TakeConsistentSnapshotCommand(args[1],
                List.of(new VolumeSnapshotSpec(args[4], args[5])), "REQUIRED", List.of(),
                new SnapshotLimits(Long.parseLong(args[6]), 2000, 10000, 600000),
                ElastiCenterEndpoint.parse(args[2], "sha256:" + args[3]), apiKey);
        Connect connection = new Connect(args[0]);
        System.out.println("agent stand-in: snapshot of " + args[1] + " starting");
        TakeConsistentSnapshotAnswer answer = AgentSnapshotRuntime.runner().run(command, () -> connection);
        System.out.println("agent stand-in: answer " + answer.getResult() + ": " + answer.getDetails());
        System.exit(answer.getResult() ? 0 : 1);
    }
}
