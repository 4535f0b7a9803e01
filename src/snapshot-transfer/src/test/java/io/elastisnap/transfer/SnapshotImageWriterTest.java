// Licensed under the Apache License, Version 2.0. See LICENSE in the project root.
package io.elastisnap.transfer;

import org.junit.Rule;
import org.junit.Test;
import org.junit.rules.TemporaryFolder;

import java.io.RandomAccessFile;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertFalse;
import static org.junit.Assert.assertTrue;
import static org.junit.Assert.fail;

/** Full and incremental copies, checksums, verification and restore with the real qemu-img, on local files. */
public class SnapshotImageWriterTest {
    private static final long SIZE = 256L << 20;
    private static final long AT = 100L << 20;
    private static final int BLOCKS = 160; // 10 MiB of data in a 256 MiB volume

    @Rule
    public TemporaryFolder tmp = new TemporaryFolder();

    private final QemuImg qemuImg = QemuImg.standard();
    private final SnapshotImageWriter writer = new SnapshotImageWriter(qemuImg);

    @Test
    public void fullCopyIsSparseChecksummedAndRestoresTheSameBytes() throws Exception {
        Path source = TestImages.sparse(tmp.getRoot().toPath().resolve("vol.img"), SIZE, AT, BLOCKS, 1);
        Path target = tmp.getRoot().toPath().resolve("export/vda.qcow2");

        WrittenImage image = writer.writeFull(DataLocation.path(source), target, false, ProgressListener.NONE);

        assertTrue(Files.isRegularFile(target));
        assertFalse("no partial file is left", Files.exists(SnapshotImageWriter.partialFile(target)));
        assertEquals(TestImages.sha256(target), image.sha256());
        assertEquals(SIZE, image.virtualSize());
        assertEquals((long) BLOCKS * TestImages.BLOCK, image.sourceDataBytes());
        assertTrue("sparse: " + image.fileBytes() + " bytes for 10 MiB of data in 256 MiB",
                image.fileBytes() < 12L << 20);

        Path restored = blank("restored.img", SIZE);
        new ImageRestorer(qemuImg).restore(List.of(new ExpectedImage(target, image.sha256())),
                DataLocation.path(restored), ProgressListener.NONE);
        assertEquals(TestImages.sha256(source), TestImages.sha256(restored));
    }

    @Test
    public void compressedCopyRestoresTheSameBytes() throws Exception {
        Path source = tmp.getRoot().toPath().resolve("vol.img");
        try (RandomAccessFile raf = new RandomAccessFile(source.toFile(), "rw")) {
            raf.setLength(64L << 20);
            raf.seek(1L << 20);
            raf.write("compressible ".repeat(100_000).getBytes(java.nio.charset.StandardCharsets.US_ASCII));
        }
        Path plain = tmp.getRoot().toPath().resolve("plain.qcow2");
        Path compressed = tmp.getRoot().toPath().resolve("compressed.qcow2");
        WrittenImage p = writer.writeFull(DataLocation.path(source), plain, false, ProgressListener.NONE);
        WrittenImage c = writer.writeFull(DataLocation.path(source), compressed, true, ProgressListener.NONE);
        assertTrue(c.fileBytes() + " compressed vs " + p.fileBytes(), c.fileBytes() * 4 < p.fileBytes());
        Path restored = blank("restored.img", 64L << 20);
        new ImageRestorer(qemuImg).restore(List.of(new ExpectedImage(compressed, c.sha256())),
                DataLocation.path(restored), ProgressListener.NONE);
        assertEquals(TestImages.sha256(source), TestImages.sha256(restored));
    }

    @Test
    public void incrementalHoldsOnlyTheChangedBlocksAndRestoresThroughTheChain() throws Exception {
        Path source = TestImages.sparse(tmp.getRoot().toPath().resolve("vol.img"), SIZE, AT, BLOCKS, 1);
        Path fullFile = tmp.getRoot().toPath().resolve("e1/vda.qcow2");
        WrittenImage full = writer.writeFull(DataLocation.path(source), fullFile, false, ProgressListener.NONE);
        int changed = TestImages.change(source, AT, BLOCKS, 10, 2); // 10 % of the data blocks
        Path incFile = tmp.getRoot().toPath().resolve("e2/vda.qcow2");

        WrittenImage inc = writer.writeIncremental(DataLocation.path(source), incFile, fullFile, ProgressListener.NONE);

        assertEquals("../e1/vda.qcow2", inc.backingFile().orElseThrow());
        assertTrue(inc.fileBytes() + " bytes for " + changed + " changed blocks (full: " + full.fileBytes() + ")",
                inc.fileBytes() < full.fileBytes() / 5);
        Path restored = blank("restored.img", SIZE);
        new ImageRestorer(qemuImg).restore(List.of(new ExpectedImage(incFile, inc.sha256()),
                new ExpectedImage(fullFile, full.sha256())), DataLocation.path(restored), ProgressListener.NONE);
        assertEquals(TestImages.sha256(source), TestImages.sha256(restored));
    }

    @Test
    public void oneCorruptByteIsRefusedNamingTheFileBeforeAnythingIsWritten() throws Exception {
        Path source = TestImages.sparse(tmp.getRoot().toPath().resolve("vol.img"), SIZE, AT, BLOCKS, 1);
        Path fullFile = tmp.getRoot().toPath().resolve("e1/vda.qcow2");
        WrittenImage full = writer.writeFull(DataLocation.path(source), fullFile, false, ProgressListener.NONE);
        TestImages.sparse(source, SIZE, AT, 1, 3);
        Path incFile = tmp.getRoot().toPath().resolve("e2/vda.qcow2");
        WrittenImage inc = writer.writeIncremental(DataLocation.path(source), incFile, fullFile, ProgressListener.NONE);
        TestImages.flipByte(fullFile, full.fileBytes() - 4096); // in the base: the restore of e2 reads it too

        Path target = TestImages.sparse(tmp.getRoot().toPath().resolve("target.img"), SIZE, 0, 4, 9);
        String before = TestImages.sha256(target);
        try {
            new ImageRestorer(qemuImg).restore(List.of(new ExpectedImage(incFile, inc.sha256()),
                    new ExpectedImage(fullFile, full.sha256())), DataLocation.path(target), ProgressListener.NONE);
            fail("a corrupt base must be refused");
        } catch (TransferException e) {
            assertEquals(TransferException.Kind.CORRUPT, e.kind());
            assertTrue(e.getMessage(), e.getMessage().contains(fullFile.toString()));
            assertTrue(e.getMessage(), e.getMessage().contains(full.sha256()));
        }
        assertEquals("the volume is untouched", before, TestImages.sha256(target));
    }

    @Test
    public void aChainThatDoesNotMatchItsRecordIsRefused() throws Exception {
        Path source = TestImages.sparse(tmp.getRoot().toPath().resolve("vol.img"), SIZE, AT, 4, 1);
        Path fullFile = tmp.getRoot().toPath().resolve("e1/vda.qcow2");
        WrittenImage full = writer.writeFull(DataLocation.path(source), fullFile, false, ProgressListener.NONE);
        Path incFile = tmp.getRoot().toPath().resolve("e2/vda.qcow2");
        WrittenImage inc = writer.writeIncremental(DataLocation.path(source), incFile, fullFile, ProgressListener.NONE);
        try {
            new ImageVerifier(qemuImg).verifyChain(List.of(new ExpectedImage(incFile, inc.sha256())));
            fail("the chain has a base its record does not name");
        } catch (TransferException e) {
            assertEquals(TransferException.Kind.CORRUPT, e.kind());
            assertTrue(e.getMessage(), e.getMessage().contains(fullFile.toString()));
        }
        Files.delete(fullFile);
        try {
            new ImageVerifier(qemuImg).verifyChain(List.of(new ExpectedImage(incFile, inc.sha256()),
                    new ExpectedImage(fullFile, full.sha256())));
            fail("a missing base must be refused");
        } catch (TransferException e) {
            assertTrue(e.getMessage(), e.getMessage().contains(fullFile + " is missing"));
        }
    }

    @Test
    public void aSmallerTargetIsRefused() throws Exception {
        Path source = TestImages.sparse(tmp.getRoot().toPath().resolve("vol.img"), SIZE, AT, 4, 1);
        Path file = tmp.getRoot().toPath().resolve("vda.qcow2");
        WrittenImage image = writer.writeFull(DataLocation.path(source), file, false, ProgressListener.NONE);
        try {
            new ImageRestorer(qemuImg).restore(List.of(new ExpectedImage(file, image.sha256())),
                    DataLocation.path(blank("small.img", SIZE / 2)), ProgressListener.NONE);
            fail();
        } catch (TransferException e) {
            assertEquals(TransferException.Kind.BAD_INPUT, e.kind());
        }
    }

    @Test
    public void anUnreadableSourceLeavesNoPartialFile() {
        Path target = tmp.getRoot().toPath().resolve("vda.qcow2");
        try {
            writer.writeFull(DataLocation.path(tmp.getRoot().toPath().resolve("absent.img")), target, false,
                    ProgressListener.NONE);
            fail();
        } catch (TransferException e) {
            assertEquals(TransferException.Kind.SOURCE_FAILED, e.kind());
        }
        assertFalse(Files.exists(target));
        assertFalse(Files.exists(SnapshotImageWriter.partialFile(target)));
    }

    private Path blank(String name, long size) throws Exception {
        Path file = tmp.getRoot().toPath().resolve(name);
        try (RandomAccessFile raf = new RandomAccessFile(file.toFile(), "rw")) {
            raf.setLength(size);
        }
        return file;
    }
}
