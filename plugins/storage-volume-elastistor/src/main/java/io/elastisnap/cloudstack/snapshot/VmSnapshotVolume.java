// Licensed under the Apache License, Version 2.0. See LICENSE in the project root.
package io.elastisnap.cloudstack.snapshot;

import com.cloud.utils.exception.CloudRuntimeException;

import io.elastisnap.cloudstack.ElastiStorPool;

/** One volume's array snapshot in a VM snapshot, as its detail {@code elastistor.volume.<volumeId> = poolId|esVolumeId|path}. */
public final class VmSnapshotVolume {
    private static final String SEPARATOR = "|";

    final long volumeId;
    final long poolId;
    final String esVolumeId;
    final String path;

    VmSnapshotVolume(long volumeId, long poolId, String esVolumeId, String path) {
        this.volumeId = volumeId;
        this.poolId = poolId;
        this.esVolumeId = esVolumeId;
        this.path = path;
    }

    /** Null when the detail is not one of ours. */
    public static VmSnapshotVolume parse(String name, String value) {
        if (!name.startsWith(ElastiStorPool.VM_SNAPSHOT_VOLUME_PREFIX)) {
            return null;
        }
        String[] parts = value.split("\\" + SEPARATOR, 3);
        if (parts.length != 3) {
            throw new CloudRuntimeException("Unreadable ElastiStor VM snapshot detail " + name + "=" + value);
        }
        return new VmSnapshotVolume(Long.parseLong(name.substring(ElastiStorPool.VM_SNAPSHOT_VOLUME_PREFIX.length())),
                Long.parseLong(parts[0]), parts[1], parts[2]);
    }

    public static String detailName(long volumeId) {
        return ElastiStorPool.VM_SNAPSHOT_VOLUME_PREFIX + volumeId;
    }

    String detailName() {
        return detailName(volumeId);
    }

    String detailValue() {
        return poolId + SEPARATOR + esVolumeId + SEPARATOR + path;
    }

    public String path() {
        return path;
    }

    @Override
    public String toString() {
        return "volume " + volumeId + " (" + path + ")";
    }
}
