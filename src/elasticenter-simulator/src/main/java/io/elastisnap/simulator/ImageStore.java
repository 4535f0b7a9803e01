// Licensed under the Apache License, Version 2.0. See LICENSE in the project root.
package io.elastisnap.simulator;

import org.apache.logging.log4j.LogManager;
import org.apache.logging.log4j.Logger;

import java.io.IOException;
import java.io.RandomAccessFile;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * Raw image files behind volumes and snapshots in a data directory. A snapshot is a reflink copy of the volume file
 * when the file system supports it (as cheap as a ZFS snapshot), else a full sparse copy. FICLONE is not reachable
 * from pure Java, so copies go through {@code cp --reflink=...}.
 */
final class ImageStore {
    private static final Logger LOG = LogManager.getLogger(ImageStore.class);
    private static final long COPY_TIMEOUT_MINUTES = 30;

    private final Path volumesDir;
    private final Path snapshotsDir;
    private final boolean reflinkSupported;

    private ImageStore(Path dataDirectory) throws IOException {
        this.volumesDir = Files.createDirectories(dataDirectory.resolve("volumes"));
        this.snapshotsDir = Files.createDirectories(dataDirectory.resolve("snapshots"));
        this.reflinkSupported = probeReflink(dataDirectory);
        if (reflinkSupported) {
            LOG.info("Snapshots in {} are reflink copies (copy-on-write, constant time)", dataDirectory);
        } else {
            LOG.info("Snapshots in {} are full sparse copies: the file system does not support reflink",
                    dataDirectory);
        }
    }

    static ImageStore open(Path dataDirectory) throws IOException {
        return new ImageStore(dataDirectory);
    }

    boolean reflinkSupported() {
        return reflinkSupported;
    }

    Path volumeImage(String volumeId) {
        return volumesDir.resolve(volumeId + ".img");
    }

    Path snapshotImage(String snapshotId) {
        return snapshotsDir.resolve(snapshotId + ".img");
    }

    void createVolume(String volumeId, long sizeBytes) throws IOException {
        Path image = volumeImage(volumeId);
        try (RandomAccessFile file = new RandomAccessFile(image.toFile(), "rw")) {
            file.setLength(sizeBytes); // sparse: no blocks allocated until written
        }
    }

    void resizeVolume(String volumeId, long sizeBytes) throws IOException {
        try (RandomAccessFile file = new RandomAccessFile(volumeImage(volumeId).toFile(), "rw")) {
            file.setLength(sizeBytes);
        }
    }

    void deleteVolume(String volumeId) throws IOException {
        Files.deleteIfExists(volumeImage(volumeId));
    }

    void snapshot(String volumeId, String snapshotId) throws IOException {
        copy(volumeImage(volumeId), snapshotImage(snapshotId));
    }

    void deleteSnapshot(String snapshotId) throws IOException {
        Files.deleteIfExists(snapshotImage(snapshotId));
    }

    /** Replaces the volume's file by a copy of the snapshot in one rename; open handles keep the old inode. */
    void rollback(String volumeId, String snapshotId) throws IOException {
        copy(snapshotImage(snapshotId), volumeImage(volumeId));
    }

    void cloneVolume(String snapshotId, String cloneVolumeId) throws IOException {
        copy(snapshotImage(snapshotId), volumeImage(cloneVolumeId));
    }

    private void copy(Path source, Path target) throws IOException {
        Path partial = target.resolveSibling(target.getFileName() + ".partial");
        List<String> command = reflinkSupported
                ? List.of("cp", "--reflink=always", source.toString(), partial.toString())
                : List.of("cp", "--reflink=never", "--sparse=always", source.toString(), partial.toString());
        try {
            runCopy(command);
            Files.move(partial, target, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
        } finally {
            Files.deleteIfExists(partial);
        }
    }

    private static void runCopy(List<String> command) throws IOException {
        Process process = new ProcessBuilder(command).redirectErrorStream(true).start();
        try {
            byte[] output = process.getInputStream().readAllBytes();
            if (!process.waitFor(COPY_TIMEOUT_MINUTES, TimeUnit.MINUTES)) {
                process.destroyForcibly();
                throw new IOException("copy did not finish within " + COPY_TIMEOUT_MINUTES + " minutes: " + command);
            }
            if (process.exitValue() != 0) {
                throw new IOException(String.join(" ", command) + " failed (exit " + process.exitValue() + "): "
                        + new String(output, StandardCharsets.UTF_8).trim());
            }
        } catch (InterruptedException e) {
            process.destroyForcibly();
            Thread.currentThread().interrupt();
            throw new IOException("interrupted while copying: " + command, e);
        }
    }

    private static boolean probeReflink(Path dataDirectory) throws IOException {
        Path probe = Files.createTempFile(dataDirectory, ".reflink-probe", ".img");
        Path clone = probe.resolveSibling(probe.getFileName() + ".clone");
        try {
            Files.write(probe, new byte[4096]);
            runCopy(List.of("cp", "--reflink=always", probe.toString(), clone.toString()));
            return true;
        } catch (IOException unsupported) {
            LOG.debug("reflink probe failed: {}", unsupported.getMessage());
            return false;
        } finally {
            Files.deleteIfExists(clone);
            Files.deleteIfExists(probe);
        }
    }
}
