// Licensed under the Apache License, Version 2.0. See LICENSE in the project root.
package io.elastisnap.simulator;

import java.nio.file.Path;

/** A volume as provisioned in the simulator. */
public final class SimVolume {
    private final String id;
    private final String name;
    private final String zfsPath;
    private final String iqn;
    private final String qosGroupId;
    private final long sizeBytes;
    private final Path imagePath;

    SimVolume(String id, String name, String zfsPath, String iqn, String qosGroupId, long sizeBytes, Path imagePath) {
        this.id = id;
        this.name = name;
        this.zfsPath = zfsPath;
        this.iqn = iqn;
        this.qosGroupId = qosGroupId;
        this.sizeBytes = sizeBytes;
        this.imagePath = imagePath;
    }

    public String id() {
        return id;
    }

    public String name() {
        return name;
    }

    /** {@code <pool>/<account><tsm>/<name>}; snapshot paths are this plus {@code @<snapshot>}. */
    public String zfsPath() {
        return zfsPath;
    }

    /** The iSCSI target name; empty for NFS volumes. */
    public String iqn() {
        return iqn;
    }

    public String qosGroupId() {
        return qosGroupId;
    }

    public long sizeBytes() {
        return sizeBytes;
    }

    /** The raw image file backing the volume, or null when the simulator has no data directory. */
    public Path imagePath() {
        return imagePath;
    }

    @Override
    public String toString() {
        return "SimVolume[" + id + " " + zfsPath + "]";
    }
}
