// Licensed under the Apache License, Version 2.0. See LICENSE in the project root.
package io.elastisnap.demo;

import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertFalse;
import static org.junit.Assert.assertTrue;
import static org.junit.Assume.assumeTrue;

import io.elastisnap.cli.CliException;
import java.io.IOException;
import java.io.RandomAccessFile;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.Before;
import org.junit.Rule;
import org.junit.Test;
import org.junit.rules.TemporaryFolder;

/** The ext4 check on snapshot images, on real images made with e2fsprogs. */
public class SnapshotFileSystemTest {
    @Rule
    public TemporaryFolder tmp = new TemporaryFolder();

    private Path image;

    @Before
    public void formatAnImage() throws IOException {
        assumeTrue("e2fsprogs (mkfs.ext4, debugfs) not installed", Files.isExecutable(Path.of("/sbin/mkfs.ext4"))
                && Files.isExecutable(Path.of("/sbin/debugfs")));
        image = tmp.newFile("volume.img").toPath();
        try (RandomAccessFile f = new RandomAccessFile(image.toFile(), "rw")) {
            f.setLength(16L * 1024 * 1024);
        }
        HostTool.runOk(List.of("mkfs.ext4", "-q", "-F", image.toString()));
    }

    @Test
    public void anUnmountedCleanExt4IsConsistent() {
        SnapshotFileSystem fs = SnapshotFileSystem.check(image);

        assertTrue(fs.clean());
        assertEquals("ext4 needs_recovery clear, e2fsck -fn clean (exit 0): consistent without a journal replay",
                fs.describe());
    }

    @Test
    public void aJournalThatNeedsRecoveryIsNotConsistentAsTaken() {
        // what a snapshot of a mounted, unfrozen ext4 looks like
        HostTool.runOk(List.of("debugfs", "-w", "-R", "feature needs_recovery", image.toString()));

        SnapshotFileSystem fs = SnapshotFileSystem.check(image);

        assertFalse(fs.clean());
        assertTrue(fs.describe(), fs.describe().startsWith("ext4 needs_recovery SET"));
        assertTrue(fs.describe(), fs.describe().endsWith("NOT consistent as taken"));
        assertTrue(fs.toJson().get("needsRecovery").getAsBoolean());
    }

    @Test
    public void anImageWithoutExt4IsAFailureNamingTheTool() throws IOException {
        Path blank = tmp.newFile("blank.img").toPath();
        Files.write(blank, new byte[64 * 1024]);

        CliException e = org.junit.Assert.assertThrows(CliException.class, () -> SnapshotFileSystem.check(blank));

        assertTrue(e.getMessage(), e.getMessage().startsWith("dumpe2fs -h " + blank + " failed"));
    }
}
