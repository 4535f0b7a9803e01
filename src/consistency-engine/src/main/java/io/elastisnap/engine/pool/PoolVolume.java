// Licensed under the Apache License, Version 2.0. See LICENSE in the project root.
package io.elastisnap.engine.pool;

import java.nio.file.Path;
import java.util.Objects;

/**
 * An ElastiStor volume that carries a pool's file system (a SharedMountPoint LUN or an NFS share), and where that file
 * system is mounted on this host. VM disks are files under the mount point; one array snapshot of the volume covers
 * all of them.
 */
public final class PoolVolume {
    private final String volumeId;
    private final Path mountPoint;

    public PoolVolume(String volumeId, Path mountPoint) {
        if (Objects.requireNonNull(volumeId, "volumeId").trim().isEmpty()) {
            throw new IllegalArgumentException("pool volume id is blank");
        }
        this.volumeId = volumeId;
        this.mountPoint = Objects.requireNonNull(mountPoint, "mountPoint").toAbsolutePath().normalize();
    }

    public String volumeId() {
        return volumeId;
    }

    public Path mountPoint() {
        return mountPoint;
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof PoolVolume && volumeId.equals(((PoolVolume) o).volumeId)
                && mountPoint.equals(((PoolVolume) o).mountPoint);
    }

    @Override
    public int hashCode() {
        return Objects.hash(volumeId, mountPoint);
    }

    @Override
    public String toString() {
        return "pool volume " + volumeId + " at " + mountPoint;
    }
}
