// Licensed under the Apache License, Version 2.0. See LICENSE in the project root.
package io.elastisnap.bench;

import io.elastisnap.demo.E2eFixture;
import io.elastisnap.demo.RealGuest;
import io.elastisnap.cli.libvirt.FsFreezeQuiescer;
import io.elastisnap.cli.libvirt.LibvirtHost;
import io.elastisnap.engine.GuestQuiescer;
import io.elastisnap.engine.libvirt.LibvirtGuestQuiescer;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.io.RandomAccessFile;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.function.Consumer;

/** The guest side of a benchmark: domains to freeze, and the quiescer that freezes them. */
final class Guests implements AutoCloseable {
    private final List<String> domains;
    private final FreezeClock quiescer;
    private final String description;
    private final AutoCloseable resource;

    private Guests(List<String> domains, GuestQuiescer quiescer, String description, AutoCloseable resource) {
        this.domains = domains;
        this.quiescer = new FreezeClock(quiescer);
        this.description = description;
        this.resource = resource;
    }

    /** Latencies a real guest agent adds, added to the test driver's real (instant) FS-freeze calls. */
    static final class AgentLatencies {
        final Duration freeze;
        final Duration thaw;
        final Duration call;

        AgentLatencies(Duration freeze, Duration thaw, Duration call) {
            this.freeze = freeze;
            this.thaw = thaw;
            this.call = call;
        }

        @Override
        public String toString() {
            return "freeze " + freeze.toMillis() + " ms, thaw " + thaw.toMillis() + " ms, other agent calls "
                    + call.toMillis() + " ms";
        }
    }

    /** {@code count} domains i-2-&lt;n&gt;-VM on libvirt's test driver, frozen through virDomainFSFreeze plus modeled latency. */
    static Guests testDriver(Path workDir, int count, AgentLatencies latencies) throws IOException {
        StringBuilder xml = new StringBuilder("<node>\n");
        List<String> names = new ArrayList<>();
        for (int i = 0; i < count; i++) {
            String name = "i-2-" + (10 + i) + "-VM";
            names.add(name);
            xml.append("  <domain type='test'><name>").append(name).append("</name><memory>524288</memory><vcpu>1</vcpu>")
                    .append("<os><type>hvm</type></os><devices><disk type='file' device='disk'><source file='/dev/null'/>")
                    .append("<target dev='vda' bus='virtio'/></disk></devices></domain>\n");
        }
        xml.append("</node>\n");
        Path node = workDir.resolve("bench-node-" + count + ".xml");
        Files.writeString(node, xml.toString(), StandardCharsets.UTF_8);
        LibvirtHost host = LibvirtHost.connect("test://" + node.toAbsolutePath());
        GuestQuiescer q = new ModeledQuiescer(new FsFreezeQuiescer(host.connection()), latencies.freeze, latencies.thaw,
                latencies.call);
        return new Guests(names, q, "libvirt test driver (virDomainFSFreeze/FSThaw, real calls) + modeled agent latency ("
                + latencies + ")", host);
    }

    /** One real QEMU guest with qemu-guest-agent on the e2e fixture, frozen through the engine's agent quiescer. */
    static Optional<Guests> realGuest(Map<String, String> env, Path workDir, Consumer<String> progress) throws IOException {
        return realGuest(env, workDir, progress, 1);
    }

    /** As {@link #realGuest(Map, Path, Consumer)}, with {@code diskCount} disks vda, vdb, ..., each its own ext4. */
    static Optional<Guests> realGuest(Map<String, String> env, Path workDir, Consumer<String> progress, int diskCount)
            throws IOException {
        Optional<E2eFixture> fixture = E2eFixture.detect(env);
        if (fixture.isEmpty()) {
            return Optional.empty();
        }
        Files.createDirectories(workDir);
        Map<String, Path> disks = new TreeMap<>();
        for (int i = 0; i < diskCount; i++) {
            String target = "vd" + (char) ('a' + i);
            Path disk = workDir.resolve("bench-guest-" + target + ".raw");
            try (RandomAccessFile f = new RandomAccessFile(disk.toFile(), "rw")) {
                f.setLength(64L * 1024 * 1024);
            }
            disks.put(target, disk);
        }
        String name = fixture.get().domainPrefix() + "bench" + (diskCount == 1 ? "" : "-" + diskCount);
        RealGuest guest = RealGuest.start(fixture.get(), workDir, name, disks, false, progress);
        GuestQuiescer q = new LibvirtGuestQuiescer(guest.libvirt()::connection);
        return Optional.of(new Guests(List.of(name), q, "REAL QEMU guest " + name + " (TCG, qemu-guest-agent) on "
                + fixture.get().libvirtUri() + ": freeze/thaw times are real", guest));
    }

    List<String> domains() {
        return domains;
    }

    /** The quiescer, instrumented to tell how long each guest was really frozen. */
    FreezeClock quiescer() {
        return quiescer;
    }

    String description() {
        return description;
    }

    @Override
    public void close() {
        try {
            resource.close();
        } catch (Exception e) {
            throw new UncheckedIOException(new IOException("cannot release " + description, e));
        }
    }
}
