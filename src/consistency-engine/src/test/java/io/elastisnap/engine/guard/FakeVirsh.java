// Licensed under the Apache License, Version 2.0. See LICENSE in the project root.
package io.elastisnap.engine.guard;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.List;

/**
 * A stand-in for virsh that the guard script runs instead of the real one: it records each call and answers from files
 * the test writes (the freeze status reply, and the domain states one per call, the last one repeating).
 */
final class FakeVirsh {
    private static final String SCRIPT = String.join("\n",
            "#!/bin/bash",
            "dir=$(dirname \"$0\")",
            "shift 2   # -c URI",
            "echo \"$*\" >> \"$dir/calls\"",
            "case $1 in",
            "  domfsthaw) echo 'Thawed 1 filesystem(s)' ;;",
            "  qemu-agent-command)",
            "    reply=$(cat \"$dir/status\")",
            "    case $reply in error:*) echo \"$reply\" >&2; exit 1 ;; esac",
            "    echo \"$reply\" ;;",
            "  domstate)",
            "    state=$(head -n 1 \"$dir/states\")",
            "    [ \"$(wc -l < \"$dir/states\")\" -gt 1 ] && sed -i 1d \"$dir/states\"",
            "    case $state in error:*) echo \"$state\" >&2; exit 1 ;; esac",
            "    echo \"$state\" ;;",
            "esac",
            "");

    private final Path directory;

    FakeVirsh(Path directory) throws IOException {
        this.directory = directory;
        Path program = program();
        Files.write(program, SCRIPT.getBytes(StandardCharsets.UTF_8));
        Files.setPosixFilePermissions(program, PosixFilePermissions.fromString("rwx------"));
        status("{\"return\":\"thawed\"}");
        states("running");
    }

    Path program() {
        return directory.resolve("virsh");
    }

    /** The reply to guest-fsfreeze-status; {@code error:...} makes the call fail with that text. */
    FakeVirsh status(String reply) throws IOException {
        Files.write(directory.resolve("status"), (reply + "\n").getBytes(StandardCharsets.UTF_8));
        return this;
    }

    /** The answers of successive domstate calls; the last repeats; {@code error:...} fails the call. */
    FakeVirsh states(String... states) throws IOException {
        Files.write(directory.resolve("states"), (String.join("\n", states) + "\n").getBytes(StandardCharsets.UTF_8));
        return this;
    }

    /** The virsh sub-commands called so far, e.g. "domfsthaw dom-1". */
    List<String> calls() throws IOException {
        Path calls = directory.resolve("calls");
        return Files.exists(calls) ? Files.readAllLines(calls, StandardCharsets.UTF_8) : new ArrayList<>();
    }

    long count(String subCommand) throws IOException {
        return calls().stream().filter(c -> c.startsWith(subCommand + " ")).count();
    }
}
