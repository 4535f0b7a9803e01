// Licensed under the Apache License, Version 2.0. See LICENSE in the project root.
package io.elastisnap.cli;

import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import io.elastisnap.elasticenter.ElastiCenterClient;
import io.elastisnap.elasticenter.ElastiCenterConfig;
import io.elastisnap.elasticenter.Secret;
import io.elastisnap.elasticenter.TlsTrust;
import io.elastisnap.simulator.ElastiCenterSimulator;
import io.elastisnap.simulator.SimVolume;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * A simulator on loopback, libvirt test-driver nodes with domain i-2-10-VM (one running, one shut off) whose disks
 * vda/vdb map to two simulator volumes, a key file, a config file and a state directory; runs the CLI in-process.
 */
final class CliFixture implements AutoCloseable {
    static final String DOMAIN = "i-2-10-VM";
    /** Distinctive so any leak into output or logs is found by a plain substring search. */
    static final String API_KEY = "TESTKEY-d41d8cd98f00b204e9800998ecf8427e";

    final Path dir;
    final ElastiCenterSimulator sim;
    final SimVolume vda;
    final SimVolume vdb;
    final Path keyFile;
    final Path config;
    final Path stateDir;
    final Path logFile;
    final String runningUri;
    final String shutOffUri;
    final Map<String, String> env = new HashMap<>();
    /** Every stdout/stderr of this fixture's runs, for the secret-leak assertion. */
    final StringBuilder allOutput = new StringBuilder();

    /** What one CLI run printed and returned. */
    static final class Run {
        final int exitCode;
        final String out;
        final String err;

        Run(int exitCode, String out, String err) {
            this.exitCode = exitCode;
            this.out = out;
            this.err = err;
        }

        JsonObject json() {
            return JsonParser.parseString(out).getAsJsonObject();
        }

        @Override
        public String toString() {
            return "exit " + exitCode + "\n--- stdout\n" + out + "--- stderr\n" + err;
        }
    }

    CliFixture(Path dir) throws IOException {
        this(dir, false);
    }

    /**
     * @param realStorage volumes and snapshots are image files under {@code dir/array}, and the config file's
     *                    {@code volume-access} points export and restore at them
     */
    CliFixture(Path dir, boolean realStorage) throws IOException {
        this(dir, realStorage, false);
    }

    /**
     * @param iscsiTarget the image files are also exported by the simulator's real iSCSI target (tgtd, CHAP enforced),
     *                    and {@code volume-access} reads them over iSCSI with qemu-img's initiator
     */
    CliFixture(Path dir, boolean realStorage, boolean iscsiTarget) throws IOException {
        this.dir = dir;
        ElastiCenterSimulator.Builder builder = ElastiCenterSimulator.builder().apiKey(API_KEY);
        if (realStorage) {
            builder.dataDirectory(Files.createDirectories(dir.resolve("array")));
        }
        if (iscsiTarget) {
            builder.iscsiTarget(0);
        }
        sim = builder.start();
        vda = sim.provisionVolume(DOMAIN + "-ROOT", 64L * 1024 * 1024);
        vdb = sim.provisionVolume(DOMAIN + "-DATA", 64L * 1024 * 1024);
        keyFile = dir.resolve("api-key");
        Files.writeString(keyFile, API_KEY + "\n");
        Files.setPosixFilePermissions(keyFile, PosixFilePermissions.fromString("rw-------"));
        stateDir = dir.resolve("state");
        logFile = dir.resolve("elastisnap.log");
        runningUri = "test://" + node("node-running.xml", false);
        shutOffUri = "test://" + node("node-shutoff.xml", true);
        config = dir.resolve("elastisnap.conf");
        List<String> configLines = new ArrayList<>(List.of(
                "elasticenter.url = " + sim.baseUrl(),
                "elasticenter.api-key-file = " + keyFile,
                "elasticenter.pin-sha256 = " + sim.certificateSha256(),
                "libvirt.uri = " + runningUri,
                "state-dir = " + stateDir,
                "domain." + DOMAIN + ".disk.vda = " + vda.id(),
                "domain." + DOMAIN + ".disk.vdb = " + vdb.id()));
        if (iscsiTarget) {
            configLines.add("volume-access = iscsi:" + sim.iscsiPortal().orElseThrow().split(":")[1] + ":"
                    + ElastiCenterSimulator.ISCSI_LUN);
        } else if (realStorage) {
            configLines.add("volume-access = file:" + dir.resolve("array") + "/volumes/{id}.img");
        }
        Files.writeString(config, String.join("\n", configLines) + "\n");
    }

    /** A copy of the config file without the lines starting with {@code key}, for trust and endpoint variations. */
    Path configWithout(String key) throws IOException {
        Path variant = dir.resolve("without-" + key + ".conf");
        List<String> lines = new ArrayList<>();
        for (String line : Files.readAllLines(config)) {
            if (!line.startsWith(key)) {
                lines.add(line);
            }
        }
        Files.write(variant, lines);
        return variant;
    }

    /** A copy of the config file with {@code lines} appended (its own lines are 1 to 7). */
    Path configWith(String... lines) throws IOException {
        Path variant = dir.resolve("with-" + Integer.toHexString(String.join("\n", lines).hashCode()) + ".conf");
        List<String> all = new ArrayList<>(Files.readAllLines(config));
        all.addAll(Arrays.asList(lines));
        Files.write(variant, all);
        return variant;
    }

    private Path node(String name, boolean shutOff) throws IOException {
        Path file = dir.resolve(name);
        Files.writeString(file, "<node>\n  <domain type='test' xmlns:test='http://libvirt.org/schemas/domain/test/1.0'>\n"
                + "    <name>" + DOMAIN + "</name><memory>524288</memory><vcpu>1</vcpu><os><type>hvm</type></os>\n"
                + "    <devices>\n"
                + "      <disk type='file' device='disk'><source file='/dev/null'/><target dev='vda' bus='virtio'/></disk>\n"
                + "      <disk type='file' device='disk'><source file='/dev/null'/><target dev='vdb' bus='virtio'/></disk>\n"
                + "    </devices>\n" + (shutOff ? "    <test:runstate>5</test:runstate>\n" : "")
                + "  </domain>\n</node>\n");
        return file.toAbsolutePath();
    }

    /** Runs the CLI with the fixture's config file and log file. */
    Run cli(String... args) {
        List<String> all = new ArrayList<>(Arrays.asList(args));
        all.add("--config");
        all.add(config.toString());
        all.add("--log-file");
        all.add(logFile.toString());
        return bare(all.toArray(new String[0]));
    }

    /** Runs the CLI with exactly these arguments and the fixture's environment map. */
    Run bare(String... args) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        int code;
        try (PrintStream o = new PrintStream(out, true, StandardCharsets.UTF_8);
             PrintStream e = new PrintStream(err, true, StandardCharsets.UTF_8)) {
            code = Main.run(args, o, e, env);
        }
        Run run = new Run(code, out.toString(StandardCharsets.UTF_8), err.toString(StandardCharsets.UTF_8));
        allOutput.append(run.out).append(run.err);
        return run;
    }

    /** A client of the simulator, for what a test sets up or checks on the array directly. */
    ElastiCenterClient client() {
        return new ElastiCenterClient(ElastiCenterConfig.builder(sim.baseUrl(), Secret.of(API_KEY))
                .trust(TlsTrust.pinnedSha256(sim.certificateSha256())).build());
    }

    String log() throws IOException {
        return Files.exists(logFile) ? Files.readString(logFile) : "";
    }

    @Override
    public void close() {
        sim.close();
    }
}
