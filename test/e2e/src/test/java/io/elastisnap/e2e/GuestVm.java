// Licensed under the Apache License, Version 2.0. See LICENSE in the project root.
package io.elastisnap.e2e;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;

import org.apache.logging.log4j.LogManager;
import org.apache.logging.log4j.Logger;
import org.libvirt.Connect;
import org.libvirt.Domain;
import org.libvirt.LibvirtException;
import org.libvirt.jna.Libvirt;

import com.google.gson.JsonArray;
import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import com.google.gson.JsonParser;

/**
 * A real TCG guest on qemu:///system: the fixture's kernel + busybox initramfs (see resources/e2e/guest/init) with
 * qemu-guest-agent, and one virtio disk per volume image, raw or (named *.qcow2) qcow2 (vda on /data, vdb on /data1, ...). Booting takes about 7 s
 * under TCG, so test classes share one guest. {@link #close()} destroys and undefines the domain.
 */
final class GuestVm implements AutoCloseable {

    private static final Logger LOG = LogManager.getLogger(GuestVm.class);
    private static final Duration BOOT_TIMEOUT = Duration.ofSeconds(120);
    private static final Duration POLL_INTERVAL = Duration.ofMillis(100);
    private static final int AGENT_TIMEOUT_SECONDS = 5;
    // libvirt prints every error to stderr unless a callback is set; ours arrive as LibvirtException anyway.
    // A static field keeps the JNA callback reachable for as long as native code may call it.
    private static final Libvirt.VirErrorCallback SILENT = (userData, error) -> { };

    private final String name;
    private final Connect connection;
    private final Domain domain;
    private final Path serialLog;

    private GuestVm(String name, Connect connection, Domain domain, Path serialLog) {
        this.name = name;
        this.connection = connection;
        this.domain = domain;
        this.serialLog = serialLog;
    }

    /**
     * Defines and starts the domain, then waits (bounded) until its guest agent answers guest-ping.
     *
     * @param freezeHook whether qemu-ga runs the guest's fsfreeze hook (freeze/thaw log, agent stop on demand); it
     *                   adds a fork+exec to every freeze and thaw, so measurements boot without it
     */
    static GuestVm boot(Fixture fixture, String nameSuffix, List<Path> volumeImages, boolean freezeHook)
            throws LibvirtException, InterruptedException {
        return boot(fixture, nameSuffix, volumeImages, freezeHook, List.of(), false);
    }

    /**
     * As {@link #boot(Fixture, String, List, boolean)}, with a serial per disk (as CloudStack sets one per volume; the
     * guest's init hands them to qemu-ga as udev would) and, with {@code heartbeatOnEveryDisk}, a heartbeat writer on
     * every data volume (/dataN/heartbeat), not only on /data.
     */
    static GuestVm boot(Fixture fixture, String nameSuffix, List<Path> volumeImages, boolean freezeHook, List<String> serials,
            boolean heartbeatOnEveryDisk) throws LibvirtException, InterruptedException {
        String name = fixture.domainName(nameSuffix);
        Path serialLog = fixture.logDir().resolve("serial-" + name + ".log");
        Connect connection = new Connect(fixture.libvirtUri());
        GuestVm vm = null;
        try {
            connection.setConnectionErrorCallback(SILENT);
            removeLeftover(connection, name);
            deleteQuietly(serialLog);
            Domain domain = connection.domainDefineXML(domainXml(fixture, name, serialLog, volumeImages, freezeHook, serials,
                    heartbeatOnEveryDisk));
            vm = new GuestVm(name, connection, domain, serialLog);
            long started = System.nanoTime();
            domain.create();
            vm.awaitAgent(BOOT_TIMEOUT);
            LOG.info("{}: guest agent answers {} ms after start ({} volumes)", name,
                    (System.nanoTime() - started) / 1_000_000, volumeImages.size());
            return vm;
        } catch (LibvirtException | InterruptedException | RuntimeException | Error e) {
            if (vm != null) {
                vm.close();
            } else {
                connection.close();
            }
            throw e;
        }
    }

    private static String domainXml(Fixture fixture, String name, Path serialLog, List<Path> volumeImages,
            boolean freezeHook, List<String> serials, boolean heartbeatOnEveryDisk) {
        if (volumeImages.isEmpty() || volumeImages.size() > 26) {
            throw new IllegalArgumentException("a guest needs 1..26 volume images, got " + volumeImages.size());
        }
        StringBuilder disks = new StringBuilder();
        for (int i = 0; i < volumeImages.size(); i++) {
            String format = volumeImages.get(i).toString().endsWith(".qcow2") ? "qcow2" : "raw";
            disks.append("    <disk type='file' device='disk'><driver name='qemu' type='" + format + "' cache='none'/>")
                    .append("<source file='").append(volumeImages.get(i)).append("'/>")
                    .append("<target dev='").append(diskTarget(i)).append("' bus='virtio'/>")
                    .append(i < serials.size() ? "<serial>" + serials.get(i) + "</serial>" : "").append("</disk>\n");
        }
        return "<domain type='qemu'>\n"
                + "  <name>" + name + "</name>\n"
                + "  <memory unit='MiB'>256</memory>\n"
                + "  <vcpu>1</vcpu>\n"
                + "  <os><type arch='x86_64' machine='pc'>hvm</type>\n"
                + "    <kernel>" + fixture.kernel() + "</kernel>\n"
                + "    <initrd>" + fixture.initramfs() + "</initrd>\n"
                + "    <cmdline>console=ttyS0 panic=-1 loglevel=4" + (freezeHook ? " es_freeze_hook=1" : "")
                + (heartbeatOnEveryDisk ? " es_heartbeat_all=1" : "")
                + "</cmdline></os>\n"
                + "  <on_poweroff>destroy</on_poweroff><on_reboot>destroy</on_reboot><on_crash>destroy</on_crash>\n"
                + "  <devices>\n"
                + "    <emulator>/usr/bin/qemu-system-x86_64</emulator>\n"
                + disks
                + "    <serial type='file'><source path='" + serialLog + "'/><target port='0'/></serial>\n"
                + "    <channel type='unix'><target type='virtio' name='org.qemu.guest_agent.0'/></channel>\n"
                + "    <memballoon model='none'/>\n"
                + "  </devices>\n"
                + "</domain>\n";
    }

    /** The target of the i-th volume image: vda, vdb, ... */
    static String diskTarget(int index) {
        return "vd" + (char) ('a' + index);
    }

    /** A domain of the same name survives only when an earlier run was killed; it holds our images open. */
    private static void removeLeftover(Connect connection, String name) {
        try {
            Domain leftover = connection.domainLookupByName(name);
            LOG.warn("{}: removing a leftover domain of an earlier run", name);
            if (leftover.isActive() == 1) {
                leftover.destroy();
            }
            leftover.undefine();
        } catch (LibvirtException e) {
            // no such domain: the normal case
        }
    }

    String name() {
        return name;
    }

    /** Sends one agent command and returns its "return" value; an agent "error" or a libvirt error throws. */
    JsonElement agent(String command, JsonObject arguments, int timeoutSeconds) throws LibvirtException {
        JsonObject request = new JsonObject();
        request.addProperty("execute", command);
        if (arguments != null) {
            request.add("arguments", arguments);
        }
        JsonObject reply = JsonParser.parseString(domain.qemuAgentCommand(request.toString(), timeoutSeconds, 0))
                .getAsJsonObject();
        if (reply.has("error")) {
            throw new IllegalStateException(name + ": agent " + command + " failed: " + reply.get("error"));
        }
        return reply.get("return");
    }

    /** "frozen" or "thawed", as the guest agent reports it. */
    String freezeStatus() throws LibvirtException {
        return agent("guest-fsfreeze-status", null, AGENT_TIMEOUT_SECONDS).getAsString();
    }

    /** Polls the freeze status until it equals {@code wanted}; returns the time it took, fails after {@code timeout}. */
    Duration awaitFreezeStatus(String wanted, Duration timeout) throws LibvirtException, InterruptedException {
        long start = System.nanoTime();
        long deadline = start + timeout.toNanos();
        String status = statusOrError();
        while (!wanted.equals(status)) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError(name + ": freeze status is '" + status + "', not '" + wanted + "' after "
                        + timeout.toMillis() + " ms");
            }
            Thread.sleep(POLL_INTERVAL.toMillis());
            status = statusOrError();
        }
        return Duration.ofNanos(System.nanoTime() - start);
    }

    // while the agent is hung or busy a status call fails; that is "not yet", not a test failure
    private String statusOrError() {
        try {
            return agent("guest-fsfreeze-status", null, 1).getAsString();
        } catch (LibvirtException | IllegalStateException e) {
            return "unknown (" + e.getMessage() + ")";
        }
    }

    /** Like {@code virsh suspend}: a paused guest keeps its file systems frozen and libvirt refuses agent commands. */
    void suspend() throws LibvirtException {
        domain.suspend();
    }

    /** Resumes a paused guest; a running one is left alone. */
    void resumeIfPaused() throws LibvirtException {
        if (domain.getInfo().state == org.libvirt.DomainInfo.DomainState.VIR_DOMAIN_PAUSED) {
            domain.resume();
        }
    }

    /** Thaws if the guest reports frozen; returns whether it was frozen. Used to clean up after a failed scenario. */
    boolean thawIfFrozen() throws LibvirtException {
        if (!"frozen".equals(freezeStatus())) {
            return false;
        }
        agent("guest-fsfreeze-thaw", null, AGENT_TIMEOUT_SECONDS);
        return true;
    }

    /** Waits until the agent answers guest-ping (each attempt bounded to 1 s). */
    void awaitAgent(Duration timeout) throws LibvirtException, InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        LibvirtException last = null;
        while (System.nanoTime() < deadline) {
            try {
                agent("guest-ping", null, 1);
                return;
            } catch (LibvirtException e) {
                last = e;
            }
            Thread.sleep(250);
        }
        throw new AssertionError(name + ": guest agent did not answer guest-ping within " + timeout.toSeconds()
                + " s (" + (last == null ? "no attempt" : last.getMessage()) + "); serial console:\n" + serialTail());
    }

    /** Result of a guest-exec run. */
    static final class ExecResult {
        final int exitCode;
        final String stdout;

        ExecResult(int exitCode, String stdout) {
            this.exitCode = exitCode;
            this.stdout = stdout;
        }
    }

    /** Runs {@code script} with /bin/sh -c in the guest and waits (bounded) for it to exit. */
    ExecResult exec(String script, Duration timeout) throws LibvirtException, InterruptedException {
        long pid = startExec(script, true);
        long deadline = System.nanoTime() + timeout.toNanos();
        while (true) {
            JsonObject arguments = new JsonObject();
            arguments.addProperty("pid", pid);
            JsonObject status = agent("guest-exec-status", arguments, AGENT_TIMEOUT_SECONDS).getAsJsonObject();
            if (status.get("exited").getAsBoolean()) {
                String out = status.has("out-data")
                        ? new String(Base64.getDecoder().decode(status.get("out-data").getAsString()), StandardCharsets.UTF_8)
                        : "";
                return new ExecResult(status.has("exitcode") ? status.get("exitcode").getAsInt() : -1, out);
            }
            if (System.nanoTime() > deadline) {
                throw new AssertionError(name + ": guest command did not finish within " + timeout.toMillis() + " ms: "
                        + script);
            }
            Thread.sleep(POLL_INTERVAL.toMillis());
        }
    }

    /** Runs {@code script} and fails unless it exits 0; returns its stdout. */
    String execOk(String script) throws LibvirtException, InterruptedException {
        ExecResult result = exec(script, Duration.ofSeconds(30));
        if (result.exitCode != 0) {
            throw new AssertionError(name + ": guest command exited " + result.exitCode + ": " + script);
        }
        return result.stdout;
    }

    /** Starts {@code script} in the guest without waiting for it (for scripts that stop the agent itself). */
    void execInBackground(String script) throws LibvirtException {
        startExec(script, false);
    }

    private long startExec(String script, boolean captureOutput) throws LibvirtException {
        JsonObject arguments = new JsonObject();
        arguments.addProperty("path", "/bin/sh");
        JsonArray argv = new JsonArray();
        argv.add("-c");
        argv.add(script);
        arguments.add("arg", argv);
        arguments.addProperty("capture-output", captureOutput);
        return agent("guest-exec", arguments, AGENT_TIMEOUT_SECONDS).getAsJsonObject().get("pid").getAsLong();
    }

    /** Guest uptime in seconds: the clock of the heartbeat entries. */
    double uptime() throws LibvirtException, InterruptedException {
        return Double.parseDouble(execOk("cut -d' ' -f1 /proc/uptime").trim());
    }

    /** The guest uptimes (s) the heartbeat writer recorded in /data/heartbeat, oldest first (the last 2000). */
    List<Double> heartbeats() throws LibvirtException, InterruptedException {
        return heartbeats("/data");
    }

    /** The heartbeats of the data volume mounted on {@code mountPoint} (booted with a heartbeat on every disk). */
    List<Double> heartbeats(String mountPoint) throws LibvirtException, InterruptedException {
        List<Double> beats = new ArrayList<>();
        for (String line : execOk("tail -n 2000 " + mountPoint + "/heartbeat").split("\n")) {
            if (!line.isBlank()) {
                beats.add(Double.parseDouble(line.trim()));
            }
        }
        return beats;
    }

    /** Polls the heartbeats of {@code mountPoint} until one was written after {@code uptime} (bounded: 10 s). */
    List<Double> awaitHeartbeatAfter(String mountPoint, double uptime) throws LibvirtException, InterruptedException {
        long deadline = System.nanoTime() + Duration.ofSeconds(10).toNanos();
        while (true) {
            List<Double> beats = heartbeats(mountPoint);
            if (!beats.isEmpty() && beats.get(beats.size() - 1) > uptime) {
                return beats;
            }
            if (System.nanoTime() > deadline) {
                throw new AssertionError(name + ": no heartbeat on " + mountPoint + " after guest uptime " + uptime + " s: " + beats);
            }
            Thread.sleep(200);
        }
    }

    /** The longest pause between two heartbeats, counting from the first one at or after {@code from}. */
    static double largestGap(List<Double> beats, double from) {
        double[] bounds = largestGapBounds(beats, from);
        return bounds[1] - bounds[0];
    }

    /** The two heartbeats around the longest pause, counting from {@code from} ({from, from} when there is none). */
    static double[] largestGapBounds(List<Double> beats, double from) {
        double[] bounds = {from, from};
        for (int i = 1; i < beats.size(); i++) {
            if (beats.get(i - 1) >= from && beats.get(i) - beats.get(i - 1) > bounds[1] - bounds[0]) {
                bounds = new double[] {beats.get(i - 1), beats.get(i)};
            }
        }
        return bounds;
    }

    /**
     * Makes the next freeze hang the agent: the guest's fsfreeze hook stops qemu-ga (SIGSTOP) for {@code seconds}
     * right before FIFREEZE, so the host's freeze call times out and the guest freezes once the agent runs again.
     * Needs a guest booted with the freeze hook.
     */
    void stopAgentInsideNextFreeze(int seconds) throws LibvirtException, InterruptedException {
        execOk("echo " + seconds + " > /run/stop-agent-on-freeze");
    }

    /** The freeze hook's log: lines "freeze|thaw|agent-stopped|agent-continued <uptime>", oldest first. */
    List<String> freezeHookLog() throws LibvirtException, InterruptedException {
        List<String> lines = new ArrayList<>();
        for (String line : execOk("cat /run/fsfreeze-hook.log 2>/dev/null; true").split("\n")) {
            if (!line.isBlank()) {
                lines.add(line.trim());
            }
        }
        return lines;
    }

    private String serialTail() {
        try {
            List<String> lines = Files.readAllLines(serialLog, StandardCharsets.ISO_8859_1);
            return String.join("\n", lines.subList(Math.max(0, lines.size() - 30), lines.size()));
        } catch (IOException e) {
            return "(no serial log at " + serialLog + ": " + e.getMessage() + ")";
        }
    }

    private static void deleteQuietly(Path file) {
        try {
            Files.deleteIfExists(file);
        } catch (IOException e) {
            LOG.warn("cannot delete {}: {}", file, e.getMessage());
        }
    }

    /** Destroys and undefines the domain and closes the connection; never throws. */
    /** Powers the domain off (as a pulled plug); its definition stays, so {@link #startAgain()} boots it again. */
    void powerOff() throws LibvirtException {
        if (domain.isActive() == 1) {
            domain.destroy();
        }
    }

    /** Boots the powered-off domain again and waits until its guest agent answers. */
    void startAgain() throws LibvirtException, InterruptedException {
        domain.create();
        awaitAgent(BOOT_TIMEOUT);
    }

    @Override
    public void close() {
        try {
            if (domain.isActive() == 1) {
                domain.destroy();
            }
            domain.undefine();
        } catch (LibvirtException e) {
            LOG.warn("{}: cannot remove the domain: {}", name, e.getMessage());
        }
        try {
            connection.close();
        } catch (LibvirtException e) {
            LOG.warn("{}: cannot close the libvirt connection: {}", name, e.getMessage());
        }
    }
}
