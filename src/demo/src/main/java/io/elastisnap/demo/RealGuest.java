// Licensed under the Apache License, Version 2.0. See LICENSE in the project root.
package io.elastisnap.demo;

import io.elastisnap.cli.CliException;
import io.elastisnap.cli.ExitCode;
import io.elastisnap.cli.libvirt.LibvirtHost;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
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
 * from the fixture, the simulator's volume images (formatted ext4) as its disks. The guest mounts them on /data,
 * /data1 and keeps writing a heartbeat, so the freeze is real and the ext4 journal of each snapshot proves it.
 */
public final class RealGuest implements DemoGuest {
    private static final long BOOT_WAIT_MILLIS = 120_000;
    private static final long POLL_MILLIS = 500;

    private final LibvirtHost host;
    private final String domain;
    private final Consumer<String> progress;

    private RealGuest(LibvirtHost host, String domain, Consumer<String> progress) {
        this.host = host;
        this.domain = domain;
        this.progress = progress;
    }

    public static RealGuest start(E2eFixture fixture, Path workDir, String domain, Map<String, Path> disks, Consumer<String> progress) {
        for (Path image : disks.values()) {
            run(List.of("mkfs.ext4", "-q", "-F", image.toString()), "format " + image);
        }
        LibvirtHost host = LibvirtHost.connect(fixture.libvirtUri());
        RealGuest guest = new RealGuest(host, domain, progress);
        try {
            guest.removeLeftover();
            host.connection().domainDefineXML(xml(fixture, workDir, domain, disks));
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

    private static String xml(E2eFixture fixture, Path workDir, String domain, Map<String, Path> disks) {
        StringBuilder x = new StringBuilder();
        x.append("<domain type='qemu'>\n  <name>").append(domain).append("</name>\n")
                .append("  <memory unit='MiB'>256</memory>\n  <vcpu>1</vcpu>\n")
                .append("  <os><type arch='x86_64' machine='pc'>hvm</type>\n")
                .append("    <kernel>").append(fixture.kernel()).append("</kernel>\n")
                .append("    <initrd>").append(fixture.initramfs()).append("</initrd>\n")
                .append("    <cmdline>console=ttyS0 panic=-1 loglevel=4</cmdline></os>\n")
                .append("  <on_poweroff>destroy</on_poweroff><on_reboot>destroy</on_reboot><on_crash>destroy</on_crash>\n")
                .append("  <devices>\n    <emulator>/usr/bin/qemu-system-x86_64</emulator>\n");
        disks.forEach((target, image) -> x.append("    <disk type='file' device='disk'><driver name='qemu' type='raw'")
                .append(" cache='none'/><source file='").append(image).append("'/><target dev='").append(target)
                .append("' bus='virtio'/></disk>\n"));
        x.append("    <serial type='file'><source path='").append(workDir.resolve("guest-console.log"))
                .append("'/><target port='0'/></serial>\n")
                .append("    <channel type='unix'><target type='virtio' name='org.qemu.guest_agent.0'/></channel>\n")
                .append("    <memballoon model='none'/>\n  </devices>\n</domain>\n");
        return x.toString();
    }

    @Override
    public String description() {
        return "real QEMU guest with qemu-guest-agent (TCG) on the e2e fixture's libvirtd";
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
                                + BOOT_WAIT_MILLIS / 1000 + " s", "see its console log in the demo's work directory");
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

    /** ext4 clears needs_recovery when frozen, so a clean journal in the snapshot proves the freeze happened first. */
    @Override
    public Optional<String> inspectSnapshot(Path snapshotImage) {
        String header;
        try {
            header = run(List.of("dumpe2fs", "-h", snapshotImage.toString()), "read the ext4 header of " + snapshotImage);
        } catch (CliException e) {
            return Optional.empty();
        }
        for (String line : header.split("\n")) {
            if (line.startsWith("Filesystem features:")) {
                return Optional.of(line.contains("needs_recovery")
                        ? "ext4 in the snapshot NEEDS journal recovery: it was not taken frozen"
                        : "ext4 in the snapshot needs no journal recovery (needs_recovery=0): it was taken while frozen");
            }
        }
        return Optional.empty();
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

    private static String run(List<String> command, String what) {
        try {
            Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
            byte[] out = p.getInputStream().readAllBytes();
            if (!p.waitFor(60, TimeUnit.SECONDS) || p.exitValue() != 0) {
                throw new CliException(ExitCode.FAILED, "cannot " + what + ": " + String.join(" ", command) + " failed: "
                        + new String(out, StandardCharsets.UTF_8).trim(), "install e2fsprogs");
            }
            return new String(out, StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new CliException(ExitCode.FAILED, "cannot " + what + ": " + e.getMessage(), "install e2fsprogs");
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new CliException(ExitCode.FAILED, "interrupted while trying to " + what, "rerun the demo");
        }
    }
}
