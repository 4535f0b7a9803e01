// Licensed under the Apache License, Version 2.0. See LICENSE in the project root.
package io.elastisnap.transfer;

import org.apache.logging.log4j.LogManager;
import org.apache.logging.log4j.Logger;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;

/**
 * Writes a snapshot's data (read from a {@link DataLocation}) as a sparse qcow2 file: full (optionally compressed), or
 * incremental on an earlier copy of the same volume (a qcow2 whose backing file is that copy and which holds only the
 * clusters that differ). The data goes to {@code <target>.partial}, is fsync'd and hashed, and only then renamed to
 * {@code target}; any failure removes the partial file, so a target name that exists is always a complete copy.
 */
public final class SnapshotImageWriter {
    private static final Logger LOG = LogManager.getLogger(SnapshotImageWriter.class);
    private final QemuImg qemuImg;

    public SnapshotImageWriter(QemuImg qemuImg) {
        this.qemuImg = qemuImg;
    }

    /** The partial file a write of {@code target} uses (journaled by callers so a restart can remove it). */
    public static Path partialFile(Path target) {
        return target.resolveSibling(target.getFileName() + ".partial");
    }

    /** A full copy. */
    public WrittenImage writeFull(DataLocation source, Path target, boolean compress, ProgressListener progress) {
        return write(source, target, progress, partial -> qemuImg.convertToQcow2(source, partial, compress, progress));
    }

    /**
     * An incremental copy on {@code base} (an earlier complete copy of the same volume). The file records the base by
     * its path relative to {@code target}'s directory, so an export tree can be moved or mounted elsewhere whole.
     */
    public WrittenImage writeIncremental(DataLocation source, Path target, Path base, ProgressListener progress) {
        if (!Files.isRegularFile(base)) {
            throw new TransferException(TransferException.Kind.BAD_INPUT, "the base copy " + base + " does not exist",
                    "make a full copy instead");
        }
        String baseName = target.toAbsolutePath().getParent().relativize(base.toAbsolutePath()).toString();
        return write(source, target, progress, partial -> qemuImg.writeDifference(source, partial, baseName, progress));
    }

    private interface Copy {
        void into(Path partial);
    }

    private WrittenImage write(DataLocation source, Path target, ProgressListener progress, Copy copy) {
        long started = System.nanoTime();
        Path partial = partialFile(target);
        boolean done = false;
        try {
            Files.createDirectories(target.toAbsolutePath().getParent());
            Files.deleteIfExists(partial);
            QemuImg.ImageInfo sourceInfo = qemuImg.infoRaw(source);
            long dataBytes = qemuImg.dataBytes(source);
            copy.into(partial);
            progress.percent(100);
            String sha256 = fsyncAndHash(partial);
            QemuImg.ImageInfo written = qemuImg.infoQcow2(partial);
            if (written.virtualSize != sourceInfo.virtualSize) {
                throw new TransferException(TransferException.Kind.FAILED, "the copy of " + source + " has "
                        + written.virtualSize + " bytes of virtual size, the source " + sourceInfo.virtualSize, null);
            }
            long fileBytes = Files.size(partial);
            Files.move(partial, target, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
            force(target.toAbsolutePath().getParent());
            done = true;
            long ms = (System.nanoTime() - started) / 1_000_000;
            LOG.info("wrote {} from {}: {} bytes ({} of data read) in {} ms, sha256 {}", target, source, fileBytes,
                    dataBytes, ms, sha256);
            return new WrittenImage(target, sha256, written.virtualSize, fileBytes, written.allocatedBytes, dataBytes,
                    written.backingFile, ms);
        } catch (IOException e) {
            throw ioFailure(target, e);
        } finally {
            if (!done) {
                deleteQuietly(partial);
            }
        }
    }

    /**
     * The fsync (disk-bound) and the SHA-256 pass (CPU-bound, reading what is still in the page cache) run at the same
     * time; the file gets its name only after both are done.
     */
    private static String fsyncAndHash(Path partial) throws IOException {
        CompletableFuture<String> hash = CompletableFuture.supplyAsync(() -> {
            try {
                return Sha256.of(partial);
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        });
        try {
            force(partial);
            return hash.join();
        } catch (CompletionException e) {
            throw e.getCause() instanceof UncheckedIOException ? ((UncheckedIOException) e.getCause()).getCause()
                    : new IOException(e.getCause());
        } finally {
            hash.cancel(false);
        }
    }

    static TransferException ioFailure(Path target, IOException e) {
        String message = String.valueOf(e.getMessage());
        if (message.toLowerCase(java.util.Locale.ROOT).contains("no space left")) {
            return new TransferException(TransferException.Kind.NO_SPACE, "no space left writing " + target,
                    "free space on the target or export elsewhere; the partial file was removed", e);
        }
        return new TransferException(TransferException.Kind.FAILED, "cannot write " + target + ": " + message, null, e);
    }

    /** fsync of a file or a directory (a directory's entry must be durable too: the rename). */
    static void force(Path path) throws IOException {
        try (FileChannel channel = FileChannel.open(path, StandardOpenOption.READ)) {
            channel.force(true);
        }
    }

    static void deleteQuietly(Path file) {
        try {
            Files.deleteIfExists(file);
        } catch (IOException e) {
            LOG.warn("could not remove {}: {}", file, e.getMessage());
        }
    }
}
