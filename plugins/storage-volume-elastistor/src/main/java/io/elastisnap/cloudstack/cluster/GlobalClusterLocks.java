// Licensed under the Apache License, Version 2.0. See LICENSE in the project root.
package io.elastisnap.cloudstack.cluster;

import java.time.Duration;
import java.util.function.Supplier;

import com.cloud.utils.db.GlobalLock;

/**
 * {@link ClusterLocks} over CloudStack's {@code GlobalLock} (a MySQL named lock, so it holds across every management
 * server of the database), taken and released as CloudStack's own periodic managers do.
 */
public class GlobalClusterLocks implements ClusterLocks {
    @Override
    public <T> T withLock(String name, Duration wait, Supplier<T> work, Supplier<T> whenBusy) {
        GlobalLock lock = GlobalLock.getInternLock(name);
        try {
            if (!lock.lock((int) Math.min(Integer.MAX_VALUE, wait.getSeconds()))) {
                return whenBusy.get();
            }
            try {
                return work.get();
            } finally {
                lock.unlock();
            }
        } finally {
            lock.releaseRef();
        }
    }
}
