// Licensed under the Apache License, Version 2.0. See LICENSE in the project root.
package io.elastisnap.cli;

import static io.elastisnap.cli.CliFixture.DOMAIN;
import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertFalse;
import static org.junit.Assert.assertNotEquals;
import static org.junit.Assert.assertTrue;

import com.google.gson.JsonArray;
import com.google.gson.JsonObject;
import io.elastisnap.simulator.Fault;
import java.io.IOException;
import java.io.RandomAccessFile;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.util.Random;
import java.util.stream.Stream;
import org.junit.Test;

/** export, verify, restore and prune against the simulator's image files, with the real qemu-img. */
public class ExportCommandsTest extends CliTest {
    private static final int BLOCK = 64 * 1024;

    @Override
    protected boolean realStorage() {
        return true;
    }

    @Test
    public void exportThenOverwriteThenRestoreBringsTheDataBack() throws Exception {
        write(f.vda.imagePath(), 0, 160, 1);
        write(f.vdb.imagePath(), 100, 16, 2);
        String vdaAtSnapshot = sha256(f.vda.imagePath());
        String vdbAtSnapshot = sha256(f.vdb.imagePath());
        String set = createSet();
        Path dir = f.dir.resolve("exports");

        CliFixture.Run exported = f.cli("export", set, "--to", dir.toString(), "--json");
        assertEquals(exported.toString(), 0, exported.exitCode);
        JsonObject r = exported.json().getAsJsonObject("result");
        Path export = Path.of(r.get("export").getAsString());
        assertTrue(Files.isRegularFile(export.resolve("manifest.json")));
        JsonArray volumes = r.getAsJsonArray("volumes");
        assertEquals(2, volumes.size());
        JsonObject vda = volumes.get(0).getAsJsonObject();
        assertEquals("full", vda.get("mode").getAsString());
        assertEquals(160L * BLOCK, vda.get("bytesRead").getAsLong());
        assertTrue("sparse: " + vda, vda.get("bytesWritten").getAsLong() < 12L << 20);
        assertEquals(sha256(Path.of(vda.get("file").getAsString())), vda.get("sha256").getAsString());
        assertTrue(r.getAsJsonObject("totals").get("bytesWritten").getAsLong() > 0);
        assertTrue(r.getAsJsonObject("target").get("fileSystemAvailableBytes").getAsLong() > 0);
        assertNoLeftovers(dir);

        CliFixture.Run verified = f.cli("verify", export.toString());
        assertEquals(verified.toString(), 0, verified.exitCode);
        assertTrue(verified.out, verified.out.contains("export verified"));

        write(f.vda.imagePath(), 0, 160, 99); // the guest overwrites its data
        write(f.vdb.imagePath(), 100, 16, 98);
        assertNotEquals(vdaAtSnapshot, sha256(f.vda.imagePath()));

        CliFixture.Run running = f.cli("restore", export.toString());
        assertEquals(running.toString(), 5, running.exitCode);
        assertTrue(running.err, running.err.contains("domain " + DOMAIN + " is running"));

        CliFixture.Run restored = f.cli("restore", export.toString(), "-c", f.shutOffUri, "--json");
        assertEquals(restored.toString(), 0, restored.exitCode);
        assertEquals(vdaAtSnapshot, sha256(f.vda.imagePath()));
        assertEquals(vdbAtSnapshot, sha256(f.vdb.imagePath()));
    }

    @Test
    public void aSecondExportIsIncrementalAndRestoresItsOwnData() throws Exception {
        write(f.vda.imagePath(), 0, 320, 1);
        Path dir = f.dir.resolve("exports");
        String first = createSet();
        JsonObject full = export(first, dir);
        write(f.vda.imagePath(), 0, 3, 5); // 1 % of the blocks with data
        String atSecond = sha256(f.vda.imagePath());
        String second = createSet();
        JsonObject inc = export(second, dir);

        JsonObject fullVda = full.getAsJsonArray("volumes").get(0).getAsJsonObject();
        JsonObject incVda = inc.getAsJsonArray("volumes").get(0).getAsJsonObject();
        assertEquals("incremental", incVda.get("mode").getAsString());
        assertEquals(Path.of(full.get("export").getAsString()).getFileName().toString(), incVda.get("baseExport").getAsString());
        long fullBytes = fullVda.get("bytesWritten").getAsLong();
        long incBytes = incVda.get("bytesWritten").getAsLong();
        assertTrue("incremental " + incBytes + " vs full " + fullBytes, incBytes * 10 <= fullBytes);

        write(f.vda.imagePath(), 0, 320, 77);
        CliFixture.Run restored = f.cli("restore", inc.get("export").getAsString(), "--disk", "vda", "-c", f.shutOffUri);
        assertEquals(restored.toString(), 0, restored.exitCode);
        assertEquals(atSecond, sha256(f.vda.imagePath()));

        CliFixture.Run forcedFull = f.cli("export", createSet(), "--to", dir.toString(), "--full", "--json");
        assertEquals("full", forcedFull.json().getAsJsonObject("result").getAsJsonArray("volumes").get(0)
                .getAsJsonObject().get("mode").getAsString());
    }

    @Test
    public void oneCorruptByteIsRefusedByVerifyAndRestoreNamingTheFile() throws Exception {
        write(f.vda.imagePath(), 0, 32, 1);
        JsonObject r = export(createSet(), f.dir.resolve("exports"));
        Path file = Path.of(r.getAsJsonArray("volumes").get(0).getAsJsonObject().get("file").getAsString());
        flipByte(file, Files.size(file) / 2);
        String before = sha256(f.vda.imagePath());

        CliFixture.Run verified = f.cli("verify", r.get("export").getAsString(), "--json");
        assertEquals(verified.toString(), 1, verified.exitCode);
        assertTrue(verified.out, verified.out.contains(file + " is corrupt"));

        CliFixture.Run restored = f.cli("restore", r.get("export").getAsString(), "-c", f.shutOffUri);
        assertEquals(restored.toString(), 1, restored.exitCode);
        assertTrue(restored.err, restored.err.contains("refusing to restore: copy " + file + " is corrupt"));
        assertTrue(restored.err, restored.err.contains("nothing was written"));
        assertEquals(before, sha256(f.vda.imagePath()));
    }

    @Test
    public void restoreNamesNewerSnapshotsAndCanRestoreIntoANewVolume() throws Exception {
        write(f.vda.imagePath(), 0, 32, 1);
        String atFirst = sha256(f.vda.imagePath());
        JsonObject r = export(createSet(), f.dir.resolve("exports"));
        write(f.vda.imagePath(), 0, 32, 2);
        createSet();

        CliFixture.Run refused = f.cli("restore", r.get("export").getAsString(), "-c", f.shutOffUri);
        assertEquals(refused.toString(), 5, refused.exitCode);
        assertTrue(refused.err, refused.err.contains("newer than this export"));
        assertTrue(refused.err, refused.err.contains("vda: "));

        CliFixture.Run intoNew = f.cli("restore", r.get("export").getAsString(), "--disk", "vda", "--to-new-volume", "--json");
        assertEquals(intoNew.toString(), 0, intoNew.exitCode);
        JsonObject restored = intoNew.json().getAsJsonObject("result").getAsJsonArray("restored").get(0).getAsJsonObject();
        assertTrue(restored.get("newVolume").getAsBoolean());
        Path newImage = f.dir.resolve("array/volumes/" + restored.get("volumeId").getAsString() + ".img");
        assertEquals(atFirst, sha256Prefix(newImage, Files.size(f.vda.imagePath())));

        CliFixture.Run forced = f.cli("restore", r.get("export").getAsString(), "-c", f.shutOffUri, "--force-overwrite-newer");
        assertEquals(forced.toString(), 0, forced.exitCode);
        assertEquals(atFirst, sha256(f.vda.imagePath()));
    }

    @Test
    public void aFailingCloneLeavesNoExportNoCloneAndNamesTheSnapshot() throws Exception {
        String set = createSet();
        f.sim.faults().inject("cloneDatasetSnapshot", Fault.error(530, "pool is busy").times(1));
        Path dir = f.dir.resolve("exports");
        CliFixture.Run r = f.cli("export", set, "--to", dir.toString());
        assertEquals(r.toString(), 1, r.exitCode);
        assertTrue(r.err, r.err.contains("cloning snapshot"));
        assertTrue(r.err, r.err.contains("nothing was left on the array"));
        assertNoLeftovers(dir);
        try (Stream<Path> s = Files.list(dir.resolve(DOMAIN))) {
            assertEquals("no export directory", 0, s.count());
        }
        assertEquals(0, f.cli("export", set, "--to", dir.toString()).exitCode);
    }

    @Test
    public void pruneNeverDeletesABaseAKeptIncrementalNeeds() throws Exception {
        write(f.vda.imagePath(), 0, 8, 1);
        Path dir = f.dir.resolve("exports");
        String e1 = Path.of(export(createSet(), dir).get("export").getAsString()).getFileName().toString();
        write(f.vda.imagePath(), 0, 1, 2);
        String e2 = Path.of(export(createSet(), dir).get("export").getAsString()).getFileName().toString();
        write(f.vda.imagePath(), 0, 1, 3);
        String e3 = Path.of(export(createSet(), dir).get("export").getAsString()).getFileName().toString();

        CliFixture.Run dry = f.cli("prune", dir.toString(), "--keep-last", "1", "--dry-run", "--json");
        assertEquals(dry.toString(), 0, dry.exitCode);
        JsonObject d = dry.json().getAsJsonObject("result").getAsJsonArray("domains").get(0).getAsJsonObject();
        assertEquals("[\"" + e3 + "\"]", d.getAsJsonArray("kept").toString());
        assertEquals(2, d.getAsJsonArray("keptAsBase").size());
        assertEquals(0, d.getAsJsonArray("wouldDelete").size());

        write(f.vda.imagePath(), 0, 1, 4);
        String e4 = Path.of(f.cli("export", createSet(), "--to", dir.toString(), "--full", "--json").json()
                .getAsJsonObject("result").get("export").getAsString()).getFileName().toString();
        CliFixture.Run dry2 = f.cli("prune", dir.toString(), "--keep-last", "1", "--dry-run");
        assertTrue(dry2.out, dry2.out.contains("would delete " + e1));
        assertTrue("dry run deletes nothing", Files.isDirectory(dir.resolve(DOMAIN).resolve(e1)));

        CliFixture.Run pruned = f.cli("prune", dir.toString(), "--keep-last", "1", "--json");
        assertEquals(pruned.toString(), 0, pruned.exitCode);
        for (String gone : new String[] {e1, e2, e3}) {
            assertFalse(gone, Files.exists(dir.resolve(DOMAIN).resolve(gone)));
        }
        assertEquals(0, f.cli("verify", dir.resolve(DOMAIN).resolve(e4).toString()).exitCode);
        assertEquals(2, f.cli("prune", dir.toString()).exitCode);
    }

    @Test
    public void badInputIsNamedWithTheFix() throws Exception {
        CliFixture.Run noExport = f.cli("verify", f.dir.resolve("nothing-here").toString());
        assertEquals(noExport.toString(), 2, noExport.exitCode);
        assertTrue(noExport.err, noExport.err.contains("has no manifest.json"));
        CliFixture.Run badAccess = f.cli("export", createSet(), "--to", f.dir.toString(), "--volume-access", "nfs");
        assertEquals(badAccess.toString(), 2, badAccess.exitCode);
        assertTrue(badAccess.err, badAccess.err.contains("file:TEMPLATE"));
    }

    private String createSet() {
        CliFixture.Run created = f.cli("create", DOMAIN, "--json");
        assertEquals(created.toString(), 0, created.exitCode);
        return created.json().getAsJsonObject("result").get("id").getAsString();
    }

    private JsonObject export(String set, Path dir) {
        CliFixture.Run r = f.cli("export", set, "--to", dir.toString(), "--json");
        assertEquals(r.toString(), 0, r.exitCode);
        return r.json().getAsJsonObject("result");
    }

    private void assertNoLeftovers(Path dir) throws IOException {
        if (Files.isDirectory(dir.resolve(DOMAIN))) {
            try (Stream<Path> s = Files.walk(dir)) {
                assertTrue("no partial file or directory", s.noneMatch(p -> p.toString().endsWith(".partial")));
            }
        }
        CliFixture.Run reconciled = f.cli("reconcile", "--json");
        assertEquals(reconciled.toString(), 0, reconciled.exitCode);
        assertEquals(0, reconciled.json().getAsJsonObject("result").getAsJsonObject("transfers")
                .getAsJsonArray("leftovers").size());
    }

    static void write(Path image, int firstBlock, int blocks, long seed) throws IOException {
        Random random = new Random(seed);
        byte[] block = new byte[BLOCK];
        try (RandomAccessFile raf = new RandomAccessFile(image.toFile(), "rw")) {
            for (int i = 0; i < blocks; i++) {
                random.nextBytes(block);
                raf.seek((long) (firstBlock + i) * BLOCK);
                raf.write(block);
            }
        }
    }

    static void flipByte(Path file, long offset) throws IOException {
        try (RandomAccessFile raf = new RandomAccessFile(file.toFile(), "rw")) {
            raf.seek(offset);
            int b = raf.read();
            raf.seek(offset);
            raf.write(b ^ 1);
        }
    }

    static String sha256(Path file) throws Exception {
        return sha256Prefix(file, Files.size(file));
    }

    /** SHA-256 of the first {@code length} bytes (a new volume may be rounded up in size). */
    static String sha256Prefix(Path file, long length) throws Exception {
        MessageDigest digest = MessageDigest.getInstance("SHA-256");
        byte[] buffer = new byte[1 << 20];
        try (RandomAccessFile raf = new RandomAccessFile(file.toFile(), "r")) {
            long left = length;
            while (left > 0) {
                int n = raf.read(buffer, 0, (int) Math.min(buffer.length, left));
                if (n < 0) {
                    break;
                }
                digest.update(buffer, 0, n);
                left -= n;
            }
        }
        StringBuilder sb = new StringBuilder();
        for (byte b : digest.digest()) {
            sb.append(String.format("%02x", b));
        }
        return sb.toString();
    }
}
