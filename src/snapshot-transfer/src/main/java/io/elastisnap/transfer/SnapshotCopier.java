// Licensed under the Apache License, Version 2.0. See LICENSE in the project root.
package io.elastisnap.transfer;

import io.elastisnap.elasticenter.ElastiCenterClient;
import org.apache.logging.log4j.LogManager;
import org.apache.logging.log4j.Logger;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * Takes one array snapshot's data off the array: clones the snapshot (temporary, journaled), reaches the clone through
 * {@link VolumeAccess}, writes a sparse qcow2 (full, or incremental on {@code base}), deletes the clone. Whatever
 * fails, the partial file is removed and the clone deleted (or, if the array refuses, left journaled for reconcile).
 */
public final class SnapshotCopier {
    private static final Logger LOG = LogManager.getLogger(SnapshotCopier.class);
    private final ElastiCenterClient client;
    private final TransferJournal journal;
    private final VolumeAccess access;
    private final SnapshotImageWriter writer;

    public SnapshotCopier(ElastiCenterClient client, TransferJournal journal, VolumeAccess access, QemuImg qemuImg) {
        this.client = client;
        this.journal = journal;
        this.access = access;
        this.writer = new SnapshotImageWriter(qemuImg);
    }

    /** What to copy and how. */
    public static final class Request {
        final String volumeId;
        final String snapshotPath;
        final Path target;
        Path base;
        boolean compress;
        final List<Path> alsoIncomplete = new ArrayList<>();

        /** {@code snapshotPath} of {@code volumeId} (the ZFS path {@code <dataset>@<name>}) to {@code target}. */
        public Request(String volumeId, String snapshotPath, Path target) {
            this.volumeId = volumeId;
            this.snapshotPath = snapshotPath;
            this.target = target.toAbsolutePath();
        }

        /** Incremental on this earlier copy of the same volume. */
        public Request incrementalOn(Path value) {
            base = value;
            return this;
        }

        /** zlib-compressed clusters (full copies only; an increment is written uncompressed). */
        public Request compressed(boolean value) {
            compress = value;
            return this;
        }

        /** Other paths a restart must remove if this copy dies (e.g. the caller's still-incomplete directory). */
        public Request alsoIncomplete(Path path) {
            alsoIncomplete.add(path.toAbsolutePath());
            return this;
        }
    }

    public WrittenImage copy(Request request, ProgressListener progress) {
        List<Path> incomplete = new ArrayList<>();
        incomplete.add(SnapshotImageWriter.partialFile(request.target));
        incomplete.addAll(request.alsoIncomplete);
        TemporaryClone clone = TemporaryClone.create(client, journal, "copy to " + request.target, request.volumeId,
                request.snapshotPath, incomplete);
        try {
            DataLocation source = access.locate(access.open(client, clone.volume()));
            return Optional.ofNullable(request.base)
                    .map(b -> writer.writeIncremental(source, request.target, b, progress))
                    .orElseGet(() -> writer.writeFull(source, request.target, request.compress, progress));
        } finally {
            try {
                clone.close();
            } catch (TransferException e) {
                // the copy's outcome stands; the clone stays journaled and reconcile deletes it
                LOG.warn("{} — fix: {}", e.getMessage(), e.fix());
            }
        }
    }
}
