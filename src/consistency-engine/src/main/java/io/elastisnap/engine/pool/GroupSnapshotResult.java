// Licensed under the Apache License, Version 2.0. See LICENSE in the project root.
package io.elastisnap.engine.pool;

import io.elastisnap.engine.ArraySnapshot;
import io.elastisnap.engine.ConsistentSnapshotResult;
import java.time.Duration;
import java.util.Collections;
import java.util.List;
import java.util.Map;

/** A successful group snapshot: one pool snapshot per pool, each member's engine result, and the group's timings. */
public final class GroupSnapshotResult {
    private final String groupId;
    private final Map<String, ArraySnapshot> poolSnapshots;
    private final List<ConsistentSnapshotResult> members;
    private final List<PoolSnapshotRef> refs;
    private final Duration groupFrozenWindow;
    private final Duration flushAndSnapshot;
    private final Duration total;

    GroupSnapshotResult(String groupId, Map<String, ArraySnapshot> poolSnapshots, List<ConsistentSnapshotResult> members,
            List<PoolSnapshotRef> refs, Duration groupFrozenWindow, Duration flushAndSnapshot, Duration total) {
        this.groupId = groupId;
        this.poolSnapshots = Collections.unmodifiableMap(poolSnapshots);
        this.members = Collections.unmodifiableList(members);
        this.refs = Collections.unmodifiableList(refs);
        this.groupFrozenWindow = groupFrozenWindow;
        this.flushAndSnapshot = flushAndSnapshot;
        this.total = total;
    }

    public String groupId() {
        return groupId;
    }

    /** Pool volume id → its snapshot. */
    public Map<String, ArraySnapshot> poolSnapshots() {
        return poolSnapshots;
    }

    /** Each member's result (its consistency level, its own frozen window), in request order. */
    public List<ConsistentSnapshotResult> members() {
        return members;
    }

    /** One reference per member disk: which pool snapshot and which file. */
    public List<PoolSnapshotRef> refs() {
        return refs;
    }

    /** First member's freeze start to last member's confirmed thaw: the longest any guest of the group was frozen. */
    public Duration groupFrozenWindow() {
        return groupFrozenWindow;
    }

    /** The whole group frozen until the last pool snapshot answered: the syncfs of each pool plus the array calls. */
    public Duration flushAndSnapshot() {
        return flushAndSnapshot;
    }

    public Duration total() {
        return total;
    }
}
