// Licensed under the Apache License, Version 2.0. See LICENSE in the project root.
package io.elastisnap.demo;

import io.elastisnap.cli.CliException;
import io.elastisnap.cli.ExitCode;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.concurrent.TimeUnit;

/** One run of a host tool (mkfs.ext4, dumpe2fs, e2fsck): its exit code and its output, stdout and stderr together. */
final class HostTool {
    private static final long TIMEOUT_SECONDS = 60;

    final int exit;
    final String output;

    private HostTool(int exit, String output) {
        this.exit = exit;
        this.output = output;
    }

    /** @throws CliException when the tool cannot be started or does not finish within 60 s */
    static HostTool run(List<String> command) {
        try {
            Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
            byte[] out = p.getInputStream().readAllBytes();
            if (!p.waitFor(TIMEOUT_SECONDS, TimeUnit.SECONDS)) {
                p.destroyForcibly();
                throw new CliException(ExitCode.FAILED, String.join(" ", command) + " did not finish within "
                        + TIMEOUT_SECONDS + " s", "check the host's load and the image");
            }
            return new HostTool(p.exitValue(), new String(out, StandardCharsets.UTF_8));
        } catch (IOException e) {
            throw new CliException(ExitCode.FAILED, "cannot run " + command.get(0) + ": " + e.getMessage(),
                    "install e2fsprogs (apt-get install e2fsprogs)");
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new CliException(ExitCode.FAILED, "interrupted while running " + command.get(0), "rerun the demo");
        }
    }

    /** Runs {@code command} and fails, naming it and its output, unless it exits 0. */
    static HostTool runOk(List<String> command) {
        HostTool result = run(command);
        if (result.exit != 0) {
            throw new CliException(ExitCode.FAILED, String.join(" ", command) + " failed (exit " + result.exit + "): "
                    + result.output.trim(), "install e2fsprogs (apt-get install e2fsprogs) and check the image");
        }
        return result;
    }
}
