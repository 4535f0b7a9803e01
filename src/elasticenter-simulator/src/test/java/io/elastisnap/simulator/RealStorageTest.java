// Licensed under the Apache License, Version 2.0. See LICENSE in the project root.
package io.elastisnap.simulator;

import org.junit.After;
import org.junit.Before;
import org.junit.Rule;
import org.junit.Test;
import org.junit.rules.TemporaryFolder;

import java.io.IOException;
import java.io.RandomAccessFile;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;

import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertFalse;
import static org.junit.Assert.assertNull;
import static org.junit.Assert.assertTrue;

/**
 * Image files behind volumes, snapshots, rollback and clones in a temporary data directory. Reflink may or may not be
 * available there; the test passes either way and checks that the simulator reports what the file system can do.
 */
public class RealStorageTest {
    private static final long SIZE = 64 * SizeUnits.MIB;
    private static final long FAR_OFFSET = 40 * SizeUnits.MIB;

    @Rule
    public TemporaryFolder temp = new TemporaryFolder();

    private ElastiCenterSimulator simulator;
    private ApiTestClient api;
    private SimVolume volume;

    @Before
    public void start() throws IOException {
        simulator = ElastiCenterSimulator.builder().dataDirectory(temp.newFolder("data").toPath()).start();
        api = new ApiTestClient(simulator);
        volume = simulator.provisionVolume("disk", SIZE);
    }

    @After
    public void stop() {
        simulator.close();
    }

    @Test
    public void reportedReflinkModeMatchesWhatTheFileSystemCanDo() throws Exception {
        Path source = temp.newFile("probe-source").toPath();
        Files.write(source, new byte[8192]);
        Path target = source.resolveSibling("probe-target");
        Process cp = new ProcessBuilder("cp", "--reflink=always", source.toString(), target.toString())
                .redirectErrorStream(true).start();
        cp.getInputStream().readAllBytes();
        assertTrue(cp.waitFor(30, TimeUnit.SECONDS));
        assertEquals(cp.exitValue() == 0, simulator.reflinkSupported());
    }

    @Test
    public void aVolumeIsASparseImageOfItsQuotaSizeAndGrowsWithIt() throws IOException {
        Path image = volume.imagePath();
        assertEquals(SIZE, Files.size(image));
        String id = volume.id();
        api.call("updateFileSystem", "id", id, "quotasize", "1G").ok("updatefilesystemresponse");
        assertEquals(SizeUnits.GIB, Files.size(image));
    }

    @Test
    public void snapshotCopiesTheDataAndLaterWritesDoNotLeakIntoIt() throws IOException {
        write(volume.imagePath(), "before");
        snapshot("s1");
        write(volume.imagePath(), "after!");
        Path snapshotImage = simulator.snapshotImagePath(volume.id(), "s1");
        assertEquals("before", read(snapshotImage));
        assertEquals("after!", read(volume.imagePath()));
        assertEquals(SIZE, Files.size(snapshotImage));
    }

    @Test
    public void rollbackRestoresTheSnapshotAndRemovesNewerSnapshotImages() throws IOException {
        write(volume.imagePath(), "first!");
        snapshot("s1");
        write(volume.imagePath(), "second");
        snapshot("s2");
        Path newerImage = simulator.snapshotImagePath(volume.id(), "s2");
        write(volume.imagePath(), "third!");

        api.call("rollbackToSnapshot", "id", volume.id(), "path", volume.zfsPath() + "@s1")
                .ok("rollbackToSnapshotResponse");
        assertEquals("first!", read(volume.imagePath()));
        assertFalse("the destroyed snapshot's image is gone", Files.exists(newerImage));
        assertEquals("the target snapshot is untouched", "first!", read(simulator.snapshotImagePath(volume.id(), "s1")));
    }

    @Test
    public void aCloneStartsFromTheSnapshotAndIsIndependent() throws IOException {
        write(volume.imagePath(), "origin");
        snapshot("s1");
        write(volume.imagePath(), "moved!");
        String cloneId = api.call("cloneDatasetSnapshot", "id", volume.id(), "path", volume.zfsPath() + "@s1",
                "clonename", "copy").ok("cloneDatasetSnapshot").getAsJsonObject("filesystem").get("id").getAsString();
        Path cloneImage = simulator.volume(cloneId).orElseThrow().imagePath();
        assertEquals("origin", read(cloneImage));
        write(cloneImage, "clone!");
        assertEquals("moved!", read(volume.imagePath()));
        assertEquals("origin", read(simulator.snapshotImagePath(volume.id(), "s1")));
    }

    @Test
    public void deletesRemoveTheFiles() throws IOException {
        snapshot("s1");
        Path snapshotImage = simulator.snapshotImagePath(volume.id(), "s1");
        api.call("deleteSnapshot", "id", volume.id(), "name", "s1").ok("deleteSnapshotResponse");
        assertFalse(Files.exists(snapshotImage));

        snapshot("s2");
        Path secondImage = simulator.snapshotImagePath(volume.id(), "s2");
        String jobId = api.call("deleteFileSystem", "id", volume.id()).ok("deleteFileSystemResponse")
                .get("jobid").getAsString();
        assertEquals(1, ApiFlows.awaitJob(api, jobId).get("jobstatus").getAsInt());
        assertFalse(Files.exists(volume.imagePath()));
        assertFalse(Files.exists(secondImage));
    }

    @Test
    public void withoutADataDirectoryThereAreNoImages() {
        ElastiCenterSimulator memoryOnly = ElastiCenterSimulator.builder().start();
        try {
            assertNull(memoryOnly.provisionVolume("v", SIZE).imagePath());
            assertFalse(memoryOnly.reflinkSupported());
        } finally {
            memoryOnly.close();
        }
    }

    private void snapshot(String name) {
        api.call("createStorageSnapshot", "id", volume.id(), "name", name).ok("createStorageSnapshotResponse");
    }

    /** Writes the marker at the start and far into the image, so sparse copies must carry both regions. */
    private static void write(Path image, String marker) throws IOException {
        try (RandomAccessFile file = new RandomAccessFile(image.toFile(), "rw")) {
            byte[] bytes = marker.getBytes(StandardCharsets.US_ASCII);
            file.seek(0);
            file.write(bytes);
            file.seek(FAR_OFFSET);
            file.write(bytes);
            file.getFD().sync();
        }
    }

    private static String read(Path image) throws IOException {
        try (RandomAccessFile file = new RandomAccessFile(image.toFile(), "r")) {
            byte[] start = new byte[6];
            byte[] far = new byte[6];
            file.readFully(start);
            file.seek(FAR_OFFSET);
            file.readFully(far);
            String head = new String(start, StandardCharsets.US_ASCII);
            assertEquals("both regions agree", head, new String(far, StandardCharsets.US_ASCII));
            return head;
        }
    }
}
