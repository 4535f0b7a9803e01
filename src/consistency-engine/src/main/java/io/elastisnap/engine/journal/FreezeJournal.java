// Licensed under the Apache License, Version 2.0. See LICENSE in the project root.
package io.elastisnap.engine.journal;

import com.google.gson.JsonArray;
import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import com.google.gson.JsonParseException;
import com.google.gson.JsonParser;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.DirectoryStream;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.FileTime;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentMap;
import org.apache.logging.log4j.LogManager;
import org.apache.logging.log4j.Logger;

/**
 * A directory with one small JSON file per domain this host's engine froze (or is about to freeze). An entry is
 * written and fsync'd before the freeze call and removed after the thaw is confirmed, so whoever starts next (agent or
 * CLI) can thaw a guest that a killed predecessor left frozen. Writes are atomic: a temporary file is written, fsync'd
 * and renamed over the entry, then the directory is fsync'd. File name: the domain name with every byte outside
 * {@code [A-Za-z0-9_.-]} (and a leading dot) percent-encoded, plus {@code .json}.
 */
public final class FreezeJournal {
    /** Shared by the CloudStack agent and the CLI on a host, so each recovers what the other left behind. */
    public static final Path DEFAULT_DIRECTORY = Paths.get("/var/lib/elastisnap/freeze-journal");
    static final int FORMAT = 1;
    private static final String SUFFIX = ".json";
    private static final String GUARD_LOG_SUFFIX = ".thaw-guard.log";
    /** A guard writes a few lines per incident; the tail holds the latest of them. */
    private static final int GUARD_LOG_TAIL_BYTES = 64 * 1024;
    private static final String TEMP_PREFIX = ".tmp-";
    private static final Duration STALE_TEMP_AGE = Duration.ofMinutes(10);
    private static final Logger LOG = LogManager.getLogger(FreezeJournal.class);
    /** Per entry file, JVM-wide, so read-compare-delete is atomic for every journal instance on the same directory. */
    private static final ConcurrentMap<Path, Object> FILE_LOCKS = new ConcurrentHashMap<>();

    private final Path directory;
    private final JournalOwner owner;

    public FreezeJournal(Path directory) {
        this(directory, JournalOwner.current());
    }

    /** With another owner identity than this process: lets tests play a predecessor that died. */
    FreezeJournal(Path directory, JournalOwner owner) {
        this.directory = Objects.requireNonNull(directory, "directory").toAbsolutePath().normalize();
        this.owner = Objects.requireNonNull(owner, "owner");
    }

    public Path directory() {
        return directory;
    }

    /** The identity this journal writes into new entries. */
    public JournalOwner owner() {
        return owner;
    }

    /** Atomically writes (or replaces) the entry of {@code entry.domainName()} and makes it durable. */
    public void record(JournalEntry entry) throws IOException {
        ensureDirectory();
        Path target = fileOf(entry.domainName());
        byte[] content = toJson(entry).getBytes(StandardCharsets.UTF_8);
        synchronized (lockOf(target)) {
            Path temp = directory.resolve(TEMP_PREFIX + UUID.randomUUID());
            try {
                try (FileChannel channel = FileChannel.open(temp, StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE)) {
                    ByteBuffer buffer = ByteBuffer.wrap(content);
                    while (buffer.hasRemaining()) {
                        channel.write(buffer);
                    }
                    channel.force(true);
                }
                Files.move(temp, target, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
            } finally {
                Files.deleteIfExists(temp);
            }
            syncDirectory();
        }
    }

    /** The entry of a domain, if any. */
    public Optional<JournalEntry> read(String domainName) throws IOException {
        Path file = fileOf(domainName);
        synchronized (lockOf(file)) {
            return Optional.ofNullable(readFile(file, domainName));
        }
    }

    /**
     * Removes the domain's entry if it belongs to {@code sessionId} (a newer attempt's entry stays).
     *
     * @return true when an entry of that session was removed
     */
    public boolean remove(String domainName, String sessionId) throws IOException {
        Path file = fileOf(domainName);
        synchronized (lockOf(file)) {
            JournalEntry current;
            try {
                current = readFile(file, domainName);
            } catch (JournalCorruptException e) {
                return false;
            }
            if (current == null || !current.sessionId().equals(sessionId)) {
                return false;
            }
            Files.delete(file);
            syncDirectory();
            return true;
        }
    }

    /** Removes a domain's entry whatever it contains (used by recovery, also for corrupt files). */
    public void removeAny(String domainName) throws IOException {
        Path file = fileOf(domainName);
        synchronized (lockOf(file)) {
            if (Files.deleteIfExists(file)) {
                syncDirectory();
            }
        }
    }

    /**
     * All entries, corrupt ones included (with their problem), sorted by domain. Temporary files left by a writer
     * that died mid-write are deleted once they are old; they never contained a completed entry.
     */
    public List<JournalRecord> list() throws IOException {
        List<JournalRecord> records = new ArrayList<>();
        if (!Files.isDirectory(directory)) {
            return records;
        }
        try (DirectoryStream<Path> files = Files.newDirectoryStream(directory)) {
            for (Path file : files) {
                String name = file.getFileName().toString();
                if (name.startsWith(TEMP_PREFIX)) {
                    deleteIfStale(file);
                    continue;
                }
                if (!name.endsWith(SUFFIX)) {
                    continue;
                }
                String domainName = decode(name.substring(0, name.length() - SUFFIX.length()));
                if (domainName == null) {
                    records.add(new JournalRecord(name, false, file, null, "file name is not an encoded domain name"));
                    continue;
                }
                synchronized (lockOf(file)) {
                    try {
                        JournalEntry entry = readFile(file, domainName);
                        if (entry != null) {
                            records.add(new JournalRecord(domainName, true, file, entry, null));
                        }
                    } catch (JournalCorruptException e) {
                        records.add(new JournalRecord(domainName, true, file, null, e.getMessage()));
                    }
                }
            }
        }
        records.sort(Comparator.comparing(JournalRecord::domainName));
        return records;
    }

    /** Moves an unreadable file aside ({@code <name>.corrupt-<millis>}) so it is kept for people but not retried. */
    public Path quarantine(JournalRecord record) throws IOException {
        Path target = record.file().resolveSibling(record.file().getFileName() + ".corrupt-" + System.currentTimeMillis());
        synchronized (lockOf(record.file())) {
            Files.move(record.file(), target, StandardCopyOption.ATOMIC_MOVE);
            syncDirectory();
        }
        return target;
    }

    Path fileOf(String domainName) {
        return directory.resolve(encode(domainName) + SUFFIX);
    }

    /**
     * The log the thaw guards of a domain append to (next to its entry, not an entry itself): what a guard did when its
     * orchestrator could not hear it any more.
     */
    public Path guardLogOf(String domainName) {
        return directory.resolve(encode(domainName) + GUARD_LOG_SUFFIX);
    }

    /** Deletes the domain's guard log if it holds nothing: a guard killed before it had anything to say leaves one. */
    public void removeEmptyGuardLog(String domainName) throws IOException {
        Path log = guardLogOf(domainName);
        try {
            if (Files.size(log) == 0) {
                Files.deleteIfExists(log);
            }
        } catch (NoSuchFileException e) {
            // nothing to remove
        }
    }

    /**
     * The last thing the thaw guard of {@code sessionId} reported about the domain (thawing, thawed, gone, gave up), if
     * it reported anything: a guard that was disarmed writes nothing.
     */
    public Optional<GuardReport> guardReport(String domainName, String sessionId) throws IOException {
        Path log = guardLogOf(domainName);
        List<String> lines;
        try {
            lines = tailLines(log, GUARD_LOG_TAIL_BYTES);
        } catch (NoSuchFileException e) {
            return Optional.empty();
        }
        String sessionField = "session=" + sessionId;
        for (int i = lines.size() - 1; i >= 0; i--) {
            Optional<GuardReport> report = parseGuardLine(lines.get(i), sessionField);
            if (report.isPresent()) {
                return report;
            }
        }
        return Optional.empty();
    }

    private static List<String> tailLines(Path file, int maxBytes) throws IOException {
        try (FileChannel channel = FileChannel.open(file, StandardOpenOption.READ)) {
            long start = Math.max(0, channel.size() - maxBytes);
            ByteBuffer buffer = ByteBuffer.allocate((int) (channel.size() - start));
            while (buffer.hasRemaining() && channel.read(buffer, start + buffer.position()) > 0) {
                // read until the buffer is full or the file ends
            }
            List<String> lines = new ArrayList<>(List.of(new String(buffer.array(), 0, buffer.position(),
                    StandardCharsets.UTF_8).split("\n")));
            if (start > 0 && !lines.isEmpty()) {
                lines.remove(0); // cut in the middle
            }
            return lines;
        }
    }

    /** A guard log line: {@code <time> session=<id> event=<event> at-ms=<epoch ms> pid=<pid> why=<why> ...}. */
    static Optional<GuardReport> parseGuardLine(String line, String sessionField) {
        String[] fields = line.trim().split(" ");
        if (fields.length < 4 || !fields[1].equals(sessionField)) {
            return Optional.empty();
        }
        GuardReport.Event event;
        switch (fields[2]) {
            case "event=thawing":
                event = GuardReport.Event.THAWING;
                break;
            case "event=thawed":
                event = GuardReport.Event.THAWED;
                break;
            case "event=gone":
                event = GuardReport.Event.GONE;
                break;
            case "event=gave-up":
                event = GuardReport.Event.GAVE_UP;
                break;
            default:
                return Optional.empty();
        }
        if (!fields[3].startsWith("at-ms=")) {
            return Optional.empty();
        }
        Instant at;
        try {
            at = Instant.ofEpochMilli(Long.parseLong(fields[3].substring("at-ms=".length())));
        } catch (NumberFormatException e) {
            return Optional.empty();
        }
        String why = "";
        for (String field : fields) {
            if (field.startsWith("why=")) {
                why = field.substring("why=".length());
            }
        }
        return Optional.of(new GuardReport(event, at, why));
    }

    private static Object lockOf(Path file) {
        return FILE_LOCKS.computeIfAbsent(file, f -> new Object());
    }

    private void ensureDirectory() throws IOException {
        if (Files.isDirectory(directory)) {
            return;
        }
        try {
            Files.createDirectories(directory, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rwx------")));
        } catch (UnsupportedOperationException e) {
            Files.createDirectories(directory);
        } catch (FileAlreadyExistsException e) {
            if (!Files.isDirectory(directory)) {
                throw e;
            }
        }
    }

    private void syncDirectory() throws IOException {
        try (FileChannel dir = FileChannel.open(directory, StandardOpenOption.READ)) {
            dir.force(true);
        }
    }

    private void deleteIfStale(Path temp) {
        try {
            FileTime modified = Files.getLastModifiedTime(temp);
            if (modified.toInstant().isBefore(Instant.now().minus(STALE_TEMP_AGE))) {
                Files.deleteIfExists(temp);
            }
        } catch (IOException e) {
            LOG.debug("Could not clean up journal temporary file {}: {}", temp, e.toString());
        }
    }

    private static JournalEntry readFile(Path file, String domainName) throws IOException {
        byte[] content;
        try {
            content = Files.readAllBytes(file);
        } catch (NoSuchFileException e) {
            return null;
        }
        return parse(new String(content, StandardCharsets.UTF_8), domainName, file);
    }

    static String toJson(JournalEntry entry) {
        JsonObject json = new JsonObject();
        json.addProperty("format", FORMAT);
        json.addProperty("domain", entry.domainName());
        json.addProperty("session", entry.sessionId());
        json.addProperty("ownerPid", entry.owner().pid());
        entry.owner().startedAt().ifPresent(t -> json.addProperty("ownerStartedAt", t.toString()));
        json.addProperty("host", entry.host());
        json.addProperty("freezeStartedAt", entry.freezeStartedAt().toString());
        json.addProperty("maxFrozenWindowMs", entry.maxFrozenWindow().toMillis());
        JsonArray mountPoints = new JsonArray();
        entry.mountPoints().forEach(mountPoints::add);
        json.add("mountPoints", mountPoints);
        return json.toString() + "\n";
    }

    static JournalEntry parse(String text, String domainName, Path file) throws JournalCorruptException {
        try {
            JsonObject json = JsonParser.parseString(text).getAsJsonObject();
            int format = json.get("format").getAsInt();
            if (format != FORMAT) {
                throw new JournalCorruptException(file, "unknown format " + format);
            }
            String recordedDomain = json.get("domain").getAsString();
            if (!recordedDomain.equals(domainName)) {
                throw new JournalCorruptException(file, "entry names domain '" + recordedDomain + "' but the file is for '" + domainName + "'");
            }
            JsonElement startedAt = json.get("ownerStartedAt");
            JournalOwner owner = JournalOwner.of(json.get("ownerPid").getAsLong(),
                    startedAt == null || startedAt.isJsonNull() ? null : Instant.parse(startedAt.getAsString()));
            List<String> mountPoints = new ArrayList<>();
            for (JsonElement mountPoint : json.getAsJsonArray("mountPoints")) {
                mountPoints.add(mountPoint.getAsString());
            }
            JsonElement host = json.get("host");
            return new JournalEntry(recordedDomain, json.get("session").getAsString(), owner,
                    host == null || host.isJsonNull() ? "" : host.getAsString(),
                    Instant.parse(json.get("freezeStartedAt").getAsString()),
                    Duration.ofMillis(json.get("maxFrozenWindowMs").getAsLong()), mountPoints);
        } catch (JournalCorruptException e) {
            throw e;
        } catch (JsonParseException | IllegalStateException | UnsupportedOperationException | NullPointerException
                | ClassCastException | NumberFormatException | java.time.format.DateTimeParseException e) {
            throw new JournalCorruptException(file, "unreadable entry (" + e.getClass().getSimpleName() + ": " + e.getMessage() + ")");
        }
    }

    static String encode(String domainName) {
        byte[] bytes = domainName.getBytes(StandardCharsets.UTF_8);
        StringBuilder encoded = new StringBuilder(bytes.length);
        for (int i = 0; i < bytes.length; i++) {
            int b = bytes[i] & 0xff;
            boolean plain = (b >= 'A' && b <= 'Z') || (b >= 'a' && b <= 'z') || (b >= '0' && b <= '9') || b == '_' || b == '-'
                    || (b == '.' && i > 0);
            if (plain) {
                encoded.append((char) b);
            } else {
                encoded.append('%').append(Character.toUpperCase(Character.forDigit(b >> 4, 16)))
                        .append(Character.toUpperCase(Character.forDigit(b & 0xf, 16)));
            }
        }
        return encoded.toString();
    }

    /** The domain name of an encoded file name, or null when it is not one. */
    static String decode(String encoded) {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream(encoded.length());
        for (int i = 0; i < encoded.length(); i++) {
            char c = encoded.charAt(i);
            if (c == '%') {
                if (i + 2 >= encoded.length()) {
                    return null;
                }
                int high = Character.digit(encoded.charAt(i + 1), 16);
                int low = Character.digit(encoded.charAt(i + 2), 16);
                if (high < 0 || low < 0) {
                    return null;
                }
                bytes.write(high << 4 | low);
                i += 2;
            } else if (c < 0x80) {
                bytes.write(c);
            } else {
                return null;
            }
        }
        String decoded = new String(bytes.toByteArray(), StandardCharsets.UTF_8);
        return decoded.isEmpty() || !encode(decoded).equals(encoded) ? null : decoded;
    }
}
