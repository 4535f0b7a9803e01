// Licensed under the Apache License, Version 2.0. See LICENSE in the project root.
package io.elastisnap.cloudstack.command;

import java.time.Duration;
import java.util.Objects;

import com.cloud.agent.api.Command;

import io.elastisnap.engine.FreezeLimits;

/**
 * Sent to the KVM host that runs the VM: {@link Action#ACQUIRE} freezes the guest's file systems for at most the
 * lease's duration (the limits' maximum frozen window) and answers once the guest is frozen; {@link Action#RELEASE}
 * thaws it before then. The host's consistency engine guarantees the thaw at the lease's end by itself: its watchdog,
 * the freeze journal and a thaw guard outside the agent process, so neither a lost release nor a dead management
 * server or agent leaves the guest frozen. The lease id is the management server's, so a release finds its lease
 * even when the acquire's answer was lost.
 */
public class FreezeLeaseCommand extends Command {
    /** What the command asks of the lease. */
    public enum Action {
        ACQUIRE, RELEASE
    }

    /** Agent-side slack on top of the engine's own bounded waits (pre-flight, freeze, thaw retries). */
    static final int WAIT_SLACK_SECONDS = 30;

    private Action action;
    private String domainName;
    private String leaseId;
    /** For ACQUIRE: the engine's limits, the maximum frozen window being the lease's duration. */
    private FreezeLimits limits;

    /** For Gson. */
    FreezeLeaseCommand() {
    }

    private FreezeLeaseCommand(Action action, String domainName, String leaseId, FreezeLimits limits) {
        this.action = action;
        this.domainName = VolumeSnapshotSpec.requireText(domainName, "libvirt domain name");
        this.leaseId = VolumeSnapshotSpec.requireText(leaseId, "lease id");
        this.limits = limits;
        Duration bound = limits == null ? FreezeLimits.defaults().thawRetryFor() : limits.preflightTimeout().plus(limits.freezeTimeout());
        setWait((int) Math.min(Integer.MAX_VALUE, bound.getSeconds() + WAIT_SLACK_SECONDS));
    }

    /** Freezes the domain's file systems until {@link #release} or until the limits' maximum frozen window ends. */
    public static FreezeLeaseCommand acquire(String domainName, String leaseId, FreezeLimits limits) {
        return new FreezeLeaseCommand(Action.ACQUIRE, domainName, leaseId, Objects.requireNonNull(limits, "limits"));
    }

    /** Thaws the domain the lease froze (answers how long it was frozen; a lease that already ended says how it ended). */
    public static FreezeLeaseCommand release(String domainName, String leaseId) {
        return new FreezeLeaseCommand(Action.RELEASE, domainName, leaseId, null);
    }

    /** A freeze must not queue behind the host's sequential commands, nor may its release. */
    @Override
    public boolean executeInSequence() {
        return false;
    }

    public Action getAction() {
        return action;
    }

    public String getDomainName() {
        return domainName;
    }

    public String getLeaseId() {
        return leaseId;
    }

    public FreezeLimits getLimits() {
        return limits;
    }
}
