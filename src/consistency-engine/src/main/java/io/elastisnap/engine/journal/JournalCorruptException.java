// Licensed under the Apache License, Version 2.0. See LICENSE in the project root.
package io.elastisnap.engine.journal;

import java.io.IOException;
import java.nio.file.Path;

/** A journal file exists but cannot be parsed. */
public final class JournalCorruptException extends IOException {
    private static final long serialVersionUID = 1L;

    JournalCorruptException(Path file, String problem) {
        super("journal file " + file + ": " + problem);
    }
}
