// Licensed under the Apache License, Version 2.0. See LICENSE in the project root.
package io.elastisnap.transfer;

import io.elastisnap.elasticenter.ElastiCenterClient;
import io.elastisnap.elasticenter.ElastiCenterException;
import io.elastisnap.elasticenter.FileSystem;
import org.apache.logging.log4j.LogManager;
import org.apache.logging.log4j.Logger;

import java.nio.file.Path;
import java.security.SecureRandom;
import java.util.List;
import java.util.Optional;

/**
 * A temporary array volume cloned from a snapshot so its data can be read (a ZFS snapshot has no LUN of its own).
 * Uniquely named {@code esxfer<16 hex>}, journaled before it is asked for, and always deleted: by {@link #close()},
 * or, if this process dies first, by {@link TransferRecovery} at the next start.
 */
public final class TemporaryClone implements AutoCloseable {
    /** Every temporary clone's name starts so; reconcile reports array volumes so named that no journal entry knows. */
    public static final String NAME_PREFIX = "esxfer";
    private static final Logger LOG = LogManager.getLogger(TemporaryClone.class);
    private static final SecureRandom RANDOM = new SecureRandom();

    private final ElastiCenterClient client;
    private final TransferJournal journal;
    private final TransferJournal.Entry entry;
    private final FileSystem volume;
    private boolean closed;

    private TemporaryClone(ElastiCenterClient client, TransferJournal journal, TransferJournal.Entry entry, FileSystem volume) {
        this.client = client;
        this.journal = journal;
        this.entry = entry;
        this.volume = volume;
    }

    /**
     * Clones {@code snapshotPath} of {@code volumeId}. The journal entry also lists {@code incompleteFiles} (the files
     * the copy will write), so a restart after a crash removes both. On failure nothing is left: a clone the array
     * made despite an error answer is found by its name and deleted.
     */
    public static TemporaryClone create(ElastiCenterClient client, TransferJournal journal, String purpose,
                                        String volumeId, String snapshotPath, List<Path> incompleteFiles) {
        String name = newName();
        TransferJournal.Entry entry = journal.begin(purpose, volumeId, snapshotPath, name, incompleteFiles);
        try {
            FileSystem clone = client.cloneDatasetSnapshot(volumeId, snapshotPath, name);
            journal.cloneCreated(entry, clone.id());
            LOG.info("temporary clone {} ({}) of {} for {}", name, clone.id(), snapshotPath, purpose);
            return new TemporaryClone(client, journal, entry, clone);
        } catch (ElastiCenterException e) {
            boolean gone = deleteByName(client, name);
            if (gone) {
                journal.finish(entry);
            }
            throw new TransferException(TransferException.Kind.ARRAY_FAILED, "cloning snapshot " + snapshotPath
                    + " for " + purpose + " failed: " + e.getMessage(), gone ? "retry; nothing was left on the array"
                    : "retry; 'reconcile' removes the clone " + name + " if the array made it", e);
        }
    }

    static String newName() {
        byte[] random = new byte[8];
        RANDOM.nextBytes(random);
        return NAME_PREFIX + Sha256.hex(random);
    }

    /** Deletes the clone named {@code name} if the array has it; true when it is (now) absent. */
    static boolean deleteByName(ElastiCenterClient client, String name) {
        try {
            Optional<FileSystem> made = client.listFileSystems(null).stream().filter(f -> f.name().equals(name)).findFirst();
            if (made.isPresent()) {
                client.deleteFileSystem(made.get().id(), true);
            }
            return true;
        } catch (ElastiCenterException e) {
            LOG.warn("could not check for or delete temporary clone {}: {}", name, e.getMessage());
            return false;
        }
    }

    /** The clone as the array describes it (id, name, iqn, address). */
    public FileSystem volume() {
        return volume;
    }

    /** Deletes the clone and ends the journal entry. A clone that cannot be deleted stays journaled for reconcile. */
    @Override
    public void close() {
        if (closed) {
            return;
        }
        closed = true;
        try {
            client.deleteFileSystem(volume.id(), true);
            journal.cloneDeleted(entry);
            journal.finish(entry);
        } catch (ElastiCenterException e) {
            throw new TransferException(TransferException.Kind.ARRAY_FAILED, "could not delete temporary clone "
                    + volume.name() + " (" + volume.id() + "): " + e.getMessage(),
                    "'elastisnap reconcile' deletes it (it is journaled)", e);
        }
    }
}
