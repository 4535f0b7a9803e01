// Licensed under the Apache License, Version 2.0. See LICENSE in the project root.
package io.elastisnap.e2e;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.TimeUnit;

import org.libvirt.Connect;

import com.cloud.hypervisor.kvm.resource.LibvirtComputingResource;
import com.cloud.hypervisor.kvm.resource.wrapper.ElastiSnapFreezeLeaseCommandWrapper;
import com.cloud.hypervisor.kvm.resource.wrapper.LibvirtUtilitiesHelper;

import io.elastisnap.cloudstack.agent.AgentSnapshotRuntime;
import io.elastisnap.cloudstack.command.ElastiCenterEndpoint;
import io.elastisnap.cloudstack.command.FreezeLeaseAnswer;
import io.elastisnap.cloudstack.command.FreezeLeaseCommand;
import io.elastisnap.cloudstack.command.PoolSnapshotAnswer;
import io.elastisnap.cloudstack.command.TakePoolSnapshotCommand;
import io.elastisnap.cloudstack.command.TakeConsistentSnapshotAnswer;
import io.elastisnap.cloudstack.command.TakeConsistentSnapshotCommand;
import io.elastisnap.cloudstack.command.VolumeSnapshotSpec;
import io.elastisnap.elasticenter.Secret;
import io.elastisnap.elasticenter.TlsTrust;
import io.elastisnap.engine.FreezeLimits;
import io.elastisnap.engine.RecoveryOutcome;

/**
 * STANDS IN FOR THE CLOUDSTACK KVM AGENT (no CloudStack agent runs on this machine): a JVM that runs the plugin's agent
 * runtime path as our command wrapper does. It starts as the wrapper's construction does when the agent loads it
 * ({@code AgentSnapshotRuntime.startRecovery(connection)}: the freeze journal recovery, in the background), then runs
 * the command as the wrapper's {@code execute} does ({@code AgentSnapshotRuntime.runner().run(command, connection)}),
 * so the engine, its journal and its thaw guard are wired by {@code EngineSnapshotRunner.forAgent()} as on a KVM host
 * (journal directory from {@code -Delastisnap.journal.dir}, the guard's URI from the handed-over libvirt connection).
 *
 * <p>Arguments: {@code snapshot URI DOMAIN BASE-URL CERT-SHA256 VOLUME SNAPSHOT WINDOW-MS} (the kill -9 scenarios kill
 * it while the guest is frozen), {@code start URI} (an agent start: waits for the recovery and prints what it did), or
 * {@code lease URI DOMAIN DURATION-MS RELEASE-AFTER-MS}: a freeze lease through the plugin's real lease wrapper
 * ({@code ElastiSnapFreezeLeaseCommandWrapper.execute}, with a host resource that hands it this JVM's libvirt
 * connection), released after RELEASE-AFTER-MS, or with -1 never before the lease ends (a late release then reports
 * how it ended), or {@code pool URI DOMAIN BASE-URL CERT-SHA256 POOL-VOLUME SNAPSHOT WINDOW-MS MOUNT FILE}: a pool
 * snapshot of the domain's disk FILE on the pool mounted at MOUNT (host ledger from {@code -Delastisnap.pool.ledger.dir}).
 * The API key comes in {@value FreezeThenHangOnArray#API_KEY_VARIABLE}, never on the command line.
 */
public final class AgentStandIn {

    private AgentStandIn() {
    }

    public static void main(String[] args) throws Exception {
        if (args.length == 5 && args[0].equals("lease")) {
            System.exit(lease(new Connect(args[1]), args[2], Long.parseLong(args[3]), Long.parseLong(args[4])));
        }
        if (args.length == 10 && args[0].equals("pool")) {
            System.exit(pool(new Connect(args[1]), args));
        }
        boolean snapshot = args.length == 8 && args[0].equals("snapshot");
        if (!snapshot && !(args.length == 2 && args[0].equals("start"))) {
            System.err.println("usage: AgentStandIn snapshot <libvirt-uri> <domain> <base-url> <cert-sha256> <volume-id> "
                    + "<snapshot-name> <max-frozen-window-ms>  (API key in $" + FreezeThenHangOnArray.API_KEY_VARIABLE + ")"
                    + " | AgentStandIn start <libvirt-uri> | AgentStandIn lease <libvirt-uri> <domain> <duration-ms> <release-after-ms>");
            System.exit(2);
        }
        Connect connection = new Connect(args[1]);
        System.out.println("agent stand-in: started, the wrapper is loaded");
        List<RecoveryOutcome> recovered;
        if (!snapshot) {
            recovered = AgentSnapshotRuntime.startRecovery(() -> connection).get(5, TimeUnit.MINUTES);
            recovered.forEach(o -> System.out.println("agent stand-in: recovered " + o));
            System.exit(0);
        }
        AgentSnapshotRuntime.startRecovery(() -> connection);
        TakeConsistentSnapshotCommand command = new TakeConsistentSnapshotCommand(args[2],
                List.of(new VolumeSnapshotSpec(args[5], args[6])), "REQUIRED", List.of(),
                FreezeLimits.builder().maxFrozenWindow(Duration.ofMillis(Long.parseLong(args[7]))).build(),
                Duration.ofMinutes(10), new ElastiCenterEndpoint(args[3], TlsTrust.pinnedSha256(args[4])),
                Secret.of(System.getenv(FreezeThenHangOnArray.API_KEY_VARIABLE)));
        System.out.println("agent stand-in: snapshot of " + args[2] + " starting");
        TakeConsistentSnapshotAnswer answer = AgentSnapshotRuntime.runner().run(command, () -> connection);
        System.out.println("agent stand-in: answer " + answer.getResult() + ": " + answer.getDetails());
        System.exit(answer.getResult() ? 0 : 1);
    }

    /** A pool snapshot as the plugin's pool wrapper runs it, once it has looked up the pool's mount point (args[8]). */
    private static int pool(Connect connection, String[] args) {
        AgentSnapshotRuntime.startRecovery(() -> connection);
        TakePoolSnapshotCommand command = new TakePoolSnapshotCommand(args[2], "pool-uuid", "SharedMountPoint", args[5], args[6],
                List.of(args[9]), "REQUIRED", FreezeLimits.builder().maxFrozenWindow(Duration.ofMillis(Long.parseLong(args[7]))).build(),
                Duration.ofMinutes(10), new ElastiCenterEndpoint(args[3], TlsTrust.pinnedSha256(args[4])),
                Secret.of(System.getenv(FreezeThenHangOnArray.API_KEY_VARIABLE)));
        System.out.println("agent stand-in: pool snapshot of " + args[2] + " starting");
        PoolSnapshotAnswer answer = AgentSnapshotRuntime.runner().takePoolSnapshot(command, Path.of(args[8]), () -> connection);
        System.out.println("agent stand-in: answer " + answer.getResult() + ": " + answer.getDetails());
        return answer.getResult() ? 0 : 1;
    }

    private static int lease(Connect connection, String domain, long durationMillis, long releaseAfterMillis) throws Exception {
        AgentSnapshotRuntime.startRecovery(() -> connection);
        LibvirtComputingResource host = new LibvirtComputingResource() {
            @Override
            public LibvirtUtilitiesHelper getLibvirtUtilitiesHelper() {
                return new LibvirtUtilitiesHelper() {
                    @Override
                    public Connect getConnection() {
                        return connection;
                    }
                };
            }
        };
        ElastiSnapFreezeLeaseCommandWrapper wrapper = new ElastiSnapFreezeLeaseCommandWrapper();
        String leaseId = UUID.randomUUID().toString();
        FreezeLeaseAnswer acquired = (FreezeLeaseAnswer) wrapper.execute(FreezeLeaseCommand.acquire(domain, leaseId,
                FreezeLimits.builder().maxFrozenWindow(Duration.ofMillis(durationMillis)).build()), host);
        System.out.println("agent stand-in: acquire " + acquired.getResult() + " " + acquired.getState() + ": " + acquired.getDetails());
        if (!acquired.getResult()) {
            return 1;
        }
        Thread.sleep(releaseAfterMillis >= 0 ? releaseAfterMillis : durationMillis + 2_000);
        FreezeLeaseAnswer released = (FreezeLeaseAnswer) wrapper.execute(FreezeLeaseCommand.release(domain, leaseId), host);
        System.out.println("agent stand-in: release " + released.getResult() + " " + released.getState() + " ended by "
                + released.getEndedBy() + ", frozen " + released.getFrozenWindowMillis() + " ms: " + released.getDetails());
        return released.getResult() ? 0 : 1;
    }
}
