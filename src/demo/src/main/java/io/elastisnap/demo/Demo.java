// Licensed under the Apache License, Version 2.0. See LICENSE in the project root.
package io.elastisnap.demo;

import com.google.gson.JsonArray;
import com.google.gson.JsonObject;
import io.elastisnap.cli.CliContext;
import io.elastisnap.cli.CliException;
import io.elastisnap.cli.ExitCode;
import io.elastisnap.cli.config.ConfigFile;
import io.elastisnap.cli.config.Durations;
import io.elastisnap.cli.doctor.Doctor;
import io.elastisnap.cli.ops.CreateOperation;
import io.elastisnap.cli.ops.DeleteOperation;
import io.elastisnap.cli.ops.ListOperation;
import io.elastisnap.cli.ops.RollbackOperation;
import io.elastisnap.cli.ops.VolumeTarget;
import io.elastisnap.cli.output.Output;
import io.elastisnap.cli.store.RecordStore;
import io.elastisnap.cli.store.VolumeRecord;
import io.elastisnap.elasticenter.ElastiCenterClient;
import io.elastisnap.elasticenter.ElastiCenterConfig;
import io.elastisnap.elasticenter.Secret;
import io.elastisnap.elasticenter.TlsTrust;
import io.elastisnap.engine.ConsistencyPolicy;
import io.elastisnap.engine.FreezeLimits;
import io.elastisnap.simulator.ElastiCenterSimulator;
import io.elastisnap.simulator.Fault;
import io.elastisnap.simulator.SimVolume;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Clock;
import java.time.Duration;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import java.util.function.Consumer;
import java.util.function.Function;
import java.util.function.Supplier;
import java.util.stream.Collectors;
import java.util.stream.Stream;

/**
 * The whole cycle on embedded defaults: an ElastiCenter simulator on loopback, a real QEMU guest with
 * qemu-guest-agent on the e2e fixture's libvirtd (or, only when asked, libvirt's test driver, where no guest runs and
 * nothing is frozen), and create, list, rollback (with both of its guards), delete, all through the same operations
 * as the commands. With the real guest it shows what the product is for: the guest's writes stop while it is frozen
 * and resume after the thaw, and each snapshot's ext4 is clean without a journal replay.
 */
public final class Demo {
    /** Which libvirt to use. */
    public enum Mode {
        /** A real QEMU guest on the e2e fixture (the default). */
        REAL_GUEST,
        /** libvirt's test driver: no guest, no freeze; snapshots are taken with policy OFF and say so. */
        TEST_DRIVER
    }

    /** Named like a CloudStack instance (i-<account>-<vm id>-VM). */
    static final String DOMAIN = "i-2-10-VM";
    private static final long VOLUME_BYTES = 64L * 1024 * 1024;
    /** Inside ext4's unused boot block (bytes 0-1023), so host-side markers never touch the guest's file system. */
    private static final long MARKER_OFFSET = 512;
    private static final int MARKER_LENGTH = 64;
    private static final int STEPS = 9;
    /**
     * How late the simulator answers each snapshot of the first create: a freeze as short as the real one (about
     * 0.1 s) would fall between two heartbeats, so the first freeze is held open long enough to see.
     */
    static final Duration HOLD = Duration.ofMillis(1500);
    private static final int SUMMARY_COMMAND_WIDTH = 52;

    private final Output output;
    private final PrintStream out;
    private final Map<String, String> env;
    private final JsonArray steps = new JsonArray();
    private int step;
    /** Cleared when a create could not show what it should: the guest's writes stopping, a clean snapshot. */
    private boolean evidenceShown = true;

    public Demo(Output output, PrintStream out, Map<String, String> env) {
        this.output = output;
        this.out = out;
        this.env = env;
    }

    /** @return the exit code: 0 when every step did what it should (including the two expected refusals) */
    public int run(Mode mode, boolean keep) {
        Optional<E2eFixture> fixture = mode == Mode.TEST_DRIVER ? Optional.empty() : Optional.of(fixture());
        Path work = createWorkDir();
        Path dataDir = fixture.flatMap(E2eFixture::xfsMount)
                .map(m -> m.resolve("elastisnap-demo-" + UUID.randomUUID().toString().substring(0, 8)))
                .orElse(work.resolve("array"));
        long started = System.nanoTime();
        ElastiCenterSimulator sim = ElastiCenterSimulator.builder().dataDirectory(dataDir).start();
        try {
            SimVolume root = sim.provisionVolume(DOMAIN + "-ROOT", VOLUME_BYTES);
            SimVolume data = sim.provisionVolume(DOMAIN + "-DATA", VOLUME_BYTES);
            Map<String, Path> disks = new LinkedHashMap<>();
            disks.put("vda", root.imagePath());
            disks.put("vdb", data.imagePath());
            try (DemoGuest guest = fixture.isPresent()
                    ? RealGuest.start(fixture.get(), work, fixture.get().domainPrefix() + "demo-" + DOMAIN, disks, true,
                            output::progress)
                    : TestDriverGuest.start(work, DOMAIN, disks);
                 ElastiCenterClient client = new ElastiCenterClient(clientConfig(sim))) {
                ConfigFile config = ConfigFile.parse("domain." + guest.domain() + ".disk.vda = " + root.id() + "\n"
                        + "domain." + guest.domain() + ".disk.vdb = " + data.id() + "\n", "(demo defaults)");
                RecordStore store = new RecordStore(work.resolve("state"), Duration.ofSeconds(30));
                header(sim, guest, root, data, store);
                try (CliContext ctx = CliContext.embedded(output, store, config, guest.libvirt(), client, Clock.systemUTC())) {
                    boolean ok = cycle(ctx, sim, guest, List.of(new VolumeTarget("vda", root.id()),
                            new VolumeTarget("vdb", data.id())), data.imagePath());
                    summary(ok, guest, System.nanoTime() - started);
                    return ok ? 0 : ExitCode.FAILED.code();
                }
            }
        } finally {
            sim.close();
            if (keep) {
                output.human(o -> o.println("kept: " + work + (dataDir.startsWith(work) ? "" : " and " + dataDir)));
            } else {
                deleteTree(work);
                deleteTree(dataDir);
            }
        }
    }

    private E2eFixture fixture() {
        return E2eFixture.detect(env).orElseThrow(() -> new CliException(ExitCode.USAGE,
                "no real-guest fixture is running (no usable fixture.env in "
                        + env.getOrDefault("ELASTISNAP_E2E_DIR", E2eFixture.DEFAULT_DIRECTORY.toString()) + ")",
                "run resources/scripts/demo.sh, which installs and starts it (root); or start it yourself:"
                        + " resources/e2e/fixture.sh install && resources/e2e/fixture.sh start; or pass --test-driver"
                        + " for a run in which no guest is frozen"));
    }

    /** The nine steps; each one says what it shows and the command line it stands for. */
    private boolean cycle(CliContext ctx, ElastiCenterSimulator sim, DemoGuest guest, List<VolumeTarget> volumes,
                          Path dataImage) {
        String d = guest.domain();
        boolean ok = true;

        Doctor.Report health = timed("doctor " + d, "host and storage checks",
                () -> new Doctor(ctx, ctx.config()).run(List.of(d), true), r -> r.toJson(), r -> r.print(indented()));
        ok &= health != null && health.healthy();

        writeMarker(dataImage, "written before the first snapshot");
        say("      (vdb now holds: \"written before the first snapshot\")");
        boolean held = !guest.libvirt().isTestDriver();
        if (held) {
            sim.faults().inject("createStorageSnapshot", Fault.latency(HOLD).times(volumes.size()));
        }
        CreateOperation.Result first = create(ctx, sim, guest, volumes, held
                ? "freeze the guest once, snapshot vda and vdb in parallel, thaw; the simulator answers each snapshot "
                        + Durations.format(HOLD) + " late, so the freeze lasts long enough to see in the guest's heartbeat"
                : "snapshot vda and vdb in parallel (policy off: no guest runs on the test driver, nothing is frozen)");
        sim.faults().clear("createStorageSnapshot");
        ok &= first != null;

        writeMarker(dataImage, "written after the first snapshot");
        say("      (vdb now holds \"written after the first snapshot\")");
        CreateOperation.Result second = create(ctx, sim, guest, volumes, held
                ? "a newer snapshot set at the simulator's own speed: the freeze as short as it is (the freeze hook that"
                        + " logs it for this demo adds a fork+exec to freeze and thaw under software emulation)"
                : "a newer snapshot set");
        ok &= second != null;

        ListOperation.Result listed = timed("list " + d, "records joined with the array's listStorageSnapshots",
                () -> new ListOperation(ctx).run(d, false), ListOperation.Result::toJson, r -> r.print(indented()));
        ok &= listed != null && listed.inSync() && listed.rows().size() == 2 * volumes.size();
        if (first == null || second == null) {
            return false;
        }
        String firstId = first.set().id();

        ok &= refused("rollback " + firstId.substring(0, 8), "guard 1: " + d + " is running",
                () -> new RollbackOperation(ctx).run(firstId, List.of(), false));

        say("      " + virsh(guest, "destroy") + "   (power it off so its disks can be rolled back)");
        guest.powerOff();
        ok &= refused("rollback " + firstId.substring(0, 8), "guard 2: the newer set would be destroyed",
                () -> new RollbackOperation(ctx).run(firstId, List.of(), false));

        RollbackOperation.Result rolled = timed("rollback " + firstId.substring(0, 8) + " --force-destroy-newer",
                "roll both volumes back to the first set, destroying the newer one",
                () -> new RollbackOperation(ctx).run(firstId, List.of(), true), RollbackOperation.Result::toJson,
                r -> r.print(indented()));
        String marker = readMarker(dataImage);
        boolean restored = marker.equals("written before the first snapshot");
        say("      vdb holds \"" + marker + "\" again: " + (restored ? "rollback restored the data" : "NOT RESTORED"));
        ok &= rolled != null && restored;
        say("      " + virsh(guest, "start"));
        guest.powerOn();

        DeleteOperation.Result deleted = timed("delete " + firstId.substring(0, 8), "delete the remaining set",
                () -> new DeleteOperation(ctx).one(firstId), DeleteOperation.Result::toJson, r -> r.print(indented()));
        ok &= deleted != null;

        ListOperation.Result after = timed("list " + d, "nothing left in the records or on the array",
                () -> new ListOperation(ctx).run(d, false), ListOperation.Result::toJson, r -> r.print(indented()));
        ok &= after != null && after.inSync() && after.rows().isEmpty()
                && volumes.stream().allMatch(v -> sim.snapshotPaths(v.volumeId()).isEmpty());
        return ok && evidenceShown;
    }

    /**
     * One create step. With a real guest it then shows what the guest saw (its heartbeat and its own freeze and
     * thaw) and checks each snapshot's file system; a step whose evidence is missing counts as failed.
     */
    private CreateOperation.Result create(CliContext ctx, ElastiCenterSimulator sim, DemoGuest guest,
                                          List<VolumeTarget> volumes, String title) {
        String d = guest.domain();
        String diskFlags = volumes.stream().map(v -> "--disk " + v.disk() + "=" + v.volumeId()).collect(Collectors.joining(" "));
        ConsistencyPolicy policy = guest.libvirt().isTestDriver() ? ConsistencyPolicy.OFF : ConsistencyPolicy.REQUIRED;
        Optional<DemoGuest.WriteWatch> watch = guest.watchWrites();
        CreateOperation.Result result = timed("create " + d + " " + diskFlags + " --policy "
                        + policy.name().toLowerCase(Locale.ROOT), title,
                () -> new CreateOperation(ctx).run(new CreateOperation.Request(d, volumes, policy, List.of(),
                        FreezeLimits.defaults())), CreateOperation.Result::toJson, r -> r.print(indented()));
        if (result == null) {
            return null;
        }
        JsonObject stepResult = steps.get(steps.size() - 1).getAsJsonObject().getAsJsonObject("result");
        boolean shown = true;
        if (watch.isPresent()) {
            GuestObservation seen = watch.get().observe();
            say("      what the guest saw, on its own clock (uptime in s; every 0.2 s it stamps a heartbeat, then appends"
                    + " it to /data/heartbeat):");
            seen.describe().forEach(line -> say("        " + line));
            stepResult.add("guest", seen.toJson());
            shown = seen.writesStoppedAndResumed();
        }
        if (!guest.libvirt().isTestDriver()) {
            JsonObject checks = new JsonObject();
            for (VolumeRecord v : result.set().volumes()) {
                SnapshotFileSystem fs = SnapshotFileSystem.check(sim.snapshotImagePath(v.volumeId(), v.snapshotName()));
                say("      " + v.disk() + " snapshot: " + fs.describe());
                checks.add(v.disk(), fs.toJson());
                shown &= fs.clean();
            }
            stepResult.add("snapshotFileSystems", checks);
        }
        if (!shown) {
            evidenceShown = false;
            say("      (this step FAILS the demo: the evidence above is missing)");
        }
        return result;
    }

    /** The virsh command line an operator would type for what the demo does through its own connection. */
    private static String virsh(DemoGuest guest, String action) {
        return guest.libvirt().isTestDriver()
                ? "(virsh " + action + " " + guest.domain() + ", done through the demo's own test-driver connection:"
                        + " its state lives in that connection only)"
                : "$ virsh -c " + guest.libvirt().uri() + " " + action + " " + guest.domain();
    }

    /** Runs one step; a failure is printed like the CLI prints it and returns null. */
    private <T> T timed(String command, String title, Supplier<T> action, Function<T, JsonObject> json,
                        Consumer<T> human) {
        begin(command, title);
        long t0 = System.nanoTime();
        try {
            T result = action.get();
            long ms = (System.nanoTime() - t0) / 1_000_000;
            output.human(o -> human.accept(result));
            record(command, ExitCode.OK, ms, json.apply(result));
            output.human(o -> o.println("      ok, " + ms + " ms"));
            return result;
        } catch (CliException e) {
            long ms = (System.nanoTime() - t0) / 1_000_000;
            output.human(o -> o.println("      error: " + e.oneLine() + " (exit " + e.exitCode().code() + ", UNEXPECTED)"));
            record(command, e.exitCode(), ms, error(e));
            return null;
        }
    }

    /** A step that must be refused by a guard (exit code 5). */
    private boolean refused(String command, String title, Runnable action) {
        begin(command, title);
        long t0 = System.nanoTime();
        try {
            action.run();
            output.human(o -> o.println("      NOT refused: the guard did not hold"));
            record(command, ExitCode.OK, (System.nanoTime() - t0) / 1_000_000, new JsonObject());
            return false;
        } catch (CliException e) {
            boolean expected = e.exitCode() == ExitCode.REFUSED;
            output.human(o -> o.println("      error: " + e.oneLine()));
            output.human(o -> o.println("      refused with exit " + e.exitCode().code()
                    + (expected ? ", as it should be" : ", UNEXPECTED")));
            record(command, e.exitCode(), (System.nanoTime() - t0) / 1_000_000, error(e));
            return expected;
        }
    }

    private void begin(String command, String title) {
        step++;
        output.human(o -> {
            o.println();
            o.println("[" + step + "/" + STEPS + "] " + title);
            o.println("      $ elastisnap " + command);
        });
    }

    private void record(String command, ExitCode code, long ms, JsonObject body) {
        JsonObject s = new JsonObject();
        s.addProperty("step", step);
        s.addProperty("command", "elastisnap " + command);
        s.addProperty("exitCode", code.code());
        s.addProperty("millis", ms);
        s.add(code == ExitCode.OK ? "result" : "error", body);
        steps.add(s);
    }

    private static JsonObject error(CliException e) {
        JsonObject o = new JsonObject();
        o.addProperty("kind", e.exitCode().kind());
        o.addProperty("message", e.getMessage());
        o.addProperty("fix", e.fix());
        return o;
    }

    /** The demo's JSON result (--json). */
    public JsonObject json() {
        JsonObject o = new JsonObject();
        o.add("steps", steps);
        return o;
    }

    private void header(ElastiCenterSimulator sim, DemoGuest guest, SimVolume root, SimVolume data, RecordStore store) {
        boolean testDriver = guest.libvirt().isTestDriver();
        output.human(o -> {
            o.println("ElastiSnap demo: crash-consistent snapshots of a KVM guest on (simulated) ElastiStor");
            o.println("  ElastiCenter  simulator at " + sim.baseUrl() + " (loopback HTTPS; certificate pinned, SHA-256 "
                    + sim.certificateSha256().substring(0, 16) + "...)");
            o.println("                array data in " + sim.dataDirectory().map(Path::toString).orElse("memory") + "; snapshots are "
                    + (sim.reflinkSupported() ? "reflink copies (copy-on-write, constant time, like ZFS)"
                    : "full copies (no reflink on this file system)"));
            o.println("  libvirt       " + guest.libvirt().uri() + ": " + guest.description());
            o.println("                domain " + guest.domain() + " with disks vda, vdb");
            if (testDriver) {
                o.println("                NO GUEST IS FROZEN in this run: snapshots are taken with policy off and"
                        + " recorded CRASH_CONSISTENT");
            } else {
                o.println("                ext4 on vda (/data) and vdb (/data1); the guest appends its uptime to"
                        + " /data/heartbeat every 0.2 s");
                o.println("                the freeze goes through the guest agent (guest-fsfreeze-freeze / -thaw);"
                        + " policy required");
            }
            o.println("  volumes       vda -> " + root.id() + " (" + root.zfsPath() + ")");
            o.println("                vdb -> " + data.id() + " (" + data.zfsPath() + ")");
            o.println("  records       " + store.recordsFile() + " (and the freeze journal next to it)");
        });
    }

    private void summary(boolean ok, DemoGuest guest, long nanos) {
        output.human(o -> {
            o.println();
            o.println("Summary (" + Durations.format(Duration.ofNanos(nanos)) + "):");
            for (int i = 0; i < steps.size(); i++) {
                JsonObject s = steps.get(i).getAsJsonObject();
                String command = s.get("command").getAsString();
                if (command.length() > SUMMARY_COMMAND_WIDTH) {
                    command = command.substring(0, SUMMARY_COMMAND_WIDTH - 3) + "...";
                }
                o.println(String.format("  %d. %-" + SUMMARY_COMMAND_WIDTH + "s exit %d  %6d ms%s", s.get("step").getAsInt(),
                        command, s.get("exitCode").getAsInt(), s.get("millis").getAsLong(), createSummary(s)));
            }
            if (!ok) {
                o.println("demo FAILED: see the steps above");
            } else if (guest.libvirt().isTestDriver()) {
                o.println("demo OK on libvirt's test driver: create -> list -> rollback (guards held) -> delete; records"
                        + " and array agree. No guest was frozen: run it without --test-driver to see a real freeze");
            } else {
                o.println("demo OK: a real guest frozen for each snapshot set (its writes stopped and resumed, each"
                        + " snapshot's ext4 clean), rollback guards held, records and array agree");
            }
        });
    }

    /** A create step's level and frozen window (and what the guest saw) for its summary line; empty for other steps. */
    private static String createSummary(JsonObject step) {
        if (!step.has("result") || !step.getAsJsonObject("result").has("consistencyLevel")) {
            return "";
        }
        JsonObject r = step.getAsJsonObject("result");
        String level = r.get("consistencyLevel").getAsString();
        if (!level.equals("FS_FROZEN")) {
            return "  " + level + " (nothing frozen)";
        }
        String line = "  " + level + ", frozen window " + r.get("frozenWindowMs").getAsLong() + " ms";
        if (r.has("guest")) {
            line += ", heartbeat gap " + r.getAsJsonObject("guest").get("longestHeartbeatGapMs").getAsLong() + " ms";
        }
        return line;
    }

    private void say(String line) {
        output.human(o -> o.println(line));
    }

    private PrintStream indented() {
        return new PrintStream(new java.io.OutputStream() {
            private boolean lineStart = true;

            @Override
            public void write(int b) {
                if (lineStart) {
                    out.print("      ");
                }
                out.write(b);
                lineStart = b == '\n';
            }
        }, true);
    }

    private static ElastiCenterConfig clientConfig(ElastiCenterSimulator sim) {
        return ElastiCenterConfig.builder(sim.baseUrl(), Secret.of(sim.apiKey()))
                .trust(TlsTrust.pinnedSha256(sim.certificateSha256())).build();
    }

    private static void writeMarker(Path image, String text) {
        byte[] bytes = new byte[MARKER_LENGTH];
        byte[] t = text.getBytes(StandardCharsets.US_ASCII);
        System.arraycopy(t, 0, bytes, 0, Math.min(t.length, MARKER_LENGTH));
        try (FileChannel ch = FileChannel.open(image, StandardOpenOption.WRITE)) {
            ch.write(ByteBuffer.wrap(bytes), MARKER_OFFSET);
            ch.force(true);
        } catch (IOException e) {
            throw new CliException(ExitCode.FAILED, "cannot write the demo marker into " + image + ": " + e.getMessage(),
                    "check free space and permissions of the temporary directory");
        }
    }

    private static String readMarker(Path image) {
        ByteBuffer buf = ByteBuffer.allocate(MARKER_LENGTH);
        try (FileChannel ch = FileChannel.open(image, StandardOpenOption.READ)) {
            ch.read(buf, MARKER_OFFSET);
        } catch (IOException e) {
            throw new CliException(ExitCode.FAILED, "cannot read the demo marker from " + image + ": " + e.getMessage(),
                    "check free space and permissions of the temporary directory");
        }
        return new String(buf.array(), StandardCharsets.US_ASCII).trim();
    }

    private static Path createWorkDir() {
        try {
            return Files.createTempDirectory("elastisnap-demo-");
        } catch (IOException e) {
            throw new CliException(ExitCode.FAILED, "cannot create a temporary directory: " + e.getMessage(),
                    "check free space and permissions of " + System.getProperty("java.io.tmpdir"));
        }
    }

    private static void deleteTree(Path root) {
        if (!Files.exists(root)) {
            return;
        }
        try (Stream<Path> paths = Files.walk(root)) {
            for (Path p : paths.sorted(Comparator.reverseOrder()).collect(Collectors.toList())) {
                Files.deleteIfExists(p);
            }
        } catch (IOException e) {
            // a leftover temp directory is harmless; the OS cleans tmp
        }
    }
}
