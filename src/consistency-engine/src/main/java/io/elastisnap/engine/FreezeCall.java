// Licensed under the Apache License, Version 2.0. See LICENSE in the project root.
package io.elastisnap.engine;

import io.elastisnap.engine.ConsistentSnapshotException.Reason;
import java.time.Duration;
import java.util.List;
import org.apache.logging.log4j.LogManager;
import org.apache.logging.log4j.Logger;

/** The freeze call and its confirmation by status {@code frozen}: what it achieved, as far as the engine can tell. */
final class FreezeCall {
    private static final Logger LOG = LogManager.getLogger(FreezeCall.class);

    final FreezeSession.FreezeMode mode;
    final int frozenFileSystems;
    final Reason reason;
    final String message;
    final boolean timedOut;
    /** The agent refused because someone else froze the guest meanwhile: that freeze is theirs, no thaw from us. */
    final boolean refusedAsFrozen;

    private FreezeCall(FreezeSession.FreezeMode mode, int frozenFileSystems, Reason reason, String message, boolean timedOut,
            boolean refusedAsFrozen) {
        this.mode = mode;
        this.frozenFileSystems = frozenFileSystems;
        this.reason = reason;
        this.message = message;
        this.timedOut = timedOut;
        this.refusedAsFrozen = refusedAsFrozen;
    }

    private static FreezeCall failed(FreezeSession.FreezeMode mode, Reason reason, String message, boolean timedOut) {
        return new FreezeCall(mode, 0, reason, message, timedOut, false);
    }

    /** The guest is frozen as far as the request needs it: FS_FROZEN may be claimed. */
    boolean achieved() {
        return mode == FreezeSession.FreezeMode.FROZEN && reason == null;
    }

    /** The orchestrating thread was interrupted during the call: the guest may or may not be frozen. */
    static FreezeCall interrupted() {
        return failed(FreezeSession.FreezeMode.UNKNOWN, Reason.INTERRUPTED, "interrupted during the freeze", false);
    }

    /** Freezes (bounded by the freeze timeout) and confirms the status within what is left of the window. */
    static FreezeCall run(BoundedQuiescer quiescer, ConsistentSnapshotRequest request, FreezeScope scope, long deadlineNanos)
            throws InterruptedException {
        String domain = request.domainName();
        FreezeLimits limits = request.limits();
        List<String> freezeList = scope.freezeList();
        int count;
        try {
            count = quiescer.freeze(domain, freezeList, limits.freezeTimeout());
        } catch (GuestAgentException e) {
            return classify(domain, e);
        }
        long remaining = deadlineNanos - System.nanoTime();
        if (remaining <= 0) {
            return failed(FreezeSession.FreezeMode.UNKNOWN, Reason.FREEZE_TIMEOUT, "the freeze call used up the whole frozen window", true);
        }
        Duration confirmTimeout = Duration.ofNanos(Math.min(remaining, limits.preflightTimeout().toNanos()));
        FreezeStatus status;
        try {
            status = quiescer.freezeStatus(domain, confirmTimeout);
        } catch (GuestAgentException e) {
            return failed(FreezeSession.FreezeMode.UNKNOWN, Reason.FREEZE_FAILED,
                    "the agent froze " + count + " file system(s) but the freeze could not be confirmed: " + e.getMessage(),
                    e.kind() == GuestAgentException.Kind.TIMEOUT);
        }
        if (status == FreezeStatus.FROZEN && scope.isPartial() && count < freezeList.size()) {
            // FS_FROZEN promises every file system on the snapshotted volumes was frozen; one went missing meanwhile
            return new FreezeCall(FreezeSession.FreezeMode.FROZEN, count, Reason.FREEZE_FAILED, "the guest agent froze " + count
                    + " of the " + freezeList.size() + " file systems on the snapshotted disks (" + String.join(", ", freezeList)
                    + "); was one unmounted meanwhile?", false, false);
        }
        if (status == FreezeStatus.FROZEN) {
            LOG.debug("Domain {}: froze {} file system(s)", domain, count);
            return new FreezeCall(FreezeSession.FreezeMode.FROZEN, count, null, null, false, false);
        }
        String message = count == 0
                ? "the guest agent froze no file system" + (freezeList.isEmpty() ? ""
                        : " (none of the mount points " + freezeList + " is a freezable file system in the guest)")
                : "the guest agent froze " + count + " file system(s) but then reported status thawed (did the guest thaw on its own?)";
        return failed(FreezeSession.FreezeMode.NOT_FROZEN, Reason.FREEZE_FAILED, message, false);
    }

    private static FreezeCall classify(String domain, GuestAgentException e) {
        String message = e.getMessage();
        switch (e.kind()) {
            case AGENT_FROZEN:
                return new FreezeCall(FreezeSession.FreezeMode.NOT_FROZEN, 0, Reason.ALREADY_FROZEN,
                        "the guest agent of domain " + domain + " refused the freeze because its file systems were frozen "
                                + "by someone else in the meantime; left untouched: " + message, false, true);
            case TIMEOUT:
            case AGENT_NOT_RESPONDING:
                return failed(FreezeSession.FreezeMode.UNKNOWN, Reason.FREEZE_TIMEOUT,
                        "the guest agent did not complete the freeze in time (" + message + "); it may still freeze later", true);
            case PROTOCOL:
            case FAILED:
                return failed(FreezeSession.FreezeMode.UNKNOWN, Reason.FREEZE_FAILED, message, false);
            default:
                return failed(FreezeSession.FreezeMode.NOT_FROZEN, Reason.FREEZE_FAILED, message, false);
        }
    }
}
