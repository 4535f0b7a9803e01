// Licensed under the Apache License, Version 2.0. See LICENSE in the project root.
package io.elastisnap.engine;

/** The consistency a successful snapshot actually achieved. */
public enum ConsistencyLevel {
    /** All snapshots completed while the guest file systems were confirmed frozen. */
    FS_FROZEN,
    /** No freeze was attempted (policy OFF, or the domain was paused, which is block-consistent already). */
    CRASH_CONSISTENT,
    /** BEST_EFFORT: the quiesce failed (agent missing, error, freeze unsupported); snapshots are crash-consistent. */
    QUIESCE_FAILED,
    /** BEST_EFFORT: the guest agent did not answer in time; snapshots are crash-consistent. */
    QUIESCE_TIMEOUT
}
