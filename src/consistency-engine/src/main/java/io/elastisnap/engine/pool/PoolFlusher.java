// Licensed under the Apache License, Version 2.0. See LICENSE in the project root.
package io.elastisnap.engine.pool;

import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;

/**
 * Writes the host's dirty data of a pool's file system to the pool volume, inside the frozen window and right before
 * the array snapshot. Never a host-level fsfreeze: that would stall every VM on the pool, not only the frozen ones.
 */
@FunctionalInterface
public interface PoolFlusher {

    /** @throws IOException when the flush failed or did not finish within {@code timeout} */
    void flush(Path mountPoint, Duration timeout) throws IOException;

    /**
     * {@code sync -f MOUNT_POINT}: coreutils' {@code syncfs(2)} of the one file system (Java has no syncfs). The fork
     * costs a few milliseconds inside the window; it flushes only this file system, not the host's others.
     */
    PoolFlusher SYNCFS = (mountPoint, timeout) -> HostCommand.run(timeout, "sync", "-f", mountPoint.toString());
}
