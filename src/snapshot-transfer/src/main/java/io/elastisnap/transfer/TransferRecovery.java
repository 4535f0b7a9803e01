// Licensed under the Apache License, Version 2.0. See LICENSE in the project root.
package io.elastisnap.transfer;

import io.elastisnap.elasticenter.ElastiCenterClient;
import io.elastisnap.elasticenter.ElastiCenterException;
import io.elastisnap.elasticenter.FileSystem;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.stream.Collectors;

/**
 * Finishes what dead transfers left: for every journal entry whose process is gone, deletes its temporary clone on
 * the array and its incomplete files, then the entry. Also reports clones named {@link TemporaryClone#NAME_PREFIX}
 * that no entry knows (e.g. made by another host), without touching them.
 */
public final class TransferRecovery {
    /** Names of things not complete yet end so (files and export directories). */
    public static final String PARTIAL_SUFFIX = ".partial";
    private final TransferJournal journal;
    private final ElastiCenterClient client;

    public TransferRecovery(TransferJournal journal, ElastiCenterClient client) {
        this.journal = journal;
        this.client = client;
    }

    /** What recovery found, one line each, and what is still left. */
    public static final class Result {
        public final List<String> removed = new ArrayList<>();
        public final List<String> leftovers = new ArrayList<>();
    }

    public Result recover() {
        Result result = new Result();
        List<TransferJournal.Entry> entries;
        try {
            entries = journal.list();
        } catch (IOException e) {
            throw new TransferException(TransferException.Kind.FAILED, "cannot read the transfer journal in "
                    + journal.directory() + ": " + e.getMessage(), "make it readable");
        }
        for (TransferJournal.Entry e : entries) {
            if (e.ownerAlive()) {
                continue;
            }
            boolean clean = removeClone(e, result);
            for (Path f : e.incompleteFiles()) {
                clean &= removeIncomplete(f, result);
            }
            if (clean) {
                journal.finish(e);
            }
        }
        reportUnknownClones(result);
        return result;
    }

    private boolean removeClone(TransferJournal.Entry e, Result result) {
        if (e.cloneName().isEmpty()) {
            return true;
        }
        String name = e.cloneName().get();
        String what = "temporary clone " + name + " of " + e.snapshotPath() + " (" + e.purpose() + " by pid " + e.pid()
                + ", started " + e.started() + ")";
        if (TemporaryClone.deleteByName(client, name)) {
            result.removed.add(what + ": deleted from the array (or never made)");
            return true;
        }
        result.leftovers.add(what + ": still on the array, could not delete it now");
        return false;
    }

    /** A directory whose name ends in {@code .partial} is removed whole; any other only when empty. */
    private static boolean removeIncomplete(Path f, Result result) {
        try {
            if (Files.isDirectory(f) && f.getFileName().toString().endsWith(PARTIAL_SUFFIX)) {
                deleteTree(f);
                result.removed.add("incomplete directory " + f + ": removed");
                return true;
            }
            if (Files.isDirectory(f)) {
                try (var children = Files.list(f)) {
                    if (children.findAny().isPresent()) {
                        result.leftovers.add("incomplete directory " + f + " is not empty; left in place");
                        return true;
                    }
                }
            }
            String kind = Files.isDirectory(f) ? "directory " : "file ";
            if (Files.deleteIfExists(f)) {
                result.removed.add("incomplete " + kind + f + ": removed");
            }
            return true;
        } catch (IOException ex) {
            result.leftovers.add("incomplete file " + f + ": could not remove it: " + ex.getMessage());
            return false;
        }
    }

    /** Removes a directory and everything in it. */
    public static void deleteTree(Path dir) throws IOException {
        try (var walk = Files.walk(dir)) {
            for (Path p : (Iterable<Path>) walk.sorted(java.util.Comparator.reverseOrder())::iterator) {
                Files.deleteIfExists(p);
            }
        }
    }

    private void reportUnknownClones(Result result) {
        try {
            Set<String> journaled = journal.list().stream().map(e -> e.cloneName().orElse(""))
                    .collect(Collectors.toSet());
            for (FileSystem f : client.listFileSystems(null)) {
                if (f.name().startsWith(TemporaryClone.NAME_PREFIX) && !journaled.contains(f.name())) {
                    result.leftovers.add("array volume " + f.name() + " (" + f.id() + ") looks like a temporary clone"
                            + " no transfer journal here knows; if no other host is copying, delete it");
                }
            }
        } catch (IOException | ElastiCenterException e) {
            result.leftovers.add("could not list the array's volumes to look for stray temporary clones: " + e.getMessage());
        }
    }
}
