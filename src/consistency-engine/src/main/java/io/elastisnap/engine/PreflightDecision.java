// Licensed under the Apache License, Version 2.0. See LICENSE in the project root.
package io.elastisnap.engine;

/** The engine's choice after pre-flight: freeze, or snapshot without a freeze at a level (and why not frozen). */
final class PreflightDecision {
    static final PreflightDecision FREEZE = new PreflightDecision(true, ConsistencyLevel.FS_FROZEN, null);
    static final PreflightDecision CRASH_CONSISTENT = new PreflightDecision(false, ConsistencyLevel.CRASH_CONSISTENT, null);

    final boolean freeze;
    final ConsistencyLevel level;
    final QuiesceFailure failure;

    private PreflightDecision(boolean freeze, ConsistencyLevel level, QuiesceFailure failure) {
        this.freeze = freeze;
        this.level = level;
        this.failure = failure;
    }

    /** BEST_EFFORT after a quiesce failure: crash-consistent snapshots, recorded with the reason. */
    static PreflightDecision quiesceFailed(QuiesceFailure failure, boolean timedOut) {
        return new PreflightDecision(false, timedOut ? ConsistencyLevel.QUIESCE_TIMEOUT : ConsistencyLevel.QUIESCE_FAILED, failure);
    }
}
