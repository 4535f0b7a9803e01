// Licensed under the Apache License, Version 2.0. See LICENSE in the project root.
package io.elastisnap.cli.store;

import com.google.gson.Gson;
import com.google.gson.GsonBuilder;
import com.google.gson.JsonParseException;
import io.elastisnap.cli.CliException;
import io.elastisnap.cli.ExitCode;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Function;
import java.util.function.Supplier;

/**
 * The operator's list of snapshots: one JSON file under the state directory (default /var/lib/elastisnap). Every
 * change is a locked read-modify-write that replaces the file atomically (write, fsync, rename, fsync the directory),
 * so readers never see a torn file and a crash leaves either the old or the new version.
 */
public final class RecordStore {
    public static final Path DEFAULT_DIRECTORY = Path.of("/var/lib/elastisnap");
    public static final String RECORDS_FILE = "snapshots.json";
    private static final int SCHEMA_VERSION = 1;
    private static final Gson GSON = new GsonBuilder().setPrettyPrinting().disableHtmlEscaping().create();

    private final Path directory;
    private final Duration lockTimeout;

    /** The file's top level. */
    private static final class Document {
        int schemaVersion = SCHEMA_VERSION;
        List<SnapshotSet> sets = new ArrayList<>();
    }

    public RecordStore(Path directory, Duration lockTimeout) {
        this.directory = directory.toAbsolutePath().normalize();
        this.lockTimeout = lockTimeout;
    }

    public Path directory() {
        return directory;
    }

    public Path recordsFile() {
        return directory.resolve(RECORDS_FILE);
    }

    /** Where the engine keeps its journal of frozen domains. */
    public Path journalDirectory() {
        return directory.resolve("journal");
    }

    /** The current records (a consistent version: files are only ever replaced by rename). */
    public List<SnapshotSet> read() {
        return load().sets;
    }

    /**
     * Runs {@code mutation} on the records under the store lock and writes the result back atomically.
     * The list passed in is mutable; its state after the mutation is what gets written.
     */
    public <T> T update(Function<List<SnapshotSet>, T> mutation) {
        FileLocks.Held lock = FileLocks.acquire(directory.resolve("snapshots.lock"), lockTimeout, "the record store");
        try {
            Document doc = load();
            T result = mutation.apply(doc.sets);
            write(doc);
            return result;
        } finally {
            lock.close();
        }
    }

    /** Runs {@code body} holding the domain's lock, which serializes operations on one domain across CLI runs. */
    public <T> T withDomainLock(String domain, Duration timeout, Supplier<T> body) {
        FileLocks.Held lock = FileLocks.acquire(domainLockFile(domain), timeout, "domain " + domain);
        try {
            return body.get();
        } finally {
            lock.close();
        }
    }

    /** The domain's lock if nobody operates on it right now, else null. */
    public FileLocks.Held tryLockDomain(String domain) {
        return FileLocks.tryAcquire(domainLockFile(domain));
    }

    private Path domainLockFile(String domain) {
        return directory.resolve("locks").resolve(domain.replaceAll("[^A-Za-z0-9_.-]", "_") + ".lock");
    }

    private Document load() {
        Path file = recordsFile();
        String text;
        try {
            text = Files.readString(file, StandardCharsets.UTF_8);
        } catch (NoSuchFileException e) {
            return new Document();
        } catch (IOException e) {
            throw new CliException(ExitCode.FAILED, "cannot read the record store " + file + ": " + e.getMessage(),
                    "check its permissions, or point --state-dir at a directory this user can read");
        }
        Document doc;
        try {
            doc = GSON.fromJson(text, Document.class);
        } catch (JsonParseException e) {
            throw damaged(file, "not valid JSON");
        }
        if (doc == null || doc.sets == null) {
            throw damaged(file, "no 'sets' array");
        }
        if (doc.schemaVersion > SCHEMA_VERSION) {
            throw new CliException(ExitCode.FAILED, "record store " + file + " has schema version " + doc.schemaVersion
                    + ", newer than this elastisnap understands (" + SCHEMA_VERSION + ")", "upgrade elastisnap");
        }
        for (SnapshotSet set : doc.sets) {
            if (set == null || !set.valid()) {
                throw damaged(file, "a record lacks id, domain, created, state or volumes");
            }
        }
        return doc;
    }

    private static CliException damaged(Path file, String what) {
        return new CliException(ExitCode.FAILED, "record store " + file + " is damaged (" + what + ")",
                "move it aside (mv " + file + " " + file + ".damaged); 'elastisnap list' then shows the array's"
                        + " snapshots of configured volumes as not recorded");
    }

    private void write(Document doc) {
        Path file = recordsFile();
        Path tmp = directory.resolve(RECORDS_FILE + ".tmp-" + ProcessHandle.current().pid() + "-" + Thread.currentThread().getId());
        byte[] bytes = (GSON.toJson(doc) + "\n").getBytes(StandardCharsets.UTF_8);
        try {
            Files.createDirectories(directory);
            try (FileChannel ch = FileChannel.open(tmp, StandardOpenOption.CREATE, StandardOpenOption.WRITE,
                    StandardOpenOption.TRUNCATE_EXISTING)) {
                ByteBuffer buf = ByteBuffer.wrap(bytes);
                while (buf.hasRemaining()) {
                    ch.write(buf);
                }
                ch.force(true);
            }
            try {
                Files.move(tmp, file, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
            } catch (AtomicMoveNotSupportedException e) {
                throw new IOException("the file system of " + directory + " cannot rename atomically", e);
            }
            syncDirectory();
        } catch (IOException e) {
            try {
                Files.deleteIfExists(tmp);
            } catch (IOException ignored) {
                // the temporary file is harmless; the next write replaces it
            }
            throw new CliException(ExitCode.FAILED, "cannot write the record store " + file + ": " + e.getMessage(),
                    "check free space and permissions of " + directory + " (or use --state-dir)");
        }
    }

    private void syncDirectory() {
        try (FileChannel dir = FileChannel.open(directory, StandardOpenOption.READ)) {
            dir.force(true);
        } catch (IOException e) {
            // some file systems refuse fsync on directories; the rename itself is still atomic
        }
    }
}
