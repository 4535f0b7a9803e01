// Licensed under the Apache License, Version 2.0. See LICENSE in the project root.
package io.elastisnap.cloudstack.cluster;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.TreeSet;
import java.util.function.Supplier;

import com.cloud.utils.exception.CloudRuntimeException;

/**
 * Locks shared by all management servers of one CloudStack database, so that work of ours runs on one of them at a
 * time: the periodic work (reconcile, orphan removal, key-rotation repair) under {@link #PERIODIC_WORK}, and each
 * pool's array changes (take, revert, delete, clone; a reconcile pass over the pool) under {@link #poolLock(long)}.
 * Production uses CloudStack's {@code GlobalLock} ({@link GlobalClusterLocks}); a lock is re-entrant for its thread.
 */
public interface ClusterLocks {
    /** The periodic work's lock: one management server runs it at a time; the others skip that round. */
    String PERIODIC_WORK = "elastistor.periodic";
    /** How long a take/revert/delete waits for a reconcile pass over its pool (one pass lists the pool's volumes). */
    Duration OPERATION_WAIT = Duration.ofMinutes(2);

    /**
     * Runs {@code work} while holding the lock {@code name}, waiting at most {@code wait} for it; returns
     * {@code whenBusy}'s value, without running {@code work}, when another holder kept it that long.
     */
    <T> T withLock(String name, Duration wait, Supplier<T> work, Supplier<T> whenBusy);

    static String poolLock(long poolId) {
        return "elastistor.pool." + poolId;
    }

    /**
     * Held by a backup of the snapshot to secondary storage for as long as it runs. Being a database session's lock, it
     * goes when the management server running the backup dies; so a reconcile pass that gets it knows the backup's
     * temporary clone is a leftover.
     */
    static String backupLock(long snapshotId) {
        return "elastistor.backup." + snapshotId;
    }

    /** An array change on a pool, serialised with the reconcile passes of every management server over that pool. */
    default <T> T onPool(long poolId, String operation, Supplier<T> work) {
        return withLock(poolLock(poolId), OPERATION_WAIT, work, () -> {
            throw new CloudRuntimeException(operation + " did not start: storage pool " + poolId + " stayed locked for "
                    + OPERATION_WAIT.toMinutes() + " min by another ElastiStor operation or reconcile pass (lock "
                    + poolLock(poolId) + "); try again, and if it persists look for a hung operation in the management"
                    + " servers' logs");
        });
    }

    /** {@link #onPool} for the pools of a VM's volumes, taken in ascending id order so two servers never deadlock. */
    default <T> T onPools(Collection<Long> poolIds, String operation, Supplier<T> work) {
        List<Long> ordered = new ArrayList<>(new TreeSet<>(poolIds));
        Supplier<T> locked = work;
        for (int i = ordered.size() - 1; i >= 0; i--) {
            long poolId = ordered.get(i);
            Supplier<T> inner = locked;
            locked = () -> onPool(poolId, operation, inner);
        }
        return locked.get();
    }
}
