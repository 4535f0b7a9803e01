// Licensed under the Apache License, Version 2.0. See LICENSE in the project root.
package io.elastisnap.engine.pool;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/** Loop devices through {@code losetup}: the block device a clone's image file (or FUSE-exported LUN) becomes. */
final class LoopDevices {
    private static final Duration TIMEOUT = Duration.ofSeconds(30);

    private LoopDevices() {
    }

    /** A new loop device over {@code file}. */
    static Path attach(Path file) throws IOException {
        return Path.of(HostCommand.run(TIMEOUT, "losetup", "--find", "--show", file.toString()));
    }

    /** The file behind a loop device; empty when the device is gone or no loop device. */
    static Optional<String> backingFile(Path device) throws IOException {
        if (!Files.exists(device)) {
            return Optional.empty();
        }
        HostCommand.Result r = HostCommand.execute(TIMEOUT, null, "losetup", "--list", "--noheadings", "--output",
                "BACK-FILE", device.toString());
        return r.exitCode == 0 && !r.output.isEmpty() ? Optional.of(r.output) : Optional.empty();
    }

    /** The loop devices whose backing file's path ends with {@code suffix}. */
    static List<String> backedBy(String suffix) throws IOException {
        List<String> devices = new ArrayList<>();
        for (String line : HostCommand.run(TIMEOUT, "losetup", "--list", "--noheadings", "--output", "NAME,BACK-FILE").split("\n")) {
            String[] fields = line.trim().split("\\s+", 2);
            if (fields.length == 2 && fields[1].endsWith(suffix)) {
                devices.add(fields[0]);
            }
        }
        return devices;
    }

    /** Detaches {@code device} when it still carries a file whose path ends with {@code suffix}; true if it did. */
    static boolean detachIfBackedBy(Path device, String suffix) throws IOException {
        if (backingFile(device).map(b -> b.endsWith(suffix)).orElse(false)) {
            HostCommand.run(TIMEOUT, "losetup", "--detach", device.toString());
            return true;
        }
        return false;
    }
}
