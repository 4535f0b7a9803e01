// Licensed under the Apache License, Version 2.0. See LICENSE in the project root.
package io.elastisnap.demo;

import com.google.gson.JsonObject;
import java.nio.file.Path;
import java.util.List;

/**
 * The ext4 file system inside a snapshot image, checked on the host. Why it proves the freeze: a mounted ext4 keeps
 * needs_recovery set while its journal may hold transactions; FIFREEZE commits the journal and clears it. A snapshot
 * taken inside a real freeze shows it clear and passes e2fsck -fn (forced, read-only) without a journal replay.
 */
final class SnapshotFileSystem {
    private final boolean needsRecovery;
    private final int e2fsckExit;
    private final String e2fsckOutput;

    private SnapshotFileSystem(boolean needsRecovery, int e2fsckExit, String e2fsckOutput) {
        this.needsRecovery = needsRecovery;
        this.e2fsckExit = e2fsckExit;
        this.e2fsckOutput = e2fsckOutput;
    }

    /** Reads the ext4 header (dumpe2fs -h) and runs e2fsck -fn on {@code image}; changes nothing. */
    static SnapshotFileSystem check(Path image) {
        HostTool header = HostTool.runOk(List.of("dumpe2fs", "-h", image.toString()));
        boolean needsRecovery = header.output.lines().filter(l -> l.startsWith("Filesystem features:"))
                .anyMatch(l -> l.contains("needs_recovery"));
        HostTool fsck = HostTool.run(List.of("e2fsck", "-fn", image.toString()));
        return new SnapshotFileSystem(needsRecovery, fsck.exit, fsck.output);
    }

    /** Clean: no journal to replay and nothing for e2fsck to fix. */
    boolean clean() {
        return !needsRecovery && e2fsckExit == 0 && !e2fsckOutput.contains("journal");
    }

    String describe() {
        return "ext4 needs_recovery " + (needsRecovery ? "SET" : "clear") + ", e2fsck -fn "
                + (e2fsckExit == 0 ? "clean" : "found problems") + " (exit " + e2fsckExit + ")"
                + (clean() ? ": consistent without a journal replay" : ": NOT consistent as taken");
    }

    JsonObject toJson() {
        JsonObject o = new JsonObject();
        o.addProperty("needsRecovery", needsRecovery);
        o.addProperty("e2fsckExit", e2fsckExit);
        o.addProperty("clean", clean());
        return o;
    }
}
