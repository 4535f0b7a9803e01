// Licensed under the Apache License, Version 2.0. See LICENSE in the project root.
package io.elastisnap.cloudstack.command;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;

import com.cloud.agent.api.Answer;

/** The engine's result as plain Gson-serializable fields: per-volume snapshots, consistency level and timings. */
public class TakeConsistentSnapshotAnswer extends Answer {
    private List<VolumeSnapshotResult> snapshots;
    private String consistencyLevel;
    private long freezeMillis;
    private long snapshotsMillis;
    private long thawMillis;
    private long frozenWindowMillis;
    /** Why the guest was not frozen when the level is QUIESCE_FAILED or QUIESCE_TIMEOUT (reason: message); else null. */
    private String quiesceFailure;
    /** Which file systems were frozen ("partial freeze of ..." / "whole guest (...)"); null when not frozen. */
    private String freezeScope;
    /** Engine failure reason (e.g. QUIESCE_FAILED) when result is false; null on success. */
    private String failureReason;

    /** For Gson. */
    TakeConsistentSnapshotAnswer() {
    }

    private TakeConsistentSnapshotAnswer(TakeConsistentSnapshotCommand command, boolean success, String details) {
        super(command, success, details);
    }

    public static TakeConsistentSnapshotAnswer success(TakeConsistentSnapshotCommand command, List<VolumeSnapshotResult> snapshots,
                                                       String consistencyLevel, long freezeMillis, long snapshotsMillis,
                                                       long thawMillis, long frozenWindowMillis, String quiesceFailure,
                                                       String freezeScope) {
        TakeConsistentSnapshotAnswer answer = new TakeConsistentSnapshotAnswer(command, true,
                snapshots.size() + " volume snapshot(s), " + consistencyLevel + ", frozen " + frozenWindowMillis + " ms");
        answer.snapshots = new ArrayList<>(snapshots);
        answer.consistencyLevel = consistencyLevel;
        answer.freezeMillis = freezeMillis;
        answer.snapshotsMillis = snapshotsMillis;
        answer.thawMillis = thawMillis;
        answer.frozenWindowMillis = frozenWindowMillis;
        answer.quiesceFailure = quiesceFailure;
        answer.freezeScope = freezeScope;
        return answer;
    }

    public static TakeConsistentSnapshotAnswer failure(TakeConsistentSnapshotCommand command, String failureReason, String details) {
        TakeConsistentSnapshotAnswer answer = new TakeConsistentSnapshotAnswer(command, false, details);
        answer.snapshots = new ArrayList<>();
        answer.failureReason = failureReason;
        return answer;
    }

    public List<VolumeSnapshotResult> getSnapshots() {
        return snapshots == null ? Collections.emptyList() : Collections.unmodifiableList(snapshots);
    }

    public String getConsistencyLevel() {
        return consistencyLevel;
    }

    public long getFreezeMillis() {
        return freezeMillis;
    }

    public long getSnapshotsMillis() {
        return snapshotsMillis;
    }

    public long getThawMillis() {
        return thawMillis;
    }

    public long getFrozenWindowMillis() {
        return frozenWindowMillis;
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
