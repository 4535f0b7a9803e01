// Licensed under the Apache License, Version 2.0. See LICENSE in the project root.
package io.elastisnap.e2e;

import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import org.libvirt.Connect;
import org.libvirt.Domain;
import org.libvirt.LibvirtException;

/**
 * Reads the guest's freeze status every 100 ms from a process of its own (this class's {@link #main}: one libvirt
 * connection, {@code guest-fsfreeze-status} through {@code qemuAgentCommand}, so no process start or connect per
 * reading), independent of every orchestrator under test: it keeps reading while they are killed and restarted. Each
 * reading is "epoch-ms status" in a file, timed when the answer arrived: frozen, thawed, or unknown (agent busy or the
 * domain paused).
 */
final class FreezeStatusPoller implements AutoCloseable {
    private static final long INTERVAL_MILLIS = 100;

    /** One reading. */
    static final class Reading {
        final Instant at;
        final String status;

        Reading(Instant at, String status) {
            this.at = at;
            this.status = status;
        }
    }

    private final Process process;
    private final Path output;

    private FreezeStatusPoller(Process process, Path output) {
        this.process = process;
        this.output = output;
    }

    static FreezeStatusPoller start(String libvirtUri, String domain, Path output) throws IOException {
        Files.write(output, new byte[0]);
        Process process = ChildJvm.start(FreezeStatusPoller.class, List.of(), List.of(libvirtUri, domain, output.toString()),
                Map.of(), output.resolveSibling(output.getFileName() + ".stderr"));
        return new FreezeStatusPoller(process, output);
    }

    /** The poller process: {@code <libvirt-uri> <domain> <output file>}; runs until killed. */
    public static void main(String[] args) throws Exception {
        Connect connection = new Connect(args[0]);
        connection.setConnectionErrorCallback((userData, error) -> { });
        Domain domain = connection.domainLookupByName(args[1]);
        try (PrintStream out = new PrintStream(Files.newOutputStream(Path.of(args[2])), true, StandardCharsets.UTF_8)) {
            long next = System.currentTimeMillis();
            while (true) {
                String status;
                try {
                    String reply = domain.qemuAgentCommand("{\"execute\":\"guest-fsfreeze-status\"}", 1, 0);
                    status = reply.contains("\"frozen\"") ? "frozen" : reply.contains("\"thawed\"") ? "thawed" : "unknown";
                } catch (LibvirtException e) {
                    status = "unknown";
                }
                out.println(System.currentTimeMillis() + " " + status);
                next += INTERVAL_MILLIS;
                long wait = next - System.currentTimeMillis();
                if (wait > 0) {
                    Thread.sleep(wait);
                } else {
                    next = System.currentTimeMillis();
                }
            }
        }
    }

    List<Reading> readings() throws IOException {
        List<Reading> readings = new ArrayList<>();
        for (String line : Files.readAllLines(output, StandardCharsets.UTF_8)) {
            String[] fields = line.trim().split(" ");
            if (fields.length == 2) {
                readings.add(new Reading(Instant.ofEpochMilli(Long.parseLong(fields[0])), fields[1]));
            }
        }
        return readings;
    }

    /** The first reading with this status at or after {@code from}. */
    Optional<Instant> first(String status, Instant from) throws IOException {
        return readings().stream().filter(r -> !r.at.isBefore(from) && r.status.equals(status)).map(r -> r.at).findFirst();
    }

    /** Waits (bounded) for a reading with this status at or after {@code from}. */
    Instant await(String status, Instant from, Duration timeout) throws IOException, InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (true) {
            Optional<Instant> seen = first(status, from);
            if (seen.isPresent()) {
                return seen.get();
            }
            if (System.nanoTime() > deadline) {
                throw new AssertionError("the guest did not read '" + status + "' within " + timeout.toMillis() + " ms after "
                        + from + "; readings: " + tail());
            }
            Thread.sleep(50);
        }
    }

    /** Every reading in [from, to) says {@code status}, and there is at least one. */
    boolean onlyBetween(String status, Instant from, Instant to) throws IOException {
        List<Reading> between = new ArrayList<>();
        for (Reading r : readings()) {
            if (!r.at.isBefore(from) && r.at.isBefore(to)) {
                between.add(r);
            }
        }
        return !between.isEmpty() && between.stream().allMatch(r -> r.status.equals(status));
    }

    /** The mean interval between readings, to show the 100 ms cadence held. */
    Duration meanInterval() throws IOException {
        List<Reading> readings = readings();
        if (readings.size() < 2) {
            return Duration.ZERO;
        }
        return Duration.between(readings.get(0).at, readings.get(readings.size() - 1).at).dividedBy(readings.size() - 1);
    }

    private String tail() throws IOException {
        List<Reading> readings = readings();
        StringBuilder text = new StringBuilder();
        for (Reading r : readings.subList(Math.max(0, readings.size() - 10), readings.size())) {
            text.append(r.at.toEpochMilli()).append(' ').append(r.status).append("; ");
        }
        return text.toString();
    }

    @Override
    public void close() {
        process.destroyForcibly();
    }
}
