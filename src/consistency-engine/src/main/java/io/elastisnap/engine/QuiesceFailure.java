// Licensed under the Apache License, Version 2.0. See LICENSE in the project root.
package io.elastisnap.engine;

import java.util.Objects;

/** Why a BEST_EFFORT snapshot fell back to crash consistency. */
public final class QuiesceFailure {
    private final ConsistentSnapshotException.Reason reason;
    private final String message;

    QuiesceFailure(ConsistentSnapshotException.Reason reason, String message) {
        this.reason = Objects.requireNonNull(reason, "reason");
        this.message = Objects.requireNonNull(message, "message");
    }

    public ConsistentSnapshotException.Reason reason() {
        return reason;
    }

    public String message() {
        return message;
    }

    @Override
    public String toString() {
        return reason + ": " + message;
    }
}
