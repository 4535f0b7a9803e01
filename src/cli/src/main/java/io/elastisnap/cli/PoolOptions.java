// Licensed under the Apache License, Version 2.0. See LICENSE in the project root.
package io.elastisnap.cli;

import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import picocli.CommandLine.Option;

/** --pool VOLUME_ID=MOUNT_POINT, shared by the pool-level commands. */
final class PoolOptions {
    @Option(names = "--pool", paramLabel = "VOLUME_ID=MOUNT_POINT",
            description = "An ElastiStor volume carrying a pool file system and where it is mounted on this host (repeatable).")
    Map<String, Path> pools = new LinkedHashMap<>();

    Map<String, Path> mounts() {
        Map<String, Path> absolute = new LinkedHashMap<>();
        pools.forEach((id, mount) -> absolute.put(id, mount.toAbsolutePath().normalize()));
        return absolute;
    }
}
