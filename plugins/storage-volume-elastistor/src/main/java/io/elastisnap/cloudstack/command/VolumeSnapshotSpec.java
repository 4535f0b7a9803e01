// Licensed under the Apache License, Version 2.0. See LICENSE in the project root.
package io.elastisnap.cloudstack.command;

import java.util.Objects;

/**
 * One volume of a consistent snapshot: the ElastiStor volume id, the snapshot name to create on it, and the serial of the
 * disk the VM sees it as (so the agent freezes only the file systems on it; null: the whole guest).
 */
public final class VolumeSnapshotSpec {
    /** virtio-blk carries at most 20 bytes of serial; CloudStack cuts the volume's uuid to that. */
    private static final int SERIAL_LENGTH = 20;

    private String volumeId;
    private String snapshotName;
    private String diskSerial;

    /** For Gson. */
    VolumeSnapshotSpec() {
    }

    public VolumeSnapshotSpec(String volumeId, String snapshotName) {
        this(volumeId, snapshotName, null);
    }

    /** @param diskSerial the serial of the VM's disk for this volume ({@link #cloudStackDiskSerial}), or null */
    public VolumeSnapshotSpec(String volumeId, String snapshotName, String diskSerial) {
        this.volumeId = requireText(volumeId, "ElastiStor volume id");
        this.snapshotName = requireText(snapshotName, "snapshot name");
        this.diskSerial = diskSerial;
    }

    /**
     * The serial CloudStack's KVM agent gives a volume's disk in the domain XML (LibvirtComputingResource.diskUuidToSerial):
     * its uuid without dashes, at most 20 characters.
     */
    public static String cloudStackDiskSerial(String volumeUuid) {
        String plain = volumeUuid.replace("-", "");
        return plain.substring(0, Math.min(plain.length(), SERIAL_LENGTH));
    }

    static String requireText(String value, String what) {
        if (value == null || value.trim().isEmpty()) {
            throw new IllegalArgumentException(what + " must not be empty");
        }
        return value;
    }

    public String getVolumeId() {
        return volumeId;
    }

    public String getSnapshotName() {
        return snapshotName;
    }

    /** Null when unknown: the agent then freezes the whole guest. */
    public String getDiskSerial() {
        return diskSerial;
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof VolumeSnapshotSpec && Objects.equals(volumeId, ((VolumeSnapshotSpec) o).volumeId)
                && Objects.equals(snapshotName, ((VolumeSnapshotSpec) o).snapshotName);
    }

    @Override
    public int hashCode() {
        return Objects.hash(volumeId, snapshotName);
    }

    @Override
    public String toString() {
        return volumeId + "@" + snapshotName;
    }
}
