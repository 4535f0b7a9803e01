// Licensed under the Apache License, Version 2.0. See LICENSE in the project root.
package io.elastisnap.engine;

import java.util.Optional;

/**
 * One volume of a {@link ConsistentSnapshotRequest}: the array volume id, the snapshot name, and optionally the domain disk
 * it is attached as, by target ({@code vdb}) or by the disk's serial (CloudStack sets one per volume). Without either the
 * engine cannot tell which file systems the volume carries and freezes the whole guest.
 */
public final class VolumeRequest {
    private final String volumeId;
    private final String snapshotName;
    private final String diskLabel;
    private final String diskSerial;

    VolumeRequest(String volumeId, String snapshotName, String diskLabel, String diskSerial) {
        this.volumeId = volumeId;
        this.snapshotName = snapshotName;
        this.diskLabel = diskLabel;
        this.diskSerial = diskSerial;
    }

    public String volumeId() {
        return volumeId;
    }

    public String snapshotName() {
        return snapshotName;
    }

    /** The domain disk (target, e.g. {@code vdb}) this volume is attached as. */
    public Optional<String> diskLabel() {
        return Optional.ofNullable(diskLabel);
    }

    /** The serial of the domain disk this volume is attached as (used when no target is given). */
    public Optional<String> diskSerial() {
        return Optional.ofNullable(diskSerial);
    }

    @Override
    public String toString() {
        return "volume " + volumeId + (diskLabel == null ? "" : " (" + diskLabel + ")")
                + (diskSerial == null ? "" : " (serial " + diskSerial + ")") + " -> snapshot " + snapshotName;
    }
}
