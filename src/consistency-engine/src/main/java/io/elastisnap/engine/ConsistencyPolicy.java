// Licensed under the Apache License, Version 2.0. See LICENSE in the project root.
package io.elastisnap.engine;

/** What the caller demands of the guest file systems while the array snapshots are taken. */
public enum ConsistencyPolicy {
    /** The guest must be frozen; any quiesce failure fails the operation (after the guest is thawed). */
    REQUIRED,
    /** Freeze if possible; otherwise take crash-consistent snapshots and report why (level QUIESCE_FAILED/QUIESCE_TIMEOUT). */
    BEST_EFFORT,
    /** No guest interaction at all (no libvirt or agent call); snapshots are crash-consistent. */
    OFF
}
