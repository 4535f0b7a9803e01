// Licensed under the Apache License, Version 2.0. See LICENSE in the project root.
package io.elastisnap.engine.pool;

import java.util.Objects;

/**
 * One VM volume's snapshot in pool-level mode: a reference to a pool snapshot plus the volume's file, relative to
 * the pool's mount point (so it resolves the same under the original mount and under a mounted clone).
 */
public final class PoolSnapshotRef {
    private final String id;
    private final String domain;
    private final String disk;
    private final String poolVolumeId;
    private final String file;

    public PoolSnapshotRef(String id, String domain, String disk, String poolVolumeId, String file) {
        this.id = Objects.requireNonNull(id, "id");
        this.domain = Objects.requireNonNull(domain, "domain");
        this.disk = Objects.requireNonNull(disk, "disk");
        this.poolVolumeId = Objects.requireNonNull(poolVolumeId, "poolVolumeId");
        this.file = Objects.requireNonNull(file, "file");
    }

    /** The reference's id: {@code <group id>/<domain>/<disk>}. */
    public static String idOf(String groupId, String domain, String disk) {
        return groupId + "/" + domain + "/" + disk;
    }

    public String id() {
        return id;
    }

    public String domain() {
        return domain;
    }

    public String disk() {
        return disk;
    }

    public String poolVolumeId() {
        return poolVolumeId;
    }

    /** The volume's file relative to the pool's mount point. */
    public String file() {
        return file;
    }

    boolean valid() {
        return id != null && domain != null && disk != null && poolVolumeId != null && file != null;
    }

    @Override
    public boolean equals(Object o) {
        if (!(o instanceof PoolSnapshotRef)) {
            return false;
        }
        PoolSnapshotRef other = (PoolSnapshotRef) o;
        return id.equals(other.id) && domain.equals(other.domain) && disk.equals(other.disk)
                && poolVolumeId.equals(other.poolVolumeId) && file.equals(other.file);
    }

    @Override
    public int hashCode() {
        return Objects.hash(id, domain, disk, poolVolumeId, file);
    }

    @Override
    public String toString() {
        return id + " -> " + poolVolumeId + ":" + file;
    }
}
