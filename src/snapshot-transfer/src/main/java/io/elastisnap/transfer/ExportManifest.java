// Licensed under the Apache License, Version 2.0. See LICENSE in the project root.
package io.elastisnap.transfer;

import com.google.gson.Gson;
import com.google.gson.GsonBuilder;
import com.google.gson.JsonParseException;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * {@code manifest.json} of an export directory: what was copied (a snapshot set of one domain) and, per volume, the
 * file, its SHA-256 and sizes, and the earlier export it is an increment on. Written last and atomically: an export
 * directory without a manifest is not complete. Field names are the file format ({@value #FORMAT}).
 */
public final class ExportManifest {
    public static final String FILE_NAME = "manifest.json";
    public static final String FORMAT = "elastisnap-export/1";
    private static final Gson GSON = new GsonBuilder().setPrettyPrinting().disableHtmlEscaping().create();

    public String format = FORMAT;
    public String setId;
    public String domain;
    public String snapshotCreated;
    public String consistencyLevel;
    public String exportStarted;
    public String exportCompleted;
    public List<Volume> volumes = new ArrayList<>();

    /** One volume's copy. */
    public static final class Volume {
        public String disk;
        public String volumeId;
        public String snapshotName;
        public String snapshotPath;
        /** File name inside the export directory. */
        public String file;
        public String sha256;
        public long virtualSize;
        public long fileBytes;
        public long allocatedBytes;
        public long sourceDataBytes;
        public boolean compressed;
        public long durationMs;
        /** The export directory (a sibling) whose copy of this volume this one is an increment on; null when full. */
        public String baseExport;

        public boolean incremental() {
            return baseExport != null;
        }
    }

    public Optional<Volume> volume(String diskOrVolumeId) {
        return volumes.stream().filter(v -> v.disk.equals(diskOrVolumeId) || v.volumeId.equals(diskOrVolumeId)).findFirst();
    }

    /** Reads {@code <dir>/manifest.json}; a missing or unreadable one is reported naming the directory. */
    public static ExportManifest read(Path exportDir) {
        Path file = exportDir.resolve(FILE_NAME);
        try {
            ExportManifest m = GSON.fromJson(Files.readString(file, StandardCharsets.UTF_8), ExportManifest.class);
            if (m == null || !FORMAT.equals(m.format) || m.volumes == null || m.volumes.isEmpty()) {
                throw new TransferException(TransferException.Kind.CORRUPT, "export " + exportDir + ": " + file
                        + " is not an " + FORMAT + " manifest", "use an export directory written by 'elastisnap export'");
            }
            return m;
        } catch (NoSuchFileException e) {
            throw new TransferException(TransferException.Kind.BAD_INPUT, "export " + exportDir + " has no " + FILE_NAME
                    + ": it is not an export, or an incomplete one", "give a complete export directory ('elastisnap"
                    + " reconcile' removes incomplete ones)", e);
        } catch (IOException | JsonParseException e) {
            throw new TransferException(TransferException.Kind.CORRUPT, "export " + exportDir + ": cannot read " + file
                    + ": " + e.getMessage(), "restore from another export", e);
        }
    }

    /** Writes the manifest atomically (temporary file, fsync, rename, fsync of the directory). */
    public void write(Path exportDir) {
        Path tmp = exportDir.resolve(FILE_NAME + ".tmp");
        try {
            Files.writeString(tmp, GSON.toJson(this), StandardCharsets.UTF_8);
            SnapshotImageWriter.force(tmp);
            Files.move(tmp, exportDir.resolve(FILE_NAME), StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
            SnapshotImageWriter.force(exportDir);
        } catch (IOException e) {
            throw SnapshotImageWriter.ioFailure(exportDir.resolve(FILE_NAME), e);
        }
    }

    /**
     * The copies a restore of {@code disk} from {@code exportDir} reads, top first, each with the checksum its own
     * export's manifest recorded.
     */
    public static List<ExpectedImage> chain(Path exportDir, String disk) {
        List<ExpectedImage> chain = new ArrayList<>();
        Path dir = exportDir.toAbsolutePath().normalize();
        while (dir != null) {
            ExportManifest m = read(dir);
            Path current = dir;
            Volume v = m.volume(disk).orElseThrow(() -> new TransferException(TransferException.Kind.BAD_INPUT,
                    "export " + current + " has no copy of disk " + disk, "name a disk the manifest lists"));
            chain.add(new ExpectedImage(dir.resolve(v.file), v.sha256));
            dir = v.baseExport == null ? null : dir.resolveSibling(v.baseExport);
            if (chain.size() > 1000) {
                throw new TransferException(TransferException.Kind.CORRUPT, "export " + exportDir + " has a base loop",
                        "restore from another export");
            }
        }
        return chain;
    }
}
