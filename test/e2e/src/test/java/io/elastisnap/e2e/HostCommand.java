// Licensed under the Apache License, Version 2.0. See LICENSE in the project root.
package io.elastisnap.e2e;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.TimeUnit;

/** Runs a host tool (mkfs.ext4, dumpe2fs, e2fsck) with a bounded wait and captures its combined output. */
final class HostCommand {

    private static final long TIMEOUT_SECONDS = 60;

    /** Exit code and combined stdout/stderr of one run. */
    static final class Result {
        final int exitCode;
        final String output;

        Result(int exitCode, String output) {
            this.exitCode = exitCode;
            this.output = output;
        }
    }

    private HostCommand() {
    }

    static Result run(String... command) {
        List<String> argv = Arrays.asList(command);
        try {
            Process process = new ProcessBuilder(argv).redirectErrorStream(true).start();
            process.getOutputStream().close();
            // our tools print a few KiB at most, so reading to EOF before waiting cannot dead-lock
            String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            if (!process.waitFor(TIMEOUT_SECONDS, TimeUnit.SECONDS)) {
                process.destroyForcibly();
                throw new AssertionError(argv + " did not finish within " + TIMEOUT_SECONDS + " s");
            }
            return new Result(process.exitValue(), output);
        } catch (IOException e) {
            throw new AssertionError("cannot run " + argv + ": " + e.getMessage(), e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AssertionError("interrupted while running " + argv, e);
        }
    }

    /** Runs and fails unless the exit code is 0. */
    static String runOk(String... command) {
        Result result = run(command);
        if (result.exitCode != 0) {
            throw new AssertionError(Arrays.asList(command) + " exited " + result.exitCode + ": " + result.output);
        }
        return result.output;
    }
}
