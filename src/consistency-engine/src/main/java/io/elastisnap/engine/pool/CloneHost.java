// Licensed under the Apache License, Version 2.0. See LICENSE in the project root.
package io.elastisnap.engine.pool;

import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/**
 * SPI: how a clone volume of the array reaches this host (a block device: {@link LoopImageCloneHost},
 * {@link IscsiCloneHost}; an NFS share: {@link NfsCloneHost}), how its file system is mounted, and how it stops being
 * reachable.
 */
public interface CloneHost {

    /** Attaches the clone; returns its block device (for an NFS clone host: the share, {@code host:/export}). */
    Path attach(String cloneVolumeId) throws IOException;

    /**
     * Mounts the file system of what {@link #attach} returned. For a block device: its type as {@code blkid} reads it;
     * XFS with {@code nouuid}, since a clone carries its original's UUID, which XFS refuses twice on one host.
     */
    default void mount(Path attached, Path mountPoint) throws IOException {
        Duration timeout = Duration.ofMinutes(2);
        String type = HostCommand.run(timeout, "blkid", "-o", "value", "-s", "TYPE", attached.toString());
        List<String> argv = new ArrayList<>(List.of("mount", "-t", type));
        if (type.equals("xfs")) {
            argv.addAll(List.of("-o", "nouuid"));
        }
        argv.addAll(List.of(attached.toString(), mountPoint.toString()));
        HostCommand.run(timeout, argv.toArray(new String[0]));
    }

    /**
     * Detaches what {@link #attach} returned for that clone; something that is gone, or that now carries something else
     * (a device number reused after a crash, another host's attachment), is left alone. {@code attached} is null when
     * a process died before it learnt what attach returned: then whatever this host attached for that clone goes.
     */
    void detach(Path attached, String cloneVolumeId) throws IOException;
}
