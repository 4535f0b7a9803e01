// Licensed under the Apache License, Version 2.0. See LICENSE in the project root.
package io.elastisnap.transfer;

import java.nio.file.Path;
import java.util.Optional;

/** A qcow2 file a transfer wrote, complete and fsync'd, with what a manifest or a CloudStack record needs. */
public final class WrittenImage {
    private final Path file;
    private final String sha256;
    private final long virtualSize;
    private final long fileBytes;
    private final long allocatedBytes;
    private final long sourceDataBytes;
    private final Optional<String> backingFile;
    private final long durationMs;

    WrittenImage(Path file, String sha256, long virtualSize, long fileBytes, long allocatedBytes, long sourceDataBytes,
                 Optional<String> backingFile, long durationMs) {
        this.file = file;
        this.sha256 = sha256;
        this.virtualSize = virtualSize;
        this.fileBytes = fileBytes;
        this.allocatedBytes = allocatedBytes;
        this.sourceDataBytes = sourceDataBytes;
        this.backingFile = backingFile;
        this.durationMs = durationMs;
    }

    public Path file() {
        return file;
    }

    /** SHA-256 of the whole file, lower-case hex. */
    public String sha256() {
        return sha256;
    }

    /** The volume's size. */
    public long virtualSize() {
        return virtualSize;
    }

    /** The file's length: the bytes written to the target (CloudStack's physical size). */
    public long fileBytes() {
        return fileBytes;
    }

    /** Blocks the file occupies on the target's file system. */
    public long allocatedBytes() {
        return allocatedBytes;
    }

    /** Bytes of the source that hold data: what was read. */
    public long sourceDataBytes() {
        return sourceDataBytes;
    }

    /** The previous copy this one is an increment on, as recorded in the file (relative to its directory). */
    public Optional<String> backingFile() {
        return backingFile;
    }

    public long durationMs() {
        return durationMs;
    }
}
