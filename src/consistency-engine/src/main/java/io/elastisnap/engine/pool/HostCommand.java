// Licensed under the Apache License, Version 2.0. See LICENSE in the project root.
package io.elastisnap.engine.pool;

import io.elastisnap.elasticenter.Secret;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

/** Runs one host tool (sync, losetup, mount, qemu-img) with a bounded wait; a failure names the command and its output. */
final class HostCommand {
    private HostCommand() {
    }

    /** Its standard output; {@link IOException} on a non-zero exit, a timeout or an interrupt. */
    static String run(Duration timeout, String... argv) throws IOException {
        return run(timeout, null, argv);
    }

    /**
     * {@link #run(Duration, String...)} for a command that must carry {@code hidden} in its arguments (iscsiadm takes
     * a CHAP secret no other way): the value is masked in every message this throws.
     */
    static String run(Duration timeout, Secret hidden, String... argv) throws IOException {
        Result result = execute(timeout, hidden, argv);
        if (result.exitCode != 0) {
            throw new IOException(result.command + " failed (exit " + result.exitCode + "): " + result.output);
        }
        return result.output;
    }

    /** Exit code and (masked) output of a finished command; {@link IOException} only on a timeout or an interrupt. */
    static Result execute(Duration timeout, Secret hidden, String... argv) throws IOException {
        List<String> command = Arrays.asList(argv);
        String shown = mask(String.join(" ", command), hidden);
        Process process = new ProcessBuilder(command).redirectErrorStream(true).start();
        process.getOutputStream().close();
        CompletableFuture<String> output = CompletableFuture.supplyAsync(() -> {
            try {
                return new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8).trim();
            } catch (IOException e) {
                return "(output unreadable: " + e.getMessage() + ")";
            }
        });
        try {
            if (!process.waitFor(timeout.toNanos(), TimeUnit.NANOSECONDS)) {
                process.destroyForcibly();
                throw new IOException(shown + " did not finish within " + timeout.toMillis() + " ms");
            }
            return new Result(shown, process.exitValue(), mask(output.get(5, TimeUnit.SECONDS), hidden));
        } catch (InterruptedException e) {
            process.destroyForcibly();
            Thread.currentThread().interrupt();
            throw new IOException("interrupted while running " + shown, e);
        } catch (java.util.concurrent.ExecutionException | java.util.concurrent.TimeoutException e) {
            throw new IOException("cannot read the output of " + shown, e);
        }
    }

    /** Sleeps between polls; an interrupt ends the wait as an {@link IOException} saying what was awaited. */
    static void pause(Duration pause, String awaiting) throws IOException {
        try {
            Thread.sleep(pause.toMillis());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IOException("interrupted while " + awaiting, e);
        }
    }

    private static String mask(String text, Secret hidden) {
        return hidden == null ? text : text.replace(hidden.reveal(), Secret.mask());
    }

    /** How a command ended. */
    static final class Result {
        final String command;
        final int exitCode;
        final String output;

        Result(String command, int exitCode, String output) {
            this.command = command;
            this.exitCode = exitCode;
            this.output = output;
        }
    }
}
