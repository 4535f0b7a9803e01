// Licensed under the Apache License, Version 2.0. See LICENSE in the project root.
package io.elastisnap.cloudstack.record;

import java.util.Map;
import java.util.Optional;

import com.cloud.storage.dao.SnapshotDetailsDao;

import io.elastisnap.cloudstack.ElastiStorPool;
import io.elastisnap.cloudstack.array.ArraySnapshotLocation;
import io.elastisnap.cloudstack.array.ElastiStorArray;

/**
 * The record of a CloudStack volume snapshot's ElastiStor snapshot: its {@link ArraySnapshotLocation} as three hidden
 * snapshot details, and the array snapshot's name. The one reader and writer of those details.
 */
public final class VolumeSnapshotRecord {
    private static final String ARRAY_NAME_PREFIX = "cs-";

    private VolumeSnapshotRecord() {
    }

    /** ElastiStor snapshot name of a CloudStack snapshot: unique, stable and traceable back to the record. */
    public static String arraySnapshotName(String snapshotUuid) {
        return ARRAY_NAME_PREFIX + snapshotUuid;
    }

    /** Whether an array snapshot carries a name {@link #arraySnapshotName} gives. */
    public static boolean isArraySnapshotName(String name) {
        return name.startsWith(ARRAY_NAME_PREFIX);
    }

    /** The CloudStack snapshot uuid an array snapshot name {@link #arraySnapshotName} gave carries; empty for other names. */
    public static Optional<String> snapshotUuidOf(String arraySnapshotName) {
        return isArraySnapshotName(arraySnapshotName) ? Optional.of(arraySnapshotName.substring(ARRAY_NAME_PREFIX.length()))
                : Optional.empty();
    }

    /** The snapshot's ElastiStor snapshot; empty when it has none (not ours, or taken before the array snapshot existed). */
    public static Optional<ArraySnapshotLocation> find(SnapshotDetailsDao details, long snapshotId) {
        Map<String, String> all = details.listDetailsKeyPairs(snapshotId);
        String poolId = all == null ? null : all.get(ElastiStorPool.SNAPSHOT_POOL_ID);
        String esVolumeId = all == null ? null : all.get(ElastiStorPool.SNAPSHOT_ARRAY_VOLUME);
        String path = all == null ? null : all.get(ElastiStorPool.SNAPSHOT_ARRAY_PATH);
        if (poolId == null || esVolumeId == null || path == null) {
            return Optional.empty();
        }
        return Optional.of(new ArraySnapshotLocation(Long.parseLong(poolId), esVolumeId, path));
    }

    /**
     * The array snapshot a snapshot's name gives it, looked up on its volume: for a snapshot whose take was cut short
     * before its details were written (a management server killed mid-take leaves it in Error).
     */
    public static Optional<ArraySnapshotLocation> findByName(ElastiStorArray array, long poolId, String esVolumeId, String snapshotUuid) {
        String name = arraySnapshotName(snapshotUuid);
        return array.listSnapshots(esVolumeId).stream().filter(s -> s.name().equals(name)).findFirst()
                .map(s -> new ArraySnapshotLocation(poolId, esVolumeId, s.path()));
    }

    /** Records the snapshot's ElastiStor snapshot (hidden details: they are for the plugin, not for users). */
    public static void save(SnapshotDetailsDao details, long snapshotId, ArraySnapshotLocation location) {
        details.addDetail(snapshotId, ElastiStorPool.SNAPSHOT_POOL_ID, String.valueOf(location.poolId()), false);
        details.addDetail(snapshotId, ElastiStorPool.SNAPSHOT_ARRAY_VOLUME, location.esVolumeId(), false);
        details.addDetail(snapshotId, ElastiStorPool.SNAPSHOT_ARRAY_PATH, location.path(), false);
    }

    /** Forgets the snapshot's ElastiStor snapshot (deleted after its backup); the other details stay. */
    public static void forget(SnapshotDetailsDao details, long snapshotId) {
        details.removeDetail(snapshotId, ElastiStorPool.SNAPSHOT_POOL_ID);
        details.removeDetail(snapshotId, ElastiStorPool.SNAPSHOT_ARRAY_VOLUME);
        details.removeDetail(snapshotId, ElastiStorPool.SNAPSHOT_ARRAY_PATH);
    }
}
