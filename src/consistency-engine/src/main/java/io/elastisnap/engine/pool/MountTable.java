// Licensed under the Apache License, Version 2.0. See LICENSE in the project root.
package io.elastisnap.engine.pool;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/** This host's mounts, as {@code /proc/self/mounts} lists them. */
public final class MountTable {
    private MountTable() {
    }

    /** Whether a file system is mounted exactly at {@code directory}. */
    public static boolean isMountPoint(Path directory) throws IOException {
        String wanted = directory.toAbsolutePath().normalize().toString();
        for (String line : Files.readAllLines(Path.of("/proc/self/mounts"))) {
            String[] fields = line.split(" ");
            // the kernel writes a space in a mount point as \040
            if (fields.length > 1 && fields[1].replace("\\040", " ").equals(wanted)) {
                return true;
            }
        }
        return false;
    }
}
