// Licensed under the Apache License, Version 2.0. See LICENSE in the project root.
package io.elastisnap.cloudstack.pool;

import java.util.Objects;

/**
 * A SharedMountPoint or NetworkFilesystem pool of a KVM cluster whose file system lives on one ElastiStor volume, with
 * the ElastiStor identity an administrator attached to it (adoptElastiStorPool). The pool keeps its CloudStack type and
 * provider; only its volume snapshots, their reverts and deletes are ElastiSnap's.
 */
public final class AdoptedPool {
    /** storage_pool_details: the ElastiStor volume under the pool's file system; present exactly while the pool is adopted. */
    public static final String DETAIL_POOL_VOLUME = "elastistor.adopted.volume";

    /** snapshot_details of a volume snapshot on an adopted pool: the pool snapshot's name (reference counted by it). */
    public static final String SNAPSHOT_NAME = "elastistor.pool.snapshot";
    /** snapshot_details: the pool snapshot's array path, once taken. */
    public static final String SNAPSHOT_PATH = "elastistor.pool.snapshot.path";
    /** snapshot_details: the CloudStack pool id and the ElastiStor volume the pool snapshot was taken of. */
    public static final String SNAPSHOT_POOL = "elastistor.pool.snapshot.pool";
    public static final String SNAPSHOT_VOLUME = "elastistor.pool.snapshot.volume";
    /** snapshot_details: the volume's file in the pool snapshot, relative to the pool's mount point. */
    public static final String SNAPSHOT_FILE = "elastistor.pool.snapshot.file";
    /** Pool snapshot names: never the "cs-" names the reconciler judges, so it leaves them alone. */
    public static final String SNAPSHOT_NAME_PREFIX = "espool-";

    private final long poolId;
    private final String poolUuid;
    private final String poolName;
    private final String poolType;
    private final String poolVolumeId;
    private final String url;

    AdoptedPool(long poolId, String poolUuid, String poolName, String poolType, String poolVolumeId, String url) {
        this.poolId = poolId;
        this.poolUuid = poolUuid;
        this.poolName = poolName;
        this.poolType = poolType;
        this.poolVolumeId = Objects.requireNonNull(poolVolumeId, "poolVolumeId");
        this.url = url;
    }

    public static String snapshotName(String cloudStackUuid) {
        return SNAPSHOT_NAME_PREFIX + cloudStackUuid;
    }

    public long poolId() {
        return poolId;
    }

    public String poolUuid() {
        return poolUuid;
    }

    public String poolName() {
        return poolName;
    }

    public String poolType() {
        return poolType;
    }

    public String poolVolumeId() {
        return poolVolumeId;
    }

    /** The ElastiCenter endpoint (never the key). */
    public String url() {
        return url;
    }

    @Override
    public String toString() {
        return "storage pool " + poolName + " (" + poolUuid + ", " + poolType + ") on ElastiStor volume " + poolVolumeId + " at " + url;
    }
}
