// Licensed under the Apache License, Version 2.0. See LICENSE in the project root.
package io.elastisnap.chaos;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/** A child JVM on the test class path (the CLI or {@link CrashChild}), with its output in files, killable with -9. */
final class ChildJvm {
    private final Process process;
    private final Path stdout;
    private final Path stderr;

    private ChildJvm(Process process, Path stdout, Path stderr) {
        this.process = process;
        this.stdout = stdout;
        this.stderr = stderr;
    }

    static ChildJvm start(Path outputDirectory, String name, String mainClass, List<String> args) throws IOException {
        List<String> command = new ArrayList<>();
        command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
        command.add("-Xmx256m");
        command.add("-XX:TieredStopAtLevel=1"); // short-lived: start fast
        command.add("-cp");
        command.add(System.getProperty("surefire.test.class.path", System.getProperty("java.class.path")));
        command.add(mainClass);
        command.addAll(args);
        Path out = outputDirectory.resolve(name + ".out");
        Path err = outputDirectory.resolve(name + ".err");
        Process p = new ProcessBuilder(command).redirectOutput(out.toFile()).redirectError(err.toFile()).start();
        return new ChildJvm(p, out, err);
    }

    boolean alive() {
        return process.isAlive();
    }

    /** SIGKILL, as kill -9: no shutdown hooks, no finally blocks, no thaw. */
    void kill() throws InterruptedException {
        process.destroyForcibly();
        process.waitFor(10, TimeUnit.SECONDS);
    }

    /** kill -9 of the thaw guards this JVM started (its child processes named elastisnap-thaw-guard). */
    void killThawGuards() throws Exception {
        for (ProcessHandle guard : process.descendants().filter(p -> p.info().arguments()
                .map(a -> java.util.Arrays.asList(a).contains("elastisnap-thaw-guard")).orElse(false))
                .collect(java.util.stream.Collectors.toList())) {
            guard.destroyForcibly();
            guard.onExit().get(10, TimeUnit.SECONDS);
        }
    }

    /** Waits for a line of stdout containing {@code text}; false when the process ended or time ran out first. */
    boolean awaitOutput(String text, Duration timeout) throws IOException, InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (true) {
            if (stdout().contains(text)) {
                return true;
            }
            if (!process.isAlive() || System.nanoTime() >= deadline) {
                return stdout().contains(text);
            }
            Thread.sleep(20);
        }
    }

    /** The exit code, or throws when the process did not end within {@code timeout} (it is killed then). */
    int await(Duration timeout) throws InterruptedException, IOException {
        if (!process.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
            kill();
            throw new AssertionError("child JVM did not finish within " + timeout + "; stdout: " + stdout()
                    + " stderr: " + stderr());
        }
        return process.exitValue();
    }

    String stdout() throws IOException {
        return Files.exists(stdout) ? Files.readString(stdout, StandardCharsets.UTF_8) : "";
    }

    String stderr() throws IOException {
        return Files.exists(stderr) ? Files.readString(stderr, StandardCharsets.UTF_8) : "";
    }
}
