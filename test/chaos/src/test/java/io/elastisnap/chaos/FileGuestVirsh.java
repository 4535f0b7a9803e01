// Licensed under the Apache License, Version 2.0. See LICENSE in the project root.
package io.elastisnap.chaos;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;

/**
 * The virsh a thaw guard runs for a {@link FileGuest}: the "libvirt URI" it is given is the guest's directory, and it
 * speaks the three commands the guard uses on the guest's files, as FileGuest itself does (a thaw removes the freeze
 * marker and appends the window to the window log).
 */
final class FileGuestVirsh {
    private static final String SCRIPT = String.join("\n",
            "#!/bin/bash",
            "dir=$2",
            "case $3 in",
            "  domfsthaw)",
            "    if since=$(cat \"$dir/frozen-since\" 2>/dev/null); then",
            "      echo $(($(date +%s%3N) - since)) >> \"$dir/frozen-windows.log\"",
            "      rm -f \"$dir/frozen-since\"",
            "    fi",
            "    echo 'Thawed 1 filesystem(s)' ;;",
            "  qemu-agent-command)",
            "    if [ -e \"$dir/frozen-since\" ]; then echo '{\"return\":\"frozen\"}'; else echo '{\"return\":\"thawed\"}'; fi ;;",
            "  domstate) echo running ;;",
            "esac",
            "");

    private FileGuestVirsh() {
    }

    /** Writes the program into {@code directory} and returns its path. */
    static Path install(Path directory) throws IOException {
        Path program = directory.resolve("file-guest-virsh");
        Files.write(program, SCRIPT.getBytes(StandardCharsets.UTF_8));
        Files.setPosixFilePermissions(program, PosixFilePermissions.fromString("rwx------"));
        return program;
    }
}
