// Licensed under the Apache License, Version 2.0. See LICENSE in the project root.
package io.elastisnap.cloudstack.command;

import com.cloud.agent.api.Answer;

/** The pool group's result: the one pool snapshot, the guest's consistency level and the frozen window. */
public class PoolSnapshotAnswer extends Answer {
    private String snapshotPath;
    private String consistencyLevel;
    private long frozenWindowMillis;
    /** syncfs of the pool's mount point + the array snapshot, inside the frozen window. */
    private long flushAndSnapshotMillis;
    private String quiesceFailure;
    private String freezeScope;
    private String failureReason;

    /** For Gson. */
    PoolSnapshotAnswer() {
    }

    private PoolSnapshotAnswer(TakePoolSnapshotCommand command, boolean success, String details) {
        super(command, success, details);
    }

    public static PoolSnapshotAnswer success(TakePoolSnapshotCommand command, String snapshotPath, String consistencyLevel,
            long frozenWindowMillis, long flushAndSnapshotMillis, String quiesceFailure, String freezeScope) {
        PoolSnapshotAnswer answer = new PoolSnapshotAnswer(command, true, "pool snapshot " + snapshotPath + " of volume "
                + command.getPoolVolumeId() + ", " + consistencyLevel + ", frozen " + frozenWindowMillis + " ms (syncfs + snapshot "
                + flushAndSnapshotMillis + " ms)");
        answer.snapshotPath = snapshotPath;
        answer.consistencyLevel = consistencyLevel;
        answer.frozenWindowMillis = frozenWindowMillis;
        answer.flushAndSnapshotMillis = flushAndSnapshotMillis;
        answer.quiesceFailure = quiesceFailure;
        answer.freezeScope = freezeScope;
        return answer;
    }

    public static PoolSnapshotAnswer failure(TakePoolSnapshotCommand command, String failureReason, String details) {
        PoolSnapshotAnswer answer = new PoolSnapshotAnswer(command, false, details);
        answer.failureReason = failureReason;
        return answer;
    }

    public String getSnapshotPath() {
        return snapshotPath;
    }

    public String getConsistencyLevel() {
        return consistencyLevel;
    }

    public long getFrozenWindowMillis() {
        return frozenWindowMillis;
    }

    public long getFlushAndSnapshotMillis() {
        return flushAndSnapshotMillis;
    }

    public String getQuiesceFailure() {
        return quiesceFailure;
    }

    public String getFreezeScope() {
        return freezeScope;
    }

    public String getFailureReason() {
        return failureReason;
    }
}
