// Licensed under the Apache License, Version 2.0. See LICENSE in the project root.
package io.elastisnap.engine.pool;

import com.google.gson.Gson;
import com.google.gson.JsonParseException;
import io.elastisnap.engine.journal.JournalOwner;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

/**
 * What a restore in progress has made on the array and the host (clone volume, attached device, mount, partial
 * file), one fsync'd file per restore, written before each step; removed once everything is undone. A restore whose
 * process died is finished by {@link VolumeRestore#recoverInterrupted()}.
 */
final class RestoreJournal {
    private static final Gson GSON = new Gson();

    /** One restore's footprint. Field names are the file format. */
    static final class Record {
        String tag;
        String cloneName;
        String cloneVolumeId;
        String device;
        String mount;
        String partial;
        long ownerPid;
        String ownerStartedAt;

        Record(String tag, String cloneName, Path mount, Path partial) {
            this.tag = tag;
            this.cloneName = cloneName;
            this.mount = mount.toString();
            this.partial = partial.toString();
            JournalOwner me = JournalOwner.current();
            ownerPid = me.pid();
            ownerStartedAt = me.startedAt().map(Instant::toString).orElse(null);
        }

        JournalOwner owner() {
            return JournalOwner.of(ownerPid, ownerStartedAt == null ? null : Instant.parse(ownerStartedAt));
        }

        @Override
        public String toString() {
            return "restore " + tag + " (clone " + (cloneVolumeId != null ? cloneVolumeId : cloneName)
                    + (device != null ? ", device " + device : "") + ", mount " + mount + ", partial file " + partial + ")";
        }
    }

    private final Path directory;

    RestoreJournal(Path directory) {
        this.directory = directory;
    }

    void write(Record record) {
        Path target = directory.resolve(record.tag + ".restore.json");
        try {
            Files.createDirectories(directory);
            DurableFiles.replace(target, GSON.toJson(record));
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write the restore journal " + target, e);
        }
    }

    void remove(String tag) throws IOException {
        Files.deleteIfExists(directory.resolve(tag + ".restore.json"));
    }

    List<Record> list() throws IOException {
        List<Record> records = new ArrayList<>();
        if (!Files.isDirectory(directory)) {
            return records;
        }
        try (DirectoryStream<Path> files = Files.newDirectoryStream(directory, "*.restore.json")) {
            for (Path file : files) {
                try {
                    Record r = GSON.fromJson(new String(Files.readAllBytes(file), StandardCharsets.UTF_8), Record.class);
                    if (r != null && r.tag != null && r.cloneName != null && r.mount != null && r.partial != null) {
                        records.add(r);
                        continue;
                    }
                } catch (JsonParseException e) {
                    // named below
                }
                throw new IllegalStateException("restore journal " + file + " is not a valid record; move it aside (the"
                        + " clone volume esnap-restore-* it names may need deleting by hand)");
            }
        }
        return records;
    }
}
