// Licensed under the Apache License, Version 2.0. See LICENSE in the project root.
package io.elastisnap.simulator;

import org.apache.logging.log4j.LogManager;
import org.apache.logging.log4j.Logger;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.BasicFileAttributes;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.TimeUnit;

/**
 * Real iSCSI for the simulator's volumes: a private {@code tgtd} (Debian's user-space Linux SCSI target framework,
 * package {@code tgt}) on its own control port and on a portal on 127.0.0.1, driven with {@code tgtadm}. One target
 * per exported volume, named by the volume's IQN, with the volume's image file as LUN {@value #LUN}; an ACL for the
 * volume's initiator group and, when its iSCSI service says CHAP, the auth group's user as the target's incoming
 * account. {@link #apply} brings tgtd to a desired set of exports; the array calls it after every change.
 */
final class IscsiTarget implements AutoCloseable {
    /** tgt keeps LUN 0 for its controller device, so the volume is LUN 1 (an appliance presents it as LUN 0). */
    static final int LUN = 1;
    static final String PORTAL_HOST = "127.0.0.1";

    private static final Logger LOG = LogManager.getLogger(IscsiTarget.class);
    private static final Duration COMMAND_TIMEOUT = Duration.ofSeconds(20);
    private static final Duration START_TIMEOUT = Duration.ofSeconds(10);
    private static final String PID_FILE = "tgtd.pid";

    /** What one volume's export looks like; two equal exports need no change in tgtd. */
    static final class Export {
        final String iqn;
        final Path image;
        /** Identity and size of the image file: a rollback renames a new file over it, a resize grows it. */
        final Object fileKey;
        final long sizeBytes;
        /** User name to secret of the incoming CHAP accounts; empty: no CHAP. */
        final Map<String, String> chapAccounts;

        Export(String iqn, Path image, Map<String, String> chapAccounts) {
            this.iqn = Objects.requireNonNull(iqn, "iqn");
            this.image = Objects.requireNonNull(image, "image");
            this.chapAccounts = Map.copyOf(chapAccounts);
            Object key = null;
            long size = -1;
            try {
                BasicFileAttributes attributes = Files.readAttributes(image, BasicFileAttributes.class);
                key = attributes.fileKey();
                size = attributes.size();
            } catch (IOException e) {
                LOG.warn("Image {} of {} is not readable: {}", image, iqn, e.getMessage());
            }
            this.fileKey = key;
            this.sizeBytes = size;
        }

        @Override
        public boolean equals(Object other) {
            if (!(other instanceof Export)) {
                return false;
            }
            Export that = (Export) other;
            return iqn.equals(that.iqn) && image.equals(that.image) && Objects.equals(fileKey, that.fileKey)
                    && sizeBytes == that.sizeBytes && chapAccounts.equals(that.chapAccounts);
        }

        @Override
        public int hashCode() {
            return Objects.hash(iqn, image, fileKey, sizeBytes, chapAccounts);
        }

        /** For logs: never the CHAP secret. */
        @Override
        public String toString() {
            return iqn + " (LUN " + LUN + " = " + image + ", initiators ALL, "
                    + (chapAccounts.isEmpty() ? "no CHAP" : "CHAP user(s) " + chapAccounts.keySet()) + ")";
        }
    }

    private final Process tgtd;
    private final int controlPort;
    private final int portalPort;
    private final Path pidFile;
    /** IQN to what tgtd exports now, and its target id. */
    private final Map<String, Export> exported = new LinkedHashMap<>();
    private final Map<String, Integer> targetIds = new HashMap<>();
    /** Incoming accounts tgtd knows: user to secret. */
    private final Map<String, String> accounts = new HashMap<>();
    private int lastTargetId;

    private IscsiTarget(Process tgtd, int controlPort, int portalPort, Path pidFile) {
        this.tgtd = tgtd;
        this.controlPort = controlPort;
        this.portalPort = portalPort;
        this.pidFile = pidFile;
    }

    /**
     * Starts a private tgtd with its portal on 127.0.0.1:{@code portalPort} (0: a free port). {@code workDirectory}
     * keeps its pid file, so a tgtd left behind by a killed simulator is stopped at the next start.
     */
    static IscsiTarget start(int portalPort, Path workDirectory) throws IOException {
        for (String program : List.of("tgtd", "tgtadm")) {
            if (!onPath(program)) {
                throw new IOException(program + " not found: the simulator's iSCSI target needs Debian's user-space"
                        + " target (apt-get install tgt), or start the simulator without it");
            }
        }
        Files.createDirectories(workDirectory);
        Path pidFile = workDirectory.resolve(PID_FILE);
        stopLeftover(pidFile);
        int port = portalPort == 0 ? freePort() : portalPort;
        SecureRandom random = new SecureRandom();
        IOException lastFailure = null;
        for (int attempt = 0; attempt < 5; attempt++) {
            // The control port only names tgtd's unix socket (/run/tgtd/socket.N); a taken one makes tgtd exit.
            int controlPort = 1000 + random.nextInt(30000); // tgtd takes at most 32767
            Path log = workDirectory.resolve("tgtd.log");
            Process process = new ProcessBuilder("tgtd", "-f", "-C", Integer.toString(controlPort),
                    "--iscsi", "portal=" + PORTAL_HOST + ":" + port)
                    .redirectErrorStream(true).redirectOutput(log.toFile()).start();
            IscsiTarget target = new IscsiTarget(process, controlPort, port, pidFile);
            try {
                target.awaitReady(log);
                Files.writeString(pidFile, process.pid() + "\n", StandardCharsets.US_ASCII);
                LOG.info("iSCSI target (tgtd pid {}, control port {}) listening on {}", process.pid(), controlPort,
                        target.portal());
                return target;
            } catch (PortTaken e) {
                target.close();
                throw e;
            } catch (IOException e) {
                lastFailure = e;
                target.close();
            }
        }
        throw lastFailure;
    }

    /** {@code 127.0.0.1:<port>}: the portal of every exported volume. */
    String portal() {
        return PORTAL_HOST + ":" + portalPort;
    }

    int portalPort() {
        return portalPort;
    }

    /** Brings tgtd to exactly these exports: removes the others, adds the new ones, redoes the changed ones. */
    synchronized void apply(Collection<Export> desired) {
        Map<String, Export> wanted = new LinkedHashMap<>();
        desired.forEach(e -> wanted.put(e.iqn, e));
        for (Export current : new ArrayList<>(exported.values())) {
            if (!current.equals(wanted.get(current.iqn))) {
                run("remove the target of " + current.iqn, removeTarget(current.iqn));
            }
        }
        Map<String, String> neededAccounts = new HashMap<>();
        wanted.values().forEach(e -> neededAccounts.putAll(e.chapAccounts));
        syncAccounts(neededAccounts);
        for (Export export : wanted.values()) {
            if (!exported.containsKey(export.iqn)) {
                run("export " + export.iqn, () -> addTarget(export));
            }
        }
        for (String user : new ArrayList<>(accounts.keySet())) {
            if (!neededAccounts.containsKey(user)) {
                run("remove CHAP account " + user, () -> {
                    tgtadm("--op", "delete", "--mode", "account", "--user", user);
                    accounts.remove(user);
                });
            }
        }
    }

    /** IQNs exported now. */
    synchronized List<String> exportedIqns() {
        return new ArrayList<>(exported.keySet());
    }

    private interface TgtAction {
        void run() throws IOException;
    }

    /** A failed tgtadm call is logged and retried at the next {@link #apply}; the API answer is not affected. */
    private static void run(String what, TgtAction action) {
        try {
            action.run();
        } catch (IOException e) {
            LOG.error("iSCSI target: cannot {}: {}", what, e.getMessage());
        }
    }

    private TgtAction removeTarget(String iqn) {
        return () -> {
            Integer tid = targetIds.get(iqn);
            if (tid != null) {
                tgtadm("--lld", "iscsi", "--op", "delete", "--mode", "target", "--tid", tid.toString(), "--force");
            }
            targetIds.remove(iqn);
            exported.remove(iqn);
            LOG.info("iSCSI target: {} no longer exported", iqn);
        };
    }

    private void addTarget(Export export) throws IOException {
        if (export.fileKey == null) {
            throw new IOException("image " + export.image + " is missing");
        }
        int tid = ++lastTargetId;
        String id = Integer.toString(tid);
        tgtadm("--lld", "iscsi", "--op", "new", "--mode", "target", "--tid", id, "-T", export.iqn);
        try {
            tgtadm("--lld", "iscsi", "--op", "new", "--mode", "logicalunit", "--tid", id,
                    "--lun", Integer.toString(LUN), "-b", export.image.toString());
            tgtadm("--lld", "iscsi", "--op", "bind", "--mode", "target", "--tid", id, "-I", "ALL");
            for (String user : export.chapAccounts.keySet()) {
                tgtadm("--lld", "iscsi", "--op", "bind", "--mode", "account", "--tid", id, "--user", user);
            }
        } catch (IOException e) {
            tgtadm("--lld", "iscsi", "--op", "delete", "--mode", "target", "--tid", id, "--force");
            throw e;
        }
        targetIds.put(export.iqn, tid);
        exported.put(export.iqn, export);
        LOG.info("iSCSI target: exported {}", export);
    }

    private void syncAccounts(Map<String, String> needed) {
        needed.forEach((user, secret) -> {
            String known = accounts.get(user);
            if (secret.equals(known)) {
                return;
            }
            run("set up CHAP account " + user, () -> {
                if (known != null) {
                    // A new secret: the targets bound to the old account are redone by apply's first loop.
                    tgtadm("--op", "delete", "--mode", "account", "--user", user);
                    accounts.remove(user);
                }
                // tgtadm takes the secret on its command line only; it is never logged here.
                tgtadm("--op", "new", "--mode", "account", "--user", user, "--password", secret);
                accounts.put(user, secret);
            });
        });
    }

    private void tgtadm(String... arguments) throws IOException {
        List<String> command = new ArrayList<>(List.of("tgtadm", "-C", Integer.toString(controlPort)));
        command.addAll(List.of(arguments));
        Process process = new ProcessBuilder(command).redirectErrorStream(true).start();
        String output;
        try (InputStream in = process.getInputStream()) {
            output = new String(in.readAllBytes(), StandardCharsets.UTF_8).trim();
        }
        try {
            if (!process.waitFor(COMMAND_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS)) {
                process.destroyForcibly();
                throw new IOException("tgtadm did not answer within " + COMMAND_TIMEOUT.toSeconds() + " s");
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IOException("interrupted while waiting for tgtadm", e);
        }
        if (process.exitValue() != 0) {
            throw new IOException("tgtadm " + describe(arguments) + " failed (exit " + process.exitValue() + "): "
                    + output);
        }
    }

    /** The arguments with the value after --password masked. */
    private static String describe(String[] arguments) {
        List<String> shown = new ArrayList<>();
        for (int i = 0; i < arguments.length; i++) {
            shown.add(i > 0 && arguments[i - 1].equals("--password") ? "****" : arguments[i]);
        }
        return String.join(" ", shown);
    }

    private static final class PortTaken extends IOException {
        PortTaken(String message) {
            super(message);
        }
    }

    private void awaitReady(Path logFile) throws IOException {
        long deadline = System.nanoTime() + START_TIMEOUT.toNanos();
        IOException last = null;
        while (System.nanoTime() < deadline) {
            if (!tgtd.isAlive()) {
                throw new IOException("tgtd exited at start (exit " + tgtd.exitValue() + "): " + tail(logFile));
            }
            try {
                tgtadm("--op", "show", "--mode", "sys");
                // A taken portal does not stop tgtd: it only says so in its log.
                String log = Files.readString(logFile, StandardCharsets.UTF_8);
                if (log.contains("failed to create/bind to portal")) {
                    throw new PortTaken("port " + portalPort + " on " + PORTAL_HOST + " is taken: choose another"
                            + " iSCSI port (0 = any free port)");
                }
                if (portalListening()) {
                    return;
                }
            } catch (PortTaken e) {
                throw e;
            } catch (IOException e) {
                last = e;
            }
            try {
                Thread.sleep(50);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IOException("interrupted while starting tgtd", e);
            }
        }
        throw new IOException("tgtd did not become ready within " + START_TIMEOUT.toSeconds() + " s: "
                + (last == null ? "its portal " + portal() + " is not listening" : last.getMessage()));
    }

    private boolean portalListening() {
        try (java.net.Socket socket = new java.net.Socket()) {
            socket.connect(new java.net.InetSocketAddress(PORTAL_HOST, portalPort), 200);
            return true;
        } catch (IOException e) {
            return false;
        }
    }

    private static String tail(Path log) {
        try {
            List<String> lines = Files.readAllLines(log, StandardCharsets.UTF_8);
            return String.join(" / ", lines.subList(Math.max(0, lines.size() - 3), lines.size()));
        } catch (IOException e) {
            return "(no log)";
        }
    }

    /** Stops tgtd: its targets go with it. Idempotent. */
    @Override
    public synchronized void close() {
        if (!tgtd.isAlive()) {
            return;
        }
        try {
            // tgtd ignores SIGTERM; it leaves when told to, once its targets (and their sessions) are gone.
            for (Integer tid : targetIds.values()) {
                tgtadm("--lld", "iscsi", "--op", "delete", "--mode", "target", "--tid", tid.toString(), "--force");
            }
            tgtadm("--op", "delete", "--mode", "system", "--force");
            tgtd.waitFor(5, TimeUnit.SECONDS);
        } catch (IOException e) {
            LOG.warn("tgtd did not stop when asked ({}); killing it", e.getMessage());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        if (tgtd.isAlive()) {
            tgtd.destroyForcibly();
        }
        try {
            Files.deleteIfExists(pidFile);
            Files.deleteIfExists(Path.of("/run/tgtd/socket." + controlPort));
            Files.deleteIfExists(Path.of("/run/tgtd/socket." + controlPort + ".lock"));
        } catch (IOException e) {
            LOG.debug("Could not remove tgtd's files: {}", e.getMessage());
        }
        exported.clear();
        LOG.info("iSCSI target on {} stopped", portal());
    }

    /** A tgtd of a simulator that was killed still holds its portal: stop it (only if it is a tgtd). */
    private static void stopLeftover(Path pidFile) {
        try {
            if (!Files.exists(pidFile)) {
                return;
            }
            long pid = Long.parseLong(Files.readString(pidFile, StandardCharsets.US_ASCII).trim());
            ProcessHandle.of(pid).filter(p -> p.info().command().map(c -> c.endsWith("/tgtd")).orElse(false))
                    .ifPresent(p -> {
                        LOG.warn("Stopping tgtd {} left behind by an earlier simulator", pid);
                        p.destroyForcibly();
                        p.onExit().orTimeout(5, TimeUnit.SECONDS).exceptionally(t -> p).join();
                    });
            Files.deleteIfExists(pidFile);
        } catch (IOException | NumberFormatException e) {
            LOG.warn("Ignoring the unreadable tgtd pid file {}: {}", pidFile, e.getMessage());
        }
    }

    private static int freePort() throws IOException {
        try (java.net.ServerSocket socket = new java.net.ServerSocket(0, 1,
                java.net.InetAddress.getByName(PORTAL_HOST))) {
            return socket.getLocalPort();
        }
    }

    private static boolean onPath(String program) {
        String path = System.getenv("PATH");
        List<String> directories = new ArrayList<>(List.of("/usr/sbin", "/sbin"));
        if (path != null) {
            directories.addAll(List.of(path.split(":")));
        }
        return directories.stream().anyMatch(d -> Files.isExecutable(Path.of(d, program)));
    }
}
