// Licensed under the Apache License, Version 2.0. See LICENSE in the project root.
package io.elastisnap.transfer;

import com.google.gson.Gson;
import com.google.gson.GsonBuilder;
import com.google.gson.JsonParseException;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.UUID;

/**
 * What running transfers have in flight, one fsync'd JSON file per transfer: the temporary clone (by name, written
 * before the clone is asked for, so a crash during the call still leaves its name) and the files that are not complete
 * yet. A transfer that finishes removes its entry; an entry whose process is gone is what a dead copy left, and
 * {@link TransferRecovery} removes it.
 */
public final class TransferJournal {
    private static final Gson GSON = new GsonBuilder().setPrettyPrinting().disableHtmlEscaping().create();
    private final Path directory;

    public TransferJournal(Path directory) {
        this.directory = directory;
    }

    public Path directory() {
        return directory;
    }

    /** One transfer in flight. Field names are the file format. */
    public static final class Entry {
        private String id;
        private long pid;
        private String processStarted;
        private String started;
        private String purpose;
        private String volumeId;
        private String snapshotPath;
        private String cloneName;
        private String cloneId;
        private List<String> incompleteFiles = new ArrayList<>();

        public String id() {
            return id;
        }

        public long pid() {
            return pid;
        }

        public Instant started() {
            return Instant.parse(started);
        }

        public String purpose() {
            return purpose;
        }

        public String volumeId() {
            return volumeId;
        }

        public String snapshotPath() {
            return snapshotPath;
        }

        public Optional<String> cloneName() {
            return Optional.ofNullable(cloneName);
        }

        public Optional<String> cloneId() {
            return Optional.ofNullable(cloneId);
        }

        public List<Path> incompleteFiles() {
            List<Path> files = new ArrayList<>();
            incompleteFiles.forEach(f -> files.add(Path.of(f)));
            return files;
        }

        /** True while the process that wrote the entry is alive (the same process: pid and start time). */
        public boolean ownerAlive() {
            return ProcessHandle.of(pid).filter(p -> p.info().startInstant().map(Instant::toString)
                    .map(s -> processStarted == null || s.equals(processStarted)).orElse(true)).isPresent();
        }
    }

    /** Records a transfer about to start, before any array call or file is made. */
    public Entry begin(String purpose, String volumeId, String snapshotPath, String cloneName, List<Path> incompleteFiles) {
        Entry e = new Entry();
        e.id = UUID.randomUUID().toString();
        ProcessHandle self = ProcessHandle.current();
        e.pid = self.pid();
        e.processStarted = self.info().startInstant().map(Instant::toString).orElse(null);
        e.started = Instant.now().toString();
        e.purpose = purpose;
        e.volumeId = volumeId;
        e.snapshotPath = snapshotPath;
        e.cloneName = cloneName;
        incompleteFiles.forEach(f -> e.incompleteFiles.add(f.toAbsolutePath().toString()));
        write(e);
        return e;
    }

    /** The array answered with the clone's id. */
    public void cloneCreated(Entry e, String cloneId) {
        e.cloneId = cloneId;
        write(e);
    }

    /** The clone is gone (deleted). */
    public void cloneDeleted(Entry e) {
        e.cloneName = null;
        e.cloneId = null;
        write(e);
    }

    /** The transfer is over (done, or everything it made removed). */
    public void finish(Entry e) {
        try {
            Files.deleteIfExists(file(e.id));
        } catch (IOException ex) {
            throw new TransferException(TransferException.Kind.FAILED, "cannot remove transfer journal entry "
                    + file(e.id) + ": " + ex.getMessage(), "make " + directory + " writable");
        }
    }

    public List<Entry> list() throws IOException {
        List<Entry> entries = new ArrayList<>();
        if (!Files.isDirectory(directory)) {
            return entries;
        }
        try (DirectoryStream<Path> files = Files.newDirectoryStream(directory, "*.json")) {
            for (Path f : files) {
                try {
                    Entry e = GSON.fromJson(Files.readString(f, StandardCharsets.UTF_8), Entry.class);
                    if (e != null && e.id != null) {
                        entries.add(e);
                    }
                } catch (JsonParseException | IOException unreadable) {
                    // a torn write of an entry of a process that died while writing it: nothing was made yet
                    Files.deleteIfExists(f);
                }
            }
        }
        return entries;
    }

    private Path file(String id) {
        return directory.resolve(id + ".json");
    }

    private void write(Entry e) {
        try {
            Files.createDirectories(directory);
            Path tmp = directory.resolve(e.id + ".json.tmp");
            Files.writeString(tmp, GSON.toJson(e), StandardCharsets.UTF_8);
            SnapshotImageWriter.force(tmp);
            Files.move(tmp, file(e.id), StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
            SnapshotImageWriter.force(directory);
        } catch (IOException ex) {
            throw new TransferException(TransferException.Kind.FAILED, "cannot write transfer journal entry in "
                    + directory + ": " + ex.getMessage(), "make " + directory + " writable");
        }
    }
}
