// Licensed under the Apache License, Version 2.0. See LICENSE in the project root.
package io.elastisnap.engine.guard;

import io.elastisnap.engine.FreezeLimits;
import io.elastisnap.engine.ThawGuard;
import io.elastisnap.engine.ThawGuardException;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;
import org.apache.logging.log4j.LogManager;
import org.apache.logging.log4j.Logger;

/**
 * The thaw guard KVM hosts use: one small bash process per freeze ({@code thaw-guard.sh}, shipped in this jar and run
 * as {@code bash -c "$script" elastisnap-thaw-guard ARGS}), so no JVM starts per snapshot and the guard does not
 * depend on a possibly sick agent JVM. It needs nothing a KVM host lacks: bash, virsh and coreutils.
 *
 * <p>It holds a pipe to this process as its stdin: it prints {@code ARMED} once ready (awaited within the pre-flight
 * timeout), hears {@code FREEZE <ms>} right before the freeze call (what is left of the window plus {@link #GRACE})
 * and answers {@code WATCHING}, and hears {@code DISARM} after the confirmed thaw. End of input after {@code FREEZE}
 * (this process died), any other line, or no {@code DISARM} within those milliseconds: it thaws with
 * {@code virsh domfsthaw} and confirms with {@code guest-fsfreeze-status}, retrying like the engine. End of input before {@code FREEZE}: it exits without touching the guest. What it did goes to the
 * domain's guard log in the freeze journal. Started as a transient systemd service where systemd is PID 1, else in a
 * session of its own ({@link GuardLauncher}).
 */
public final class ProcessThawGuard implements ThawGuard {
    /**
     * How long after the window's end the guard waits for DISARM: the engine's own watchdog thaws at the window's end
     * and normally confirms within milliseconds, so the guard only steps in for a stuck process.
     */
    public static final Duration GRACE = Duration.ofMillis(500);
    static final String SCRIPT = readScript();
    private static final Logger LOG = LogManager.getLogger(ProcessThawGuard.class);
    private static final int LOG_TAIL_BYTES = 2048;
    /** Reads each guard's ARMED line, so the wait for it is bounded. */
    private static final ExecutorService READERS = Executors.newCachedThreadPool(runnable -> {
        Thread thread = new Thread(runnable, "elastisnap-thaw-guard-reader");
        thread.setDaemon(true);
        return thread;
    });

    private final Supplier<String> libvirtUri;
    private final String virsh;
    private final GuardLauncher launcher;
    private final String script;

    /**
     * @param libvirtUri the URI the guard's virsh connects to: the one the engine's quiescer uses (asked at each arm,
     *                   so an agent can hand over its connection later)
     */
    public ProcessThawGuard(Supplier<String> libvirtUri) {
        this(libvirtUri, "virsh");
    }

    /**
     * @param virsh the virsh program the guard runs: a path where it is not on the PATH, or a stand-in that speaks
     *              virsh's {@code domfsthaw}, {@code qemu-agent-command} and {@code domstate} for a guest that is not a
     *              libvirt domain (the chaos suite's file-backed guest)
     */
    public ProcessThawGuard(Supplier<String> libvirtUri, String virsh) {
        this(libvirtUri, virsh, GuardLauncher.forThisHost(), SCRIPT);
    }

    /** With another virsh, launcher or script (tests). */
    ProcessThawGuard(Supplier<String> libvirtUri, String virsh, GuardLauncher launcher, String script) {
        this.libvirtUri = Objects.requireNonNull(libvirtUri, "libvirtUri");
        this.virsh = Objects.requireNonNull(virsh, "virsh");
        this.launcher = Objects.requireNonNull(launcher, "launcher");
        this.script = Objects.requireNonNull(script, "script");
    }

    /**
     * How a guard would start on this host, for a health check before the first freeze: "a transient systemd unit"
     * or "a process in its own session (setsid)".
     *
     * @throws ThawGuardException naming the programs missing from the PATH and the package that brings each
     */
    public String readiness() throws ThawGuardException {
        List<String> missing = new ArrayList<>();
        if (!GuardLauncher.onPath("bash")) {
            missing.add("bash (package bash)");
        }
        if (!virsh.contains("/") ? !GuardLauncher.onPath(virsh) : !Files.isExecutable(Path.of(virsh))) {
            missing.add(virsh + " (package libvirt-clients)");
        }
        if (launcher.methods().isEmpty()) {
            missing.add("setsid (package util-linux), or systemd-run where systemd is PID 1");
        }
        if (!missing.isEmpty()) {
            throw new ThawGuardException("cannot start a thaw guard on this host: not found on the PATH: "
                    + String.join(", ", missing) + "; install them (a freeze with policy REQUIRED is refused until then)");
        }
        return launcher.methods().get(0) == GuardLauncher.Method.SYSTEMD_RUN
                ? "a transient systemd unit per freeze (systemctl list-units '" + GuardLauncher.GUARD_NAME + "-*')"
                : "a process in its own session per freeze (setsid; systemd is not PID 1 here)";
    }

    @Override
    public Armed arm(String domainName, String sessionId, FreezeLimits limits, Path log) throws ThawGuardException {
        String uri;
        try {
            uri = libvirtUri.get();
        } catch (RuntimeException e) {
            throw new ThawGuardException("the libvirt URI for the guard is not known (" + e.getMessage() + ")", e);
        }
        List<String> arguments = List.of(virsh, uri, domainName, sessionId, Long.toString(seconds(limits.thawTimeout())),
                Long.toString(limits.thawRetryFor().toMillis()), Long.toString(limits.thawBackoffInitial().toMillis()),
                Long.toString(limits.thawBackoffMax().toMillis()));
        if (launcher.methods().isEmpty()) {
            throw new ThawGuardException("neither systemd (as PID 1, with systemd-run) nor setsid is available to start it"
                    + " outside this process; install util-linux (setsid)");
        }
        List<String> failures = new ArrayList<>();
        for (GuardLauncher.Method method : launcher.methods()) {
            try {
                return start(method, domainName, sessionId, arguments, limits.preflightTimeout(), log);
            } catch (ThawGuardException e) {
                LOG.warn("Domain {}: thaw guard not started with {}: {}", domainName, method, e.getMessage());
                failures.add(method.name().toLowerCase().replace('_', '-') + ": " + e.getMessage());
            }
        }
        throw new ThawGuardException(String.join("; ", failures) + "; fix: make sure bash, virsh and setsid are installed"
                + " and " + log.getParent() + " is writable");
    }

    private ProcessArmed start(GuardLauncher.Method method, String domainName, String sessionId, List<String> arguments,
            Duration timeout, Path log) throws ThawGuardException {
        long logStart;
        try {
            Files.createDirectories(log.getParent());
            logStart = Files.exists(log) ? Files.size(log) : 0;
        } catch (IOException e) {
            throw new ThawGuardException("cannot prepare its log " + log + " (" + e.getMessage() + ")", e);
        }
        List<String> command = GuardLauncher.command(method, "elastisnap-thaw-guard-" + sessionId,
                "ElastiSnap thaw guard of domain " + printable(domainName), script, arguments);
        Process process;
        try {
            process = new ProcessBuilder(command).redirectError(ProcessBuilder.Redirect.appendTo(log.toFile())).start();
        } catch (IOException e) {
            throw new ThawGuardException("cannot start " + command.get(0) + " (" + e.getMessage() + ")", e);
        }
        GuardOutput output = new GuardOutput(process.getInputStream());
        try {
            READERS.execute(output);
        } catch (RuntimeException e) {
            process.destroyForcibly();
            throw new ThawGuardException("cannot read its output (" + e + ")", e);
        }
        String problem;
        try {
            problem = output.awaitLine("ARMED", timeout);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            problem = "interrupted while waiting for it";
        }
        if (problem == null) {
            return new ProcessArmed(process, output, log);
        }
        process.destroyForcibly();
        throw new ThawGuardException(problem + exitDescription(process) + logTail(log, logStart));
    }

    /** The guard's stdout, line by line, read on a thread of its own so every wait for a line is bounded. */
    private static final class GuardOutput implements Runnable {
        private static final String END = "\u0000end of output";
        private final BufferedReader reader;
        private final BlockingQueue<String> lines = new LinkedBlockingQueue<>();

        GuardOutput(InputStream output) {
            this.reader = new BufferedReader(new InputStreamReader(output, StandardCharsets.UTF_8));
        }

        @Override
        public void run() {
            try {
                String line;
                while ((line = reader.readLine()) != null) {
                    lines.add(line);
                }
            } catch (IOException e) {
                LOG.debug("Thaw guard output ended: {}", e.toString());
            } finally {
                lines.add(END);
            }
        }

        /** null once {@code expected} was printed; else what went wrong (output ended, or nothing in time). */
        String awaitLine(String expected, Duration timeout) throws InterruptedException {
            long deadline = System.nanoTime() + timeout.toNanos();
            List<String> other = new ArrayList<>();
            while (true) {
                String line = lines.poll(Math.max(0, deadline - System.nanoTime()), TimeUnit.NANOSECONDS);
                if (line == null) {
                    return "it did not say " + expected + " within " + timeout.toMillis() + " ms" + printed(other);
                }
                if (line.equals(expected)) {
                    return null;
                }
                if (line.equals(END)) {
                    lines.add(END);
                    return "it ended before it said " + expected + printed(other);
                }
                other.add(line);
            }
        }

        private static String printed(List<String> other) {
            return other.isEmpty() ? "" : " (it printed: " + String.join(" | ", other) + ")";
        }

        void close() {
            try {
                reader.close();
            } catch (IOException e) {
                LOG.debug("Closing the thaw guard's output: {}", e.toString());
            }
        }
    }

    private static String exitDescription(Process process) {
        try {
            if (process.waitFor(1, TimeUnit.SECONDS)) {
                return " (exit code " + process.exitValue() + ")";
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        return "";
    }

    /** What the failed start wrote to the log (e.g. systemd-run's error). */
    private static String logTail(Path log, long from) {
        try (FileChannel channel = FileChannel.open(log, StandardOpenOption.READ)) {
            long start = Math.max(from, channel.size() - LOG_TAIL_BYTES);
            ByteBuffer buffer = ByteBuffer.allocate((int) Math.max(0, channel.size() - start));
            channel.read(buffer, start);
            String text = new String(buffer.array(), 0, buffer.position(), StandardCharsets.UTF_8).trim();
            return text.isEmpty() ? "" : ": " + text.replace('\n', ' ');
        } catch (NoSuchFileException e) {
            return "";
        } catch (IOException e) {
            return " (its log " + log + " is unreadable: " + e.getMessage() + ")";
        }
    }

    /** The guard's timeouts go to virsh as whole seconds, rounded up and never 0 (0 means "do not wait"). */
    private static long seconds(Duration duration) {
        return Math.max(1, (duration.toMillis() + 999) / 1000);
    }

    private static String printable(String text) {
        StringBuilder out = new StringBuilder(text.length());
        text.codePoints().forEach(c -> out.append(c < 0x20 || c == 0x7f ? '?' : (char) c));
        return out.toString();
    }

    private static String readScript() {
        try (InputStream in = ProcessThawGuard.class.getResourceAsStream("thaw-guard.sh")) {
            if (in == null) {
                throw new IllegalStateException("thaw-guard.sh is missing from the engine jar");
            }
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read thaw-guard.sh from the engine jar", e);
        }
    }

    /** One running guard: this process holds the write end of its stdin. */
    private static final class ProcessArmed implements Armed {
        /** The longest the engine waits for WATCHING: the window is running, and a live guard answers in milliseconds. */
        private static final Duration LONGEST_ACK = Duration.ofSeconds(1);

        private final OutputStream toGuard;
        private final GuardOutput output;
        private final Path log;
        private boolean ended;

        ProcessArmed(Process process, GuardOutput output, Path log) {
            this.toGuard = process.getOutputStream();
            this.output = output;
            this.log = log;
        }

        @Override
        public synchronized void freezeStarting(Duration untilDeadline) throws ThawGuardException {
            if (ended) {
                throw new ThawGuardException("the guard was already ended");
            }
            Duration quarter = untilDeadline.dividedBy(4);
            String problem;
            try {
                send("FREEZE " + Math.max(0, untilDeadline.plus(GRACE).toMillis()));
                problem = output.awaitLine("WATCHING", quarter.compareTo(LONGEST_ACK) < 0 ? quarter : LONGEST_ACK);
            } catch (IOException e) {
                problem = "it no longer listens (" + e.getMessage() + ")";
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                problem = "interrupted while waiting for it";
            }
            if (problem != null) {
                end();
                throw new ThawGuardException("the guard process is not watching: " + problem);
            }
        }

        @Override
        public synchronized void disarm() {
            if (ended) {
                return;
            }
            try {
                send("DISARM");
            } catch (IOException e) {
                LOG.debug("Thaw guard had ended before DISARM: {}", e.toString());
            }
            end();
            deleteLogIfEmpty();
        }

        @Override
        public synchronized void release() {
            if (!ended) {
                end();
            }
        }

        private void send(String line) throws IOException {
            toGuard.write((line + "\n").getBytes(StandardCharsets.US_ASCII));
            toGuard.flush();
        }

        /** Closing our end of its stdin is the guard's end of input. */
        private void end() {
            ended = true;
            try {
                toGuard.close();
            } catch (IOException e) {
                LOG.debug("Closing the thaw guard's input: {}", e.toString());
            }
            output.close();
        }

        /** A disarmed guard wrote nothing: no file per domain and snapshot should pile up in the journal directory. */
        private void deleteLogIfEmpty() {
            try {
                if (Files.size(log) == 0) {
                    Files.deleteIfExists(log);
                }
            } catch (IOException e) {
                LOG.debug("Thaw guard log {}: {}", log, e.toString());
            }
        }
    }
}
