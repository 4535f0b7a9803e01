// Licensed under the Apache License, Version 2.0. See LICENSE in the project root.
package io.elastisnap.cli.ops;

/** A disk of a domain and the ElastiStor volume that backs it. */
public final class VolumeTarget {
    private final String disk;
    private final String volumeId;

    public VolumeTarget(String disk, String volumeId) {
        this.disk = disk;
        this.volumeId = volumeId;
    }

    public String disk() {
        return disk;
    }

    public String volumeId() {
        return volumeId;
    }
}
