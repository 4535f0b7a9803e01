// Licensed under the Apache License, Version 2.0. See LICENSE in the project root.
package io.elastisnap.engine.pool;

import com.google.gson.Gson;
import com.google.gson.GsonBuilder;
import com.google.gson.JsonParseException;
import io.elastisnap.engine.ArraySnapshot;
import io.elastisnap.engine.journal.JournalOwner;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentMap;
import java.util.function.Supplier;
import org.apache.logging.log4j.LogManager;
import org.apache.logging.log4j.Logger;

/**
 * The reference count of pool snapshots, on disk: one fsync'd JSON file per pool snapshot, naming the VM volume
 * snapshots that refer to it. A pool snapshot is deleted on the array only when its last reference is released, and
 * every step is written before it is taken, so a crash anywhere leaves a file that {@link #reconcile} finishes:
 * <ul>
 *   <li>{@code PENDING} is written before the freeze (so no array snapshot exists that the ledger does not name); a
 *       PENDING entry of a dead process is a group that never completed: its snapshot, if any, is deleted by name;</li>
 *   <li>{@code COMMITTED} once every member of the group succeeded: from then on only {@link #release} removes
 *       references, and only an entry with none left is deleted;</li>
 *   <li>{@code DELETING} is written before the array delete, so a crash between the two is finished by reconcile.</li>
 * </ul>
 * Changes are locked (within the process and across processes), written to a temporary file, fsync'd, renamed over
 * the entry, and the directory is fsync'd.
 */
public final class PoolSnapshotLedger {
    private static final Logger LOG = LogManager.getLogger(PoolSnapshotLedger.class);
    private static final Gson GSON = new GsonBuilder().setPrettyPrinting().disableHtmlEscaping().create();
    private static final ConcurrentMap<Path, Object> PROCESS_LOCKS = new ConcurrentHashMap<>();
    private static final String SUFFIX = ".pool-snapshot.json";

    /** Where an entry is in its life. */
    public enum State { PENDING, COMMITTED, DELETING }

    /** One pool snapshot and the VM volume snapshots referring to it. Field names are the file format. */
    public static final class Entry {
        private String poolVolumeId;
        private String snapshotName;
        private String path;
        private String snapshotId;
        private String groupId;
        private State state;
        private long ownerPid;
        private String ownerStartedAt;
        private String created;
        private List<PoolSnapshotRef> refs = new ArrayList<>();

        Entry(String poolVolumeId, String snapshotName, String groupId, List<PoolSnapshotRef> refs) {
            this.poolVolumeId = poolVolumeId;
            this.snapshotName = snapshotName;
            this.groupId = groupId;
            this.refs = new ArrayList<>(refs);
            this.state = State.PENDING;
            this.created = Instant.now().toString();
            ownedByThisProcess();
        }

        public String poolVolumeId() {
            return poolVolumeId;
        }

        public String snapshotName() {
            return snapshotName;
        }

        public String groupId() {
            return groupId;
        }

        public State state() {
            return state;
        }

        public Instant created() {
            return Instant.parse(created);
        }

        /** The array snapshot, once committed. */
        public Optional<ArraySnapshot> snapshot() {
            return path == null ? Optional.empty()
                    : Optional.of(new ArraySnapshot(poolVolumeId, snapshotName, path, snapshotId));
        }

        public List<PoolSnapshotRef> refs() {
            return Collections.unmodifiableList(refs);
        }

        /** The process that wrote the entry's current state. */
        public JournalOwner owner() {
            return JournalOwner.of(ownerPid, ownerStartedAt == null ? null : Instant.parse(ownerStartedAt));
        }

        private void ownedByThisProcess() {
            JournalOwner me = JournalOwner.current();
            ownerPid = me.pid();
            ownerStartedAt = me.startedAt().map(Instant::toString).orElse(null);
        }

        private boolean valid() {
            if (poolVolumeId == null || snapshotName == null || state == null || refs == null || created == null) {
                return false;
            }
            try {
                created();
                owner();
            } catch (RuntimeException e) {
                return false;
            }
            return refs.stream().allMatch(r -> r != null && r.valid());
        }

        @Override
        public String toString() {
            return "pool snapshot " + poolVolumeId + "@" + snapshotName + " (" + state + ", " + refs.size() + " reference(s))";
        }
    }

    /** What {@link #release} did. */
    public static final class Released {
        private final Entry entry;
        private final boolean deletedOnArray;

        Released(Entry entry, boolean deletedOnArray) {
            this.entry = entry;
            this.deletedOnArray = deletedOnArray;
        }

        /** The pool snapshot the reference pointed to (its references as left after the release). */
        public Entry entry() {
            return entry;
        }

        /** Whether that was the last reference, so the pool snapshot was deleted on the array. */
        public boolean deletedOnArray() {
            return deletedOnArray;
        }
    }

    /** What {@link #reconcile} found and did. */
    public static final class Reconciled {
        /** Entries of dead processes, or with no reference left, whose array snapshot was deleted (or was gone). */
        public final List<String> deleted = new ArrayList<>();
        /** Entries a live process is still working on; left alone. */
        public final List<String> inProgress = new ArrayList<>();
        /** Entries whose array delete failed; they stay for the next reconcile. */
        public final List<String> failed = new ArrayList<>();
    }

    private final Path directory;

    public PoolSnapshotLedger(Path directory) {
        this.directory = directory.toAbsolutePath().normalize();
    }

    public Path directory() {
        return directory;
    }

    /**
     * Writes PENDING entries for one group, before anything is frozen or created.
     *
     * @throws IllegalStateException when a pool snapshot of that name is already in the ledger
     */
    public void begin(String groupId, String snapshotName, List<String> poolVolumeIds, List<PoolSnapshotRef> refs) {
        locked(() -> {
            for (String pool : poolVolumeIds) {
                if (Files.exists(fileOf(pool, snapshotName))) {
                    throw new IllegalStateException("the ledger already has pool snapshot " + pool + "@" + snapshotName
                            + " (in " + directory + "); choose another group id");
                }
            }
            for (String pool : poolVolumeIds) {
                List<PoolSnapshotRef> poolRefs = new ArrayList<>();
                refs.stream().filter(r -> r.poolVolumeId().equals(pool)).forEach(poolRefs::add);
                write(new Entry(pool, snapshotName, groupId, poolRefs));
            }
            return null;
        });
    }

    /** The group succeeded: the pool snapshot is taken and its references count from now on. */
    public void commit(ArraySnapshot snapshot) {
        locked(() -> {
            Entry entry = read(fileOf(snapshot.volumeId(), snapshot.snapshotName())).orElseThrow(() -> new IllegalStateException(
                    "no ledger entry for pool snapshot " + snapshot.volumeId() + "@" + snapshot.snapshotName()));
            entry.path = snapshot.path();
            entry.snapshotId = snapshot.snapshotId().orElse(null);
            entry.state = State.COMMITTED;
            entry.ownedByThisProcess();
            write(entry);
            return null;
        });
    }

    /**
     * A group that failed: deletes its pool snapshot on the array (the one given, or whatever carries its name) and
     * then the entry. If the array delete fails the entry stays DELETING for {@link #reconcile}.
     */
    public void discard(String poolVolumeId, String snapshotName, PoolArray array) {
        Entry entry = locked(() -> {
            Optional<Entry> found = read(fileOf(poolVolumeId, snapshotName));
            found.ifPresent(e -> {
                e.state = State.DELETING;
                e.ownedByThisProcess();
                write(e);
            });
            return found.orElse(null);
        });
        if (entry != null) {
            deleteOnArrayThenForget(entry, array);
        }
    }

    /**
     * Releases one VM volume snapshot's reference; deletes the pool snapshot on the array when it was the last.
     *
     * @throws IllegalArgumentException when no committed entry holds that reference
     * @throws RuntimeException from the array delete; the entry then stays DELETING for {@link #reconcile}
     */
    public Released release(String refId, PoolArray array) {
        Entry entry = locked(() -> {
            Entry holder = null;
            for (Entry e : readAll()) {
                if (e.state == State.COMMITTED && e.refs.stream().anyMatch(r -> r.id().equals(refId))) {
                    holder = e;
                }
            }
            if (holder == null) {
                throw new IllegalArgumentException("no pool snapshot in " + directory + " is referenced by " + refId);
            }
            holder.refs.removeIf(r -> r.id().equals(refId));
            if (holder.refs.isEmpty()) {
                holder.state = State.DELETING;
                holder.ownedByThisProcess();
            }
            write(holder);
            return holder;
        });
        if (entry.state != State.DELETING) {
            LOG.info("Released {}; {} stays ({} reference(s) left)", refId, entry, entry.refs.size());
            return new Released(entry, false);
        }
        deleteOnArrayThenForget(entry, array);
        LOG.info("Released {}, the last reference: deleted pool snapshot {}@{}", refId, entry.poolVolumeId, entry.snapshotName);
        return new Released(entry, true);
    }

    /**
     * The group succeeded and its references are kept elsewhere from now on (CloudStack's snapshot details, which also
     * count them): the entry goes, the pool snapshot stays on the array. Without this, a host-side {@code release} or
     * reconcile could delete a pool snapshot the other owner still refers to.
     *
     * @throws IllegalStateException when no committed entry exists for that pool snapshot
     */
    public void handOver(ArraySnapshot snapshot) {
        locked(() -> {
            Path file = fileOf(snapshot.volumeId(), snapshot.snapshotName());
            Entry entry = read(file).filter(e -> e.state == State.COMMITTED).orElseThrow(() -> new IllegalStateException(
                    "no committed ledger entry for pool snapshot " + snapshot.volumeId() + "@" + snapshot.snapshotName()));
            try {
                Files.delete(file);
                DurableFiles.syncDirectory(directory);
            } catch (IOException e) {
                throw new UncheckedIOException("cannot hand over " + entry + ": " + e.getMessage(), e);
            }
            return null;
        });
    }

    /** Every entry, oldest first. */
    public List<Entry> entries() {
        List<Entry> all = readAll();
        all.sort((a, b) -> a.created.compareTo(b.created));
        return all;
    }

    /** The committed entry holding this reference, if any. */
    public Optional<Entry> entryOf(String refId) {
        return readAll().stream().filter(e -> e.state == State.COMMITTED)
                .filter(e -> e.refs.stream().anyMatch(r -> r.id().equals(refId))).findFirst();
    }

    /**
     * Finishes what was left: a PENDING entry of a dead process (a group that never completed), a DELETING entry and a
     * COMMITTED one without references lose their array snapshot (found by name) and then their file. Nothing refers
     * to those, and the array delete is idempotent, so a DELETING entry a live process is still deleting is safe to
     * finish too. A PENDING entry of a live process is that process's group in progress and is left alone.
     */
    public Reconciled reconcile(PoolArray array) {
        return reconcile(array, null);
    }

    /**
     * {@link #reconcile(PoolArray)} for the entries of one pool volume only: what a process holding the client of that
     * volume's ElastiCenter, and no other, can finish (a host serving pools on several ElastiCenters).
     *
     * @param poolVolumeId null: every entry
     */
    public Reconciled reconcile(PoolArray array, String poolVolumeId) {
        Reconciled report = new Reconciled();
        for (Entry entry : entries()) {
            if (entry.state == State.COMMITTED && !entry.refs.isEmpty()
                    || poolVolumeId != null && !poolVolumeId.equals(entry.poolVolumeId)) {
                continue;
            }
            String name = entry.poolVolumeId + "@" + entry.snapshotName;
            if (entry.state == State.PENDING && entry.owner().isAlive()) {
                report.inProgress.add(name + " (" + entry.state + ", " + entry.owner() + ")");
                continue;
            }
            try {
                discard(entry.poolVolumeId, entry.snapshotName, array);
                report.deleted.add(name + " (was " + entry.state + ")");
            } catch (RuntimeException e) {
                report.failed.add(name + ": " + e.getMessage());
            }
        }
        return report;
    }

    private void deleteOnArrayThenForget(Entry entry, PoolArray array) {
        Optional<ArraySnapshot> snapshot = entry.snapshot();
        if (snapshot.isEmpty()) {
            snapshot = array.find(entry.poolVolumeId, entry.snapshotName);
        }
        snapshot.ifPresent(array::delete);
        locked(() -> {
            try {
                Files.deleteIfExists(fileOf(entry.poolVolumeId, entry.snapshotName));
                DurableFiles.syncDirectory(directory);
            } catch (IOException e) {
                throw new UncheckedIOException("cannot remove ledger entry " + entry + " in " + directory, e);
            }
            return null;
        });
    }

    // ---------------------------------------------------------------- files

    private <T> T locked(Supplier<T> work) {
        synchronized (PROCESS_LOCKS.computeIfAbsent(directory, d -> new Object())) {
            try {
                Files.createDirectories(directory);
                try (FileChannel lock = FileChannel.open(directory.resolve(".lock"), StandardOpenOption.CREATE,
                        StandardOpenOption.WRITE); java.nio.channels.FileLock held = lock.lock()) {
                    return work.get();
                }
            } catch (IOException e) {
                throw new UncheckedIOException("pool snapshot ledger " + directory + ": " + e.getMessage(), e);
            }
        }
    }

    private Path fileOf(String poolVolumeId, String snapshotName) {
        return directory.resolve(safe(poolVolumeId) + "@" + safe(snapshotName) + SUFFIX);
    }

    /** Bytes outside [A-Za-z0-9._-] as %XX, so every (volume, name) pair has its own file name. */
    private static String safe(String text) {
        StringBuilder b = new StringBuilder();
        for (byte c : text.getBytes(StandardCharsets.UTF_8)) {
            if ((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '.' || c == '_' || c == '-') {
                b.append((char) c);
            } else {
                b.append('%').append(String.format("%02X", c & 0xff));
            }
        }
        return b.toString();
    }

    private List<Entry> readAll() {
        List<Entry> all = new ArrayList<>();
        if (!Files.isDirectory(directory)) {
            return all;
        }
        try (DirectoryStream<Path> files = Files.newDirectoryStream(directory, "*" + SUFFIX)) {
            for (Path file : files) {
                read(file).ifPresent(all::add);
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot list the pool snapshot ledger " + directory, e);
        }
        return all;
    }

    private Optional<Entry> read(Path file) {
        String text;
        try {
            text = new String(Files.readAllBytes(file), StandardCharsets.UTF_8);
        } catch (NoSuchFileException e) {
            return Optional.empty();
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read ledger entry " + file, e);
        }
        Entry entry;
        try {
            entry = GSON.fromJson(text, Entry.class);
        } catch (JsonParseException e) {
            entry = null;
        }
        if (entry == null || !entry.valid()) {
            throw new IllegalStateException("ledger entry " + file + " is not a valid pool snapshot record; move it aside"
                    + " and run reconcile (its array snapshot, named in the file, may need deleting by hand)");
        }
        return Optional.of(entry);
    }

    private void write(Entry entry) {
        Path target = fileOf(entry.poolVolumeId, entry.snapshotName);
        try {
            DurableFiles.replace(target, GSON.toJson(entry));
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write ledger entry " + target, e);
        }
    }
}
