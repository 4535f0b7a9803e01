// Licensed under the Apache License, Version 2.0. See LICENSE in the project root.
package io.elastisnap.engine.pool;

import java.io.IOException;
import java.nio.file.Path;

/** SPI: how a clone volume of the array becomes a block device on this host, and stops being one. */
public interface CloneHost {

    /** Attaches the clone; returns its block device. */
    Path attach(String cloneVolumeId) throws IOException;

    /**
     * Detaches a device {@link #attach} returned for that clone; a device that is gone, or that now carries something
     * else (its number reused after a crash), is left alone.
     */
    void detach(Path device, String cloneVolumeId) throws IOException;
}
