// Licensed under the Apache License, Version 2.0. See LICENSE in the project root.
package io.elastisnap.cli;

import static io.elastisnap.cli.CliFixture.DOMAIN;
import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertFalse;
import static org.junit.Assert.assertTrue;

import com.google.gson.JsonObject;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.Assume;
import org.junit.Test;

/** What a killed or failing export leaves, and that reconcile (or the next export) removes it. */
public class ExportFailuresTest extends CliTest {
    @Override
    protected boolean realStorage() {
        return true;
    }

    @Test
    public void killMinus9MidCopyLeavesACloneAndAPartialExportThatReconcileRemoves() throws Exception {
        ExportCommandsTest.write(f.vda.imagePath(), 0, 1024, 1); // 64 MiB of random data, compressed: seconds
        String set = createSet();
        Path dir = f.dir.resolve("exports");
        List<String> command = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-cp", System.getProperty("java.class.path"), Main.class.getName(), "export", set, "--to", dir.toString(),
                "--compress", "--config", f.config.toString()));
        Process child = new ProcessBuilder(command).redirectErrorStream(true)
                .redirectOutput(f.dir.resolve("child.log").toFile()).start();
        Path partialFile = awaitPartialFile(dir, child);
        child.destroyForcibly(); // SIGKILL
        assertTrue(child.waitFor(10, TimeUnit.SECONDS));

        assertTrue("a temporary clone is left", clones() > 0);
        assertTrue("the partial export is left", Files.exists(partialFile.getParent()));
        awaitNoQemuImgWriting(partialFile);

        CliFixture.Run reconciled = f.cli("reconcile", "--json");
        assertEquals(reconciled.toString(), 0, reconciled.exitCode);
        JsonObject transfers = reconciled.json().getAsJsonObject("result").getAsJsonObject("transfers");
        String removed = transfers.getAsJsonArray("removed").toString();
        assertTrue(removed, removed.contains("temporary clone esxfer"));
        assertTrue(removed, removed.contains(partialFile.getParent().toString()));
        assertEquals(0, transfers.getAsJsonArray("leftovers").size());
        assertEquals(0, clones());
        assertFalse(Files.exists(partialFile.getParent()));

        assertEquals(0, f.cli("export", set, "--to", dir.toString()).exitCode);
    }

    @Test
    public void aFullTargetFailsNamingItAndLeavesNothing() throws Exception {
        Assume.assumeTrue("mounting a loop device needs root", "root".equals(System.getProperty("user.name")));
        Path image = f.dir.resolve("small.ext4");
        Path mount = Files.createDirectories(f.dir.resolve("small"));
        run("truncate", "-s", "16M", image.toString());
        run("mkfs.ext4", "-q", "-F", image.toString());
        run("mount", "-o", "loop", image.toString(), mount.toString());
        try {
            ExportCommandsTest.write(f.vda.imagePath(), 0, 512, 1); // 32 MiB that do not compress
            String set = createSet();
            CliFixture.Run r = f.cli("export", set, "--to", mount.toString());
            assertEquals(r.toString(), 1, r.exitCode);
            assertTrue(r.err, r.err.toLowerCase().contains("no space left"));
            assertTrue(r.err, r.err.contains("free space on the target"));
            try (Stream<Path> s = Files.walk(mount)) {
                assertTrue("nothing but empty directories left",
                        s.filter(Files::isRegularFile).noneMatch(p -> !p.startsWith(mount.resolve("lost+found"))));
            }
            assertEquals(0, clones());
            CliFixture.Run reconciled = f.cli("reconcile", "--json");
            assertEquals(reconciled.toString(), 0, reconciled.exitCode);
        } finally {
            run("umount", mount.toString());
        }
    }

    private String createSet() {
        CliFixture.Run created = f.cli("create", DOMAIN, "--json");
        assertEquals(created.toString(), 0, created.exitCode);
        return created.json().getAsJsonObject("result").get("id").getAsString();
    }

    /** Array volumes besides vda and vdb: the simulator keeps each volume (a clone too) as {@code <id>.img}. */
    private long clones() throws IOException {
        try (Stream<Path> s = Files.list(f.dir.resolve("array/volumes"))) {
            return s.map(p -> p.getFileName().toString()).filter(n -> n.endsWith(".img"))
                    .filter(n -> !n.equals(f.vda.id() + ".img") && !n.equals(f.vdb.id() + ".img")).count();
        }
    }

    private static Path awaitPartialFile(Path dir, Process child) throws Exception {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(120);
        while (System.nanoTime() < deadline) {
            assertTrue("the export ended before it could be killed", child.isAlive());
            Optional<Path> partial = Optional.empty();
            if (Files.isDirectory(dir.resolve(DOMAIN))) {
                try (Stream<Path> s = Files.walk(dir.resolve(DOMAIN))) {
                    partial = s.filter(p -> p.getFileName().toString().equals("vda.qcow2.partial")).findFirst();
                }
            }
            if (partial.isPresent() && Files.size(partial.get()) > 0) {
                return partial.get();
            }
            Thread.sleep(20);
        }
        throw new AssertionError("no partial file appeared");
    }

    /** qemu-img dies with the killed JVM (setpriv --pdeathsig), so nothing writes the partial file afterwards. */
    private static void awaitNoQemuImgWriting(Path partialFile) throws Exception {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(5);
        while (true) {
            boolean running = false;
            try (Stream<Path> procs = Files.list(Path.of("/proc"))) {
                for (Path p : (Iterable<Path>) procs::iterator) {
                    try {
                        String cmd = new String(Files.readAllBytes(p.resolve("cmdline")), StandardCharsets.UTF_8);
                        running |= cmd.contains("qemu-img") && cmd.contains(partialFile.toString());
                    } catch (IOException | RuntimeException notAProcess) {
                        // not a pid directory, or the process ended
                    }
                }
            }
            if (!running) {
                return;
            }
            assertTrue("qemu-img still writes " + partialFile + " after its JVM was killed", System.nanoTime() < deadline);
            Thread.sleep(100);
        }
    }

    private static void run(String... command) throws Exception {
        Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertTrue(String.join(" ", command) + ": " + out, p.waitFor(60, TimeUnit.SECONDS) && p.exitValue() == 0);
    }
}
