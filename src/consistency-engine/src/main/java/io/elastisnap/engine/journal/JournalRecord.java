// Licensed under the Apache License, Version 2.0. See LICENSE in the project root.
package io.elastisnap.engine.journal;

import java.nio.file.Path;
import java.util.Optional;

/**
 * One file in the journal directory. The domain comes from the file name, so even an unreadable (corrupt) entry
 * still says which domain may have been left frozen.
 */
public final class JournalRecord {
    private final String domainName;
    private final boolean namesDomain;
    private final Path file;
    private final JournalEntry entry;
    private final String problem;

    JournalRecord(String domainName, boolean namesDomain, Path file, JournalEntry entry, String problem) {
        this.domainName = domainName;
        this.namesDomain = namesDomain;
        this.file = file;
        this.entry = entry;
        this.problem = problem;
    }

    /** The domain the file is for (or the raw file name when {@link #namesDomain()} is false). */
    public String domainName() {
        return domainName;
    }

    /** False when the file name is not an encoded domain name (a stray or damaged file). */
    public boolean namesDomain() {
        return namesDomain;
    }

    public Path file() {
        return file;
    }

    /** The parsed entry; empty when the file is corrupt (see {@link #problem()}). */
    public Optional<JournalEntry> entry() {
        return Optional.ofNullable(entry);
    }

    /** Why the file could not be parsed. */
    public Optional<String> problem() {
        return Optional.ofNullable(problem);
    }

    @Override
    public String toString() {
        return "JournalRecord[" + domainName + ", " + file + (problem == null ? ", " + entry : ", corrupt: " + problem) + "]";
    }
}
