// Licensed under the Apache License, Version 2.0. See LICENSE in the project root.
package io.elastisnap.engine.pool;

import io.elastisnap.engine.ArraySnapshot;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.UUID;
import org.apache.logging.log4j.LogManager;
import org.apache.logging.log4j.Logger;

/**
 * Brings back one VM volume from a pool snapshot without touching anything else on the pool: clone the pool snapshot
 * into a temporary volume, attach it and mount its file system (a read-write mount replays the journal the crash-
 * consistent host file system needs; XFS gets {@code nouuid}, since the clone has its original's UUID), copy the
 * volume's file out with {@code qemu-img convert} into a temporary file beside the target, rename it into place, then
 * unmount, detach and delete the clone. Every step is undone on failure, newest first; what the undo could not do is
 * in the exception's message. Each step is journaled before it is taken, so {@link #recoverInterrupted()} finishes a
 * restore whose process was killed.
 */
public final class VolumeRestore {
    private static final Logger LOG = LogManager.getLogger(VolumeRestore.class);
    private static final Duration STEP_TIMEOUT = Duration.ofMinutes(2);
    private static final Duration COPY_TIMEOUT = Duration.ofHours(6);
    /** Clone volumes of restores are named apart, so a crashed restore's clone is found by name. */
    public static final String CLONE_PREFIX = "esnap-restore-";

    private final PoolArray array;
    private final CloneHost cloneHost;
    private final PoolSnapshotLedger ledger;
    private final Path workDirectory;
    private final RestoreJournal journal;

    /**
     * @param workDirectory where clones are mounted (a directory per restore, removed afterwards)
     */
    public VolumeRestore(PoolArray array, CloneHost cloneHost, PoolSnapshotLedger ledger, Path workDirectory) {
        this.array = Objects.requireNonNull(array, "array");
        this.cloneHost = Objects.requireNonNull(cloneHost, "cloneHost");
        this.ledger = Objects.requireNonNull(ledger, "ledger");
        this.workDirectory = Objects.requireNonNull(workDirectory, "workDirectory");
        this.journal = new RestoreJournal(ledger.directory().resolve("restores"));
    }

    /** Where the time went. */
    public static final class Timings {
        public final Duration clone;
        public final Duration attachAndMount;
        public final Duration copy;
        public final Duration cleanUp;
        public final Duration total;
        public final long bytesCopied;

        Timings(long[] marks, long bytesCopied) {
            clone = Duration.ofNanos(marks[1] - marks[0]);
            attachAndMount = Duration.ofNanos(marks[2] - marks[1]);
            copy = Duration.ofNanos(marks[3] - marks[2]);
            cleanUp = Duration.ofNanos(marks[4] - marks[3]);
            total = Duration.ofNanos(marks[4] - marks[0]);
            this.bytesCopied = bytesCopied;
        }

        @Override
        public String toString() {
            return "clone " + clone.toMillis() + " ms, attach+mount " + attachAndMount.toMillis() + " ms, copy "
                    + copy.toMillis() + " ms, clean-up " + cleanUp.toMillis() + " ms, total " + total.toMillis() + " ms";
        }
    }

    /**
     * Writes the volume's file as it was in its pool snapshot over {@code target} (its current file, for a restore;
     * the caller makes sure no running VM uses it), or into a new file (volume from snapshot).
     *
     * @param refId     the VM volume snapshot, {@code <group>/<domain>/<disk>}
     * @param target    the file to write; it is replaced in one rename
     * @param overwrite false: refuse when {@code target} exists (a new volume must not replace a file)
     */
    public Timings restore(String refId, Path target, boolean overwrite) throws IOException {
        PoolSnapshotLedger.Entry entry = ledger.entryOf(refId).orElseThrow(() -> new IllegalArgumentException(
                "no committed pool snapshot is referenced by " + refId + " in " + ledger.directory()));
        PoolSnapshotRef ref = entry.refs().stream().filter(r -> r.id().equals(refId)).findFirst().orElseThrow();
        return restore(entry.snapshot().orElseThrow(), ref.file(), target, overwrite, refId);
    }

    /**
     * The same for a pool snapshot whose references another owner keeps (CloudStack's snapshot details, after
     * {@link PoolSnapshotLedger#handOver}): the snapshot and the file's path relative to the pool's mount point are
     * given instead of being read from the ledger.
     */
    public Timings restore(ArraySnapshot snapshot, String relativeFile, Path target, boolean overwrite) throws IOException {
        return restore(snapshot, relativeFile, target, overwrite, snapshot.snapshotName() + ":" + relativeFile);
    }

    private Timings restore(ArraySnapshot snapshot, String relativeFile, Path target, boolean overwrite, String label)
            throws IOException {
        if (!overwrite && Files.exists(target)) {
            throw new IllegalArgumentException(target + " exists; a volume from a snapshot goes into a new file (choose another path)");
        }
        if (!Files.isDirectory(target.toAbsolutePath().getParent())) {
            throw new IllegalArgumentException("the directory of " + target + " does not exist");
        }
        long[] marks = new long[5];
        List<Undo> undo = new ArrayList<>();
        String tag = UUID.randomUUID().toString().substring(0, 8);
        Path partial = target.resolveSibling(target.getFileName() + ".esnap-restore-" + tag);
        Path mount = workDirectory.resolve("clone-" + tag);
        RestoreJournal.Record record = new RestoreJournal.Record(tag, CLONE_PREFIX + tag, mount, partial);
        journal.write(record);
        marks[0] = System.nanoTime();
        try {
            String cloneId = array.cloneSnapshot(snapshot, record.cloneName);
            undo.add(new Undo("delete clone volume " + cloneId, () -> array.deleteClone(cloneId)));
            record.cloneVolumeId = cloneId;
            journal.write(record);
            marks[1] = System.nanoTime();
            Path device = cloneHost.attach(cloneId);
            undo.add(new Undo("detach " + device, () -> cloneHost.detach(device, cloneId)));
            record.device = device.toString();
            journal.write(record);
            Files.createDirectories(mount);
            undo.add(new Undo("remove " + mount, () -> Files.deleteIfExists(mount)));
            cloneHost.mount(device, mount);
            undo.add(new Undo("unmount " + mount, () -> HostCommand.run(STEP_TIMEOUT, "umount", mount.toString())));
            marks[2] = System.nanoTime();
            Path source = mount.resolve(relativeFile).normalize();
            if (!source.startsWith(mount) || !Files.isRegularFile(source)) {
                throw new IOException("the pool snapshot " + snapshot.path() + " has no file " + relativeFile
                        + " (the clone's file system mounted at " + mount + ")");
            }
            undo.add(new Undo("remove " + partial, () -> Files.deleteIfExists(partial)));
            String format = format(source);
            HostCommand.run(COPY_TIMEOUT, "qemu-img", "convert", "-f", format, "-O", format, source.toString(), partial.toString());
            HostCommand.run(STEP_TIMEOUT, "sync", partial.toString());
            long bytes = Files.size(partial);
            if (overwrite) {
                Files.move(partial, target, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
            } else {
                Files.move(partial, target, StandardCopyOption.ATOMIC_MOVE);
            }
            marks[3] = System.nanoTime();
            undoAll(undo, null);
            journal.remove(tag);
            marks[4] = System.nanoTime();
            Timings timings = new Timings(marks, bytes);
            LOG.info("Restored {} ({}) from {} into {}: {}", label, relativeFile, snapshot.path(), target, timings);
            return timings;
        } catch (IOException | RuntimeException e) {
            if (undoAll(undo, e)) {
                journal.remove(tag);
            }
            throw e;
        }
    }

    /**
     * Finishes restores whose process died (kill -9, host crash): unmounts the clone, detaches it, deletes the clone
     * volume (found by name if its id was not learnt yet) and the partial file. Restores of live processes are left
     * alone. A pool snapshot with a clone cannot be deleted on the array, so run this before the ledger's reconcile.
     *
     * @return one line per restore finished
     */
    public List<String> recoverInterrupted() throws IOException {
        List<String> done = new ArrayList<>();
        for (RestoreJournal.Record r : journal.list()) {
            if (r.owner().isAlive()) {
                continue;
            }
            Path mount = Path.of(r.mount);
            if (MountTable.isMountPoint(mount)) {
                HostCommand.run(STEP_TIMEOUT, "umount", mount.toString());
            }
            String cloneId = r.cloneVolumeId != null ? r.cloneVolumeId : array.findClone(r.cloneName).orElse(null);
            if (cloneId != null) {
                cloneHost.detach(r.device == null ? null : Path.of(r.device), cloneId);
            }
            if (cloneId != null) {
                array.deleteClone(cloneId);
            }
            Files.deleteIfExists(Path.of(r.partial));
            Files.deleteIfExists(mount);
            journal.remove(r.tag);
            done.add(r + ": cleaned up after its process (" + r.owner() + ") died");
        }
        return done;
    }

    private static String format(Path image) throws IOException {
        String json = HostCommand.run(STEP_TIMEOUT, "qemu-img", "info", "--output=json", image.toString());
        java.util.regex.Matcher m = java.util.regex.Pattern.compile("\"format\"\\s*:\\s*\"([a-z0-9]+)\"").matcher(json);
        if (!m.find()) {
            throw new IOException("qemu-img info " + image + " names no format: " + json);
        }
        return m.group(1);
    }

    /** One compensating step. */
    private static final class Undo {
        final String what;
        final Step step;

        Undo(String what, Step step) {
            this.what = what;
            this.step = step;
        }
    }

    @FunctionalInterface
    private interface Step {
        void run() throws IOException;
    }

    /**
     * Newest first; every step is tried; failures are added to {@code failure} (or thrown when there is none).
     *
     * @return true when nothing was left to do
     */
    private static boolean undoAll(List<Undo> undo, Exception failure) throws IOException {
        List<String> left = new ArrayList<>();
        for (int i = undo.size() - 1; i >= 0; i--) {
            try {
                undo.get(i).step.run();
            } catch (IOException | RuntimeException e) {
                left.add(undo.get(i).what + " (" + e.getMessage() + ")");
            }
        }
        if (left.isEmpty()) {
            return true;
        }
        String message = "clean-up left work to do (reconcile retries it): " + String.join("; ", left);
        LOG.error(message);
        if (failure != null) {
            failure.addSuppressed(new IOException(message));
            return false;
        }
        throw new IOException(message);
    }
}
