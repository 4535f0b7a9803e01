// Licensed under the Apache License, Version 2.0. See LICENSE in the project root.
package io.elastisnap.engine.pool;

import java.util.Collections;
import java.util.List;
import java.util.Map;

/**
 * A group snapshot failed. Every member was thawed (each member's engine saw to it) and the group's pool snapshots
 * were deleted, except those {@link #outstanding()} names: their create calls had not answered, and their ledger
 * entries stay PENDING so {@link PoolSnapshotLedger#reconcile} deletes them by name.
 */
public final class GroupSnapshotException extends Exception {
    private static final long serialVersionUID = 1L;

    private final transient Map<String, Throwable> memberFailures;
    private final List<String> outstanding;
    private final boolean invalidRequest;

    GroupSnapshotException(String message, Map<String, Throwable> memberFailures, List<String> outstanding, boolean invalidRequest) {
        super(message);
        this.memberFailures = Collections.unmodifiableMap(memberFailures);
        this.outstanding = Collections.unmodifiableList(outstanding);
        this.invalidRequest = invalidRequest;
    }

    /** Domain → why its part failed (a {@code ConsistentSnapshotException} from its engine, usually). */
    public Map<String, Throwable> memberFailures() {
        return memberFailures;
    }

    /** Pool snapshots that may still be on the array (left to reconcile). */
    public List<String> outstanding() {
        return outstanding;
    }

    /** The request was refused before anything was done. */
    public boolean invalidRequest() {
        return invalidRequest;
    }
}
