// Licensed under the Apache License, Version 2.0. See LICENSE in the project root.
package io.elastisnap.demo;

import io.elastisnap.cli.CliException;
import io.elastisnap.cli.ExitCode;
import io.elastisnap.cli.libvirt.LibvirtHost;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import org.libvirt.Domain;
import org.libvirt.LibvirtException;

/**
 * A real QEMU (TCG) guest running qemu-guest-agent, on the end-to-end fixture's libvirtd: kernel + busybox initramfs
 * from the fixture (resources/e2e/guest/init), the simulator's volume images (formatted ext4) as its disks. The guest
 * mounts them on /data, /data1, ... and appends its uptime to /data/heartbeat every 0.2 s, so the freeze is real and
 * visible: the heartbeat stops while the guest is frozen, and the ext4 journal of each snapshot proves it.
 */
public final class RealGuest implements DemoGuest {
    private static final long BOOT_WAIT_MILLIS = 120_000;
    private static final long POLL_MILLIS = 500;
    private static final long HEARTBEAT_WAIT_MILLIS = 10_000;

    private final LibvirtHost host;
    private final String domain;
    private final Path consoleLog;
    private final Consumer<String> progress;

    private RealGuest(LibvirtHost host, String domain, Path consoleLog, Consumer<String> progress) {
        this.host = host;
        this.domain = domain;
        this.consoleLog = consoleLog;
        this.progress = progress;
    }

    /**
     * Formats the images ext4, defines the domain and boots it until its agent answers.
     *
     * @param freezeHook whether qemu-ga runs the guest's fsfreeze hook, which logs each freeze and thaw on the guest's
     *                   clock (see {@link #watchWrites()}); it costs a fork+exec per freeze and thaw, so measurements
     *                   boot without it
     */
    public static RealGuest start(E2eFixture fixture, Path workDir, String domain, Map<String, Path> disks,
                                  boolean freezeHook, Consumer<String> progress) {
        for (Path image : disks.values()) {
            HostTool.runOk(List.of("mkfs.ext4", "-q", "-F", image.toString()));
        }
        LibvirtHost host = LibvirtHost.connect(fixture.libvirtUri());
        Path consoleLog = workDir.resolve("guest-console.log");
        RealGuest guest = new RealGuest(host, domain, consoleLog, progress);
        try {
            guest.removeLeftover();
            host.connection().domainDefineXML(xml(fixture, consoleLog, domain, disks, freezeHook));
            guest.powerOn();
            return guest;
        } catch (LibvirtException e) {
            guest.close();
            throw new CliException(ExitCode.FAILED, "cannot define the demo guest on " + fixture.libvirtUri() + ": "
                    + e.getMessage(), "check the fixture: resources/e2e/fixture.sh status", e);
        } catch (RuntimeException e) {
            guest.close();
            throw e;
        }
    }

    private static String xml(E2eFixture fixture, Path consoleLog, String domain, Map<String, Path> disks,
                              boolean freezeHook) {
        StringBuilder x = new StringBuilder();
        x.append("<domain type='qemu'>\n  <name>").append(domain).append("</name>\n")
                .append("  <memory unit='MiB'>256</memory>\n  <vcpu>1</vcpu>\n")
                .append("  <os><type arch='x86_64' machine='pc'>hvm</type>\n")
                .append("    <kernel>").append(fixture.kernel()).append("</kernel>\n")
                .append("    <initrd>").append(fixture.initramfs()).append("</initrd>\n")
                .append("    <cmdline>console=ttyS0 panic=-1 loglevel=4").append(freezeHook ? " es_freeze_hook=1" : "")
                .append("</cmdline></os>\n")
                .append("  <on_poweroff>destroy</on_poweroff><on_reboot>destroy</on_reboot><on_crash>destroy</on_crash>\n")
                .append("  <devices>\n    <emulator>/usr/bin/qemu-system-x86_64</emulator>\n");
        disks.forEach((target, image) -> x.append("    <disk type='file' device='disk'><driver name='qemu' type='raw'")
                .append(" cache='none'/><source file='").append(image).append("'/><target dev='").append(target)
                .append("' bus='virtio'/></disk>\n"));
        x.append("    <serial type='file'><source path='").append(consoleLog)
                .append("'/><target port='0'/></serial>\n")
                .append("    <channel type='unix'><target type='virtio' name='org.qemu.guest_agent.0'/></channel>\n")
                .append("    <memballoon model='none'/>\n  </devices>\n</domain>\n");
        return x.toString();
    }

    @Override
    public String description() {
        return "a real QEMU guest (TCG) running qemu-guest-agent, on the e2e fixture's libvirtd";
    }

    @Override
    public LibvirtHost libvirt() {
        return host;
    }

    @Override
    public String domain() {
        return domain;
    }

    @Override
    public void powerOff() {
        try {
            Domain d = host.domain(domain);
            if (d.isActive() == 1) {
                d.destroy();
            }
        } catch (LibvirtException e) {
            throw new CliException(ExitCode.FAILED, "cannot stop " + domain + ": " + e.getMessage(), null, e);
        }
    }

    @Override
    public void powerOn() {
        long started = System.nanoTime();
        try {
            Domain d = host.domain(domain);
            d.create();
            progress.accept("booting " + domain + " (TCG) and waiting for its guest agent");
            long deadline = System.currentTimeMillis() + BOOT_WAIT_MILLIS;
            while (true) {
                try {
                    d.qemuAgentCommand("{\"execute\":\"guest-ping\"}", 2, 0);
                    break;
                } catch (LibvirtException notYet) {
                    if (System.currentTimeMillis() > deadline) {
                        throw new CliException(ExitCode.FAILED, "the guest agent of " + domain + " did not answer within "
                                + BOOT_WAIT_MILLIS / 1000 + " s", "rerun with --keep and read " + consoleLog);
                    }
                    Thread.sleep(POLL_MILLIS);
                }
            }
            progress.accept(domain + " is up; its guest agent answered after "
                    + TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - started) + " ms");
        } catch (LibvirtException e) {
            throw new CliException(ExitCode.FAILED, "cannot start " + domain + ": " + e.getMessage(),
                    "check the fixture: resources/e2e/fixture.sh status", e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new CliException(ExitCode.FAILED, "interrupted while booting " + domain, "rerun the demo");
        }
    }

    /**
     * Notes the guest's clock and its freeze hook's log now; the watch's {@code observe()} then reads what the guest
     * wrote since. Needs a guest started with the freeze hook.
     */
    @Override
    public Optional<WriteWatch> watchWrites() {
        GuestShell shell = new GuestShell(host.domain(domain), domain);
        double since = Double.parseDouble(shell.run("cut -d' ' -f1 /proc/uptime").trim());
        int hookLinesBefore = hookLog(shell).size();
        return Optional.of(() -> {
            double now = Double.parseDouble(shell.run("cut -d' ' -f1 /proc/uptime").trim());
            // the heartbeat writer sleeps 0.2 s between writes: wait (bounded) for the first one after this moment
            long deadline = System.currentTimeMillis() + HEARTBEAT_WAIT_MILLIS;
            List<String> beats = heartbeat(shell);
            while (lastBeat(beats) <= now && System.currentTimeMillis() < deadline) {
                sleep(POLL_MILLIS);
                beats = heartbeat(shell);
            }
            List<String> hook = hookLog(shell);
            return GuestObservation.parse(beats, hook.subList(Math.min(hookLinesBefore, hook.size()), hook.size()), since);
        });
    }

    private static List<String> heartbeat(GuestShell shell) {
        return List.of(shell.run("tail -n 400 /data/heartbeat").split("\n"));
    }

    private static List<String> hookLog(GuestShell shell) {
        String log = shell.run("cat /run/fsfreeze-hook.log 2>/dev/null; true");
        return log.isBlank() ? List.of() : List.of(log.split("\n"));
    }

    private static double lastBeat(List<String> beats) {
        for (int i = beats.size() - 1; i >= 0; i--) {
            if (!beats.get(i).isBlank()) {
                return Double.parseDouble(beats.get(i).trim());
            }
        }
        return -1;
    }

    private static void sleep(long millis) {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new CliException(ExitCode.FAILED, "interrupted while reading the guest's heartbeat", "rerun the demo");
        }
    }

    private void removeLeftover() throws LibvirtException {
        for (String name : host.connection().listDefinedDomains()) {
            if (name.equals(domain)) {
                host.connection().domainLookupByName(name).undefine();
            }
        }
        for (int id : host.connection().listDomains()) {
            Domain d = host.connection().domainLookupByID(id);
            if (d.getName().equals(domain)) {
                d.destroy();
                d.undefine();
            }
        }
    }

    @Override
    public void close() {
        try {
            removeLeftover();
        } catch (LibvirtException e) {
            progress.accept("could not remove the demo guest " + domain + ": " + e.getMessage()
                    + " (resources/e2e/fixture.sh stop removes it)");
        } finally {
            host.close();
        }
    }
}
