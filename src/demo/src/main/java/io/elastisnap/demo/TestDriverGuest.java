// Licensed under the Apache License, Version 2.0. See LICENSE in the project root.
package io.elastisnap.demo;

import io.elastisnap.cli.CliException;
import io.elastisnap.cli.ExitCode;
import io.elastisnap.cli.libvirt.LibvirtHost;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.Optional;
import org.libvirt.LibvirtException;

/**
 * libvirt's test driver with a custom node: one domain named like a CloudStack instance whose disks are the
 * simulator's volume images. Runs inside the client library (no daemon); its state lives in this one connection.
 */
final class TestDriverGuest implements DemoGuest {
    private final LibvirtHost host;
    private final String domain;

    private TestDriverGuest(LibvirtHost host, String domain) {
        this.host = host;
        this.domain = domain;
    }

    /** @param disks disk target (vda) to image file, in order */
    static TestDriverGuest start(Path workDir, String domain, Map<String, Path> disks) {
        StringBuilder xml = new StringBuilder();
        xml.append("<node>\n  <domain type='test'>\n    <name>").append(domain).append("</name>\n")
                .append("    <memory>524288</memory>\n    <vcpu>1</vcpu>\n    <os><type>hvm</type></os>\n")
                .append("    <devices>\n");
        disks.forEach((target, image) -> xml.append("      <disk type='file' device='disk'>\n")
                .append("        <source file='").append(image).append("'/>\n")
                .append("        <target dev='").append(target).append("' bus='virtio'/>\n")
                .append("      </disk>\n"));
        xml.append("    </devices>\n  </domain>\n</node>\n");
        Path node = workDir.resolve("testdriver-node.xml");
        try {
            Files.writeString(node, xml.toString(), StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new CliException(ExitCode.FAILED, "cannot write the test-driver node XML " + node + ": " + e.getMessage(),
                    "rerun with --debug and report it");
        }
        return new TestDriverGuest(LibvirtHost.connect("test://" + node.toAbsolutePath()), domain);
    }

    @Override
    public String description() {
        return "libvirt's test driver: NO GUEST runs, so nothing is frozen (run without --test-driver for a real guest)";
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
            host.domain(domain).destroy();
        } catch (LibvirtException e) {
            throw new CliException(ExitCode.FAILED, "cannot stop " + domain + " on the test driver: " + e.getMessage(),
                    "rerun with --debug and report it");
        }
    }

    @Override
    public void powerOn() {
        try {
            host.domain(domain).create();
        } catch (LibvirtException e) {
            throw new CliException(ExitCode.FAILED, "cannot start " + domain + " on the test driver: " + e.getMessage(),
                    "rerun with --debug and report it");
        }
    }

    @Override
    public Optional<WriteWatch> watchWrites() {
        return Optional.empty();
    }

    @Override
    public void close() {
        host.close();
    }
}
