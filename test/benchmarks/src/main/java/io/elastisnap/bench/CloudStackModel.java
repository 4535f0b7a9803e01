// Licensed under the Apache License, Version 2.0. See LICENSE in the project root.
package io.elastisnap.bench;

import io.elastisnap.engine.ArraySnapshot;
import io.elastisnap.engine.ArraySnapshotter;
import io.elastisnap.engine.DomainRunState;
import io.elastisnap.engine.FreezeStatus;
import io.elastisnap.engine.GuestAgentException;
import io.elastisnap.engine.GuestQuiescer;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/**
 * A model of CloudStack 4.22's StorageVMSnapshotStrategy.takeVMSnapshot on KVM, step for step:
 * <ol>
 *   <li>management server sends FreezeThawVMCommand(freeze) to the host agent (half a round trip);</li>
 *   <li>the agent's LibvirtFreezeThawVMCommandWrapper checks the domain state, runs guest-fsfreeze-freeze and then
 *       guest-fsfreeze-status;</li>
 *   <li>the answer travels back (half a round trip);</li>
 *   <li>the management server takes one storage snapshot per volume, <b>in sequence</b> (createDiskSnapshot in a
 *       loop), here through the same array client and simulator as ours;</li>
 *   <li>FreezeThawVMCommand(thaw) travels to the agent (half a round trip), which checks the state, thaws and asks
 *       the status; the answer's way back is outside the guest's frozen window.</li>
 * </ol>
 * Not modeled, in CloudStack's favour: the database writes and strategy look-ups per volume on the management server.
 * The window is measured like the engine's: from the start of the freeze call until the thaw is confirmed.
 */
final class CloudStackModel {
    /** CloudStack's wrapper waits 10 s for each agent command. */
    private static final Duration AGENT_COMMAND_TIMEOUT = Duration.ofSeconds(10);

    private final GuestQuiescer quiescer;
    private final ArraySnapshotter snapshotter;
    private final Duration halfRoundTrip;

    CloudStackModel(GuestQuiescer quiescer, ArraySnapshotter snapshotter, Duration agentRoundTrip) {
        this.quiescer = quiescer;
        this.snapshotter = snapshotter;
        this.halfRoundTrip = agentRoundTrip.dividedBy(2);
    }

    /** The frozen window and the snapshots taken (the caller deletes them). */
    static final class Outcome {
        final Duration frozenWindow;
        final List<ArraySnapshot> snapshots;

        Outcome(Duration frozenWindow, List<ArraySnapshot> snapshots) {
            this.frozenWindow = frozenWindow;
            this.snapshots = snapshots;
        }
    }

    Outcome snapshot(String domain, List<String> volumeIds, List<String> snapshotNames) throws GuestAgentException {
        ModeledQuiescer.pause(halfRoundTrip);
        requireRunning(domain);
        long frozenAt = System.nanoTime();
        quiescer.freeze(domain, List.of(), AGENT_COMMAND_TIMEOUT);
        if (quiescer.freezeStatus(domain, AGENT_COMMAND_TIMEOUT) != FreezeStatus.FROZEN) {
            throw new IllegalStateException("model: the freeze was not confirmed");
        }
        ModeledQuiescer.pause(halfRoundTrip);
        List<ArraySnapshot> taken = new ArrayList<>();
        try {
            for (int i = 0; i < volumeIds.size(); i++) {
                taken.add(snapshotter.create(volumeIds.get(i), snapshotNames.get(i)));
            }
        } finally {
            ModeledQuiescer.pause(halfRoundTrip);
            requireRunning(domain);
            quiescer.thaw(domain, AGENT_COMMAND_TIMEOUT);
            quiescer.freezeStatus(domain, AGENT_COMMAND_TIMEOUT);
        }
        Duration window = Duration.ofNanos(System.nanoTime() - frozenAt);
        ModeledQuiescer.pause(halfRoundTrip);
        return new Outcome(window, taken);
    }

    private void requireRunning(String domain) throws GuestAgentException {
        if (quiescer.runState(domain, AGENT_COMMAND_TIMEOUT) != DomainRunState.RUNNING) {
            throw new IllegalStateException("model: " + domain + " is not running");
        }
    }
}
