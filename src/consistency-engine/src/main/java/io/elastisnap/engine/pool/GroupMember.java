// Licensed under the Apache License, Version 2.0. See LICENSE in the project root.
package io.elastisnap.engine.pool;

import io.elastisnap.engine.ConsistencyPolicy;
import io.elastisnap.engine.FreezeLimits;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/** One VM of a group snapshot: its domain, how to freeze it, and its disks as files on pool volumes. */
public final class GroupMember {

    /** One disk of the VM: a file on a pool volume's file system. */
    public static final class Disk {
        private final String label;
        private final PoolVolume pool;
        private final Path file;

        public Disk(String label, PoolVolume pool, Path file) {
            this.label = Objects.requireNonNull(label, "label");
            this.pool = Objects.requireNonNull(pool, "pool");
            this.file = Objects.requireNonNull(file, "file").toAbsolutePath().normalize();
        }

        public String label() {
            return label;
        }

        public PoolVolume pool() {
            return pool;
        }

        public Path file() {
            return file;
        }

        /** The file relative to the pool's mount point (valid only when {@link #problem()} is null). */
        public String relativeFile() {
            return pool.mountPoint().relativize(file).toString();
        }

        String problem() {
            if (!file.startsWith(pool.mountPoint()) || file.equals(pool.mountPoint())) {
                return "disk " + label + " (" + file + ") is not a file under the mount point " + pool.mountPoint()
                        + " of pool volume " + pool.volumeId();
            }
            return null;
        }
    }

    private final String domain;
    private final ConsistencyPolicy policy;
    private final List<String> guestMountPoints;
    private final FreezeLimits limits;
    private final List<Disk> disks;

    /**
     * @param guestMountPoints the guest's file systems to freeze; empty: all
     */
    public GroupMember(String domain, ConsistencyPolicy policy, List<String> guestMountPoints, FreezeLimits limits, List<Disk> disks) {
        this.domain = Objects.requireNonNull(domain, "domain");
        this.policy = Objects.requireNonNull(policy, "policy");
        this.guestMountPoints = Collections.unmodifiableList(new ArrayList<>(guestMountPoints));
        this.limits = Objects.requireNonNull(limits, "limits");
        this.disks = Collections.unmodifiableList(new ArrayList<>(disks));
    }

    public String domain() {
        return domain;
    }

    public ConsistencyPolicy policy() {
        return policy;
    }

    public List<String> guestMountPoints() {
        return guestMountPoints;
    }

    public FreezeLimits limits() {
        return limits;
    }

    public List<Disk> disks() {
        return disks;
    }

    /** The pool volumes this member's disks are on, each once, in disk order. */
    public List<PoolVolume> pools() {
        Map<String, PoolVolume> pools = new LinkedHashMap<>();
        disks.forEach(d -> pools.putIfAbsent(d.pool().volumeId(), d.pool()));
        return new ArrayList<>(pools.values());
    }
}
