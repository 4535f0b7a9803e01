// Licensed under the Apache License, Version 2.0. See LICENSE in the project root.
package io.elastisnap.engine.pool;

import java.io.IOException;
import java.nio.file.Path;

/** SPI: how a clone volume of the array becomes a block device on this host, and stops being one. */
public interface CloneHost {

    /** Attaches the clone; returns its block device. */
    Path attach(String cloneVolumeId) throws IOException;

    /** Detaches a device {@link #attach} returned; one already gone counts as detached. */
    void detach(Path device) throws IOException;
}
