// Licensed under the Apache License, Version 2.0. See LICENSE in the project root.
package io.elastisnap.cloudstack.record;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import com.cloud.utils.exception.CloudRuntimeException;
import com.cloud.vm.snapshot.dao.VMSnapshotDetailsDao;

import io.elastisnap.cloudstack.ElastiStorPool;
import io.elastisnap.cloudstack.array.ArraySnapshotLocation;

/**
 * One volume's array snapshot in a VM snapshot, as its hidden VM snapshot detail
 * {@code elastistor.volume.<volumeId> = poolId|esVolumeId|path}. The one reader and writer of those details.
 */
public final class VmSnapshotVolume {
    private static final String SEPARATOR = "|";
    private static final String ARRAY_NAME_PREFIX = "vms-";

    private final long volumeId;
    private final ArraySnapshotLocation location;

    public VmSnapshotVolume(long volumeId, ArraySnapshotLocation location) {
        this.volumeId = volumeId;
        this.location = location;
    }

    /** Array snapshot name of one volume in a VM snapshot. */
    public static String arraySnapshotName(String vmSnapshotUuid, long volumeId) {
        return ARRAY_NAME_PREFIX + vmSnapshotUuid + "-" + volumeId;
    }

    /** The VM snapshot uuid an array snapshot name {@link #arraySnapshotName} gave carries; empty for other names. */
    public static Optional<String> vmSnapshotUuidOf(String arraySnapshotName) {
        int volumeIdStart = arraySnapshotName.lastIndexOf('-');
        return isArraySnapshotName(arraySnapshotName) && volumeIdStart > ARRAY_NAME_PREFIX.length()
                ? Optional.of(arraySnapshotName.substring(ARRAY_NAME_PREFIX.length(), volumeIdStart)) : Optional.empty();
    }

    /** Whether an array snapshot carries a name {@link #arraySnapshotName} gives. */
    public static boolean isArraySnapshotName(String name) {
        return name.startsWith(ARRAY_NAME_PREFIX);
    }

    /** Every volume recorded for a VM snapshot, by CloudStack volume id. */
    public static List<VmSnapshotVolume> findAll(VMSnapshotDetailsDao details, long vmSnapshotId) {
        List<VmSnapshotVolume> entries = new ArrayList<>();
        Map<String, String> all = details.listDetailsKeyPairs(vmSnapshotId);
        if (all != null) {
            all.forEach((name, value) -> parse(name, value).ifPresent(entries::add));
        }
        entries.sort(Comparator.comparingLong(VmSnapshotVolume::volumeId));
        return entries;
    }

    /** The entry of one CloudStack volume in a VM snapshot. */
    public static Optional<VmSnapshotVolume> find(VMSnapshotDetailsDao details, long vmSnapshotId, long volumeId) {
        Map<String, String> all = details.listDetailsKeyPairs(vmSnapshotId);
        String name = detailName(volumeId);
        String value = all == null ? null : all.get(name);
        return value == null ? Optional.empty() : parse(name, value);
    }

    /** Empty when the detail is not one of ours. */
    private static Optional<VmSnapshotVolume> parse(String name, String value) {
        if (!name.startsWith(ElastiStorPool.VM_SNAPSHOT_VOLUME_PREFIX)) {
            return Optional.empty();
        }
        String[] parts = value.split("\\" + SEPARATOR, 3);
        if (parts.length != 3) {
            throw new CloudRuntimeException("Unreadable ElastiStor VM snapshot detail " + name + "=" + value);
        }
        return Optional.of(new VmSnapshotVolume(Long.parseLong(name.substring(ElastiStorPool.VM_SNAPSHOT_VOLUME_PREFIX.length())),
                new ArraySnapshotLocation(Long.parseLong(parts[0]), parts[1], parts[2])));
    }

    private static String detailName(long volumeId) {
        return ElastiStorPool.VM_SNAPSHOT_VOLUME_PREFIX + volumeId;
    }

    /** Records this volume's array snapshot in the VM snapshot (hidden: the details are for the plugin). */
    public void save(VMSnapshotDetailsDao details, long vmSnapshotId) {
        details.addDetail(vmSnapshotId, detailName(volumeId), location.poolId() + SEPARATOR + location.esVolumeId() + SEPARATOR
                + location.path(), false);
    }

    /** Forgets this volume's array snapshot (it was deleted). */
    public void remove(VMSnapshotDetailsDao details, long vmSnapshotId) {
        details.removeDetail(vmSnapshotId, detailName(volumeId));
    }

    public long volumeId() {
        return volumeId;
    }

    public ArraySnapshotLocation location() {
        return location;
    }

    @Override
    public String toString() {
        return "volume " + volumeId + " (" + location.path() + ")";
    }
}
