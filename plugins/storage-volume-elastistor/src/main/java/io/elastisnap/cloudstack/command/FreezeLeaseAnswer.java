// Licensed under the Apache License, Version 2.0. See LICENSE in the project root.
package io.elastisnap.cloudstack.command;

import com.cloud.agent.api.Answer;

/** What a {@link FreezeLeaseCommand} achieved: the lease's state and its times, as plain Gson-serializable fields. */
public class FreezeLeaseAnswer extends Answer {
    /** The lease's state after the command. */
    public enum State {
        /** The guest's file systems are frozen until the lease is released or expires. */
        FROZEN,
        /** The lease ended and the thaw was confirmed. */
        THAWED,
        /** The lease ended but the thaw could not be confirmed; the host keeps trying (thaw guard, journal). */
        THAW_UNCONFIRMED
    }

    private String leaseId;
    private State state;
    private long frozenAtEpochMillis;
    private long expiresAtEpochMillis;
    private long frozenWindowMillis;
    /** RELEASE or EXPIRY for an ended lease. */
    private String endedBy;
    /** Engine failure reason (e.g. QUIESCE_FAILED, DOMAIN_BUSY) when result is false; null on success. */
    private String failureReason;

    /** For Gson. */
    FreezeLeaseAnswer() {
    }

    private FreezeLeaseAnswer(FreezeLeaseCommand command, boolean success, String details) {
        super(command, success, details);
        this.leaseId = command.getLeaseId();
    }

    public static FreezeLeaseAnswer frozen(FreezeLeaseCommand command, long frozenAtEpochMillis, long expiresAtEpochMillis) {
        FreezeLeaseAnswer answer = new FreezeLeaseAnswer(command, true, "domain " + command.getDomainName() + " frozen until "
                + java.time.Instant.ofEpochMilli(expiresAtEpochMillis) + " (lease " + command.getLeaseId() + ")");
        answer.state = State.FROZEN;
        answer.frozenAtEpochMillis = frozenAtEpochMillis;
        answer.expiresAtEpochMillis = expiresAtEpochMillis;
        return answer;
    }

    public static FreezeLeaseAnswer ended(FreezeLeaseCommand command, State state, String endedBy, long frozenAtEpochMillis,
                                          long expiresAtEpochMillis, long frozenWindowMillis, String details) {
        FreezeLeaseAnswer answer = new FreezeLeaseAnswer(command, state == State.THAWED, details);
        answer.state = state;
        answer.endedBy = endedBy;
        answer.frozenAtEpochMillis = frozenAtEpochMillis;
        answer.expiresAtEpochMillis = expiresAtEpochMillis;
        answer.frozenWindowMillis = frozenWindowMillis;
        return answer;
    }

    public static FreezeLeaseAnswer failure(FreezeLeaseCommand command, String failureReason, String details) {
        FreezeLeaseAnswer answer = new FreezeLeaseAnswer(command, false, details);
        answer.failureReason = failureReason;
        return answer;
    }

    public String getLeaseId() {
        return leaseId;
    }

    public State getState() {
        return state;
    }

    public long getFrozenAtEpochMillis() {
        return frozenAtEpochMillis;
    }

    public long getExpiresAtEpochMillis() {
        return expiresAtEpochMillis;
    }

    public long getFrozenWindowMillis() {
        return frozenWindowMillis;
    }

    public String getEndedBy() {
        return endedBy;
    }

    public String getFailureReason() {
        return failureReason;
    }
}
