// Licensed under the Apache License, Version 2.0. See LICENSE in the project root.
package io.elastisnap.cloudstack.array;

/** Where an ElastiStor snapshot lives: the pool (and so its ElastiCenter), the ElastiStor volume and the snapshot path. */
public final class ArraySnapshotLocation {
    private final long poolId;
    private final String esVolumeId;
    private final String path;

    public ArraySnapshotLocation(long poolId, String esVolumeId, String path) {
        this.poolId = poolId;
        this.esVolumeId = esVolumeId;
        this.path = path;
    }

    public long poolId() {
        return poolId;
    }

    public String esVolumeId() {
        return esVolumeId;
    }

    public String path() {
        return path;
    }

    @Override
    public String toString() {
        return path + " (pool " + poolId + ")";
    }
}
