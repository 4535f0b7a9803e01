// Licensed under the Apache License, Version 2.0. See LICENSE in the project root.
package io.elastisnap.transfer;

import io.elastisnap.elasticenter.ElastiCenterClient;
import io.elastisnap.elasticenter.ElastiCenterConfig;
import io.elastisnap.elasticenter.Secret;
import io.elastisnap.elasticenter.TlsTrust;
import io.elastisnap.simulator.ElastiCenterSimulator;
import io.elastisnap.simulator.SimVolume;
import org.junit.After;
import org.junit.Assume;
import org.junit.Before;
import org.junit.Rule;
import org.junit.Test;
import org.junit.rules.TemporaryFolder;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;

import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertFalse;
import static org.junit.Assert.assertTrue;
import static org.junit.Assert.fail;

/**
 * The iSCSI data path for real: the simulator exports the temporary clone through its tgtd (user-space target), and
 * qemu-img reads it with its own initiator — what runs on a host without a kernel initiator. Needs root and tgt.
 */
public class IscsiCopyTest {
    private static final long SIZE = 256L << 20;

    @Rule
    public TemporaryFolder tmp = new TemporaryFolder();

    private ElastiCenterSimulator simulator;
    private ElastiCenterClient client;
    private TransferJournal journal;
    private SimVolume volume;
    private String portalHost;
    private int portalPort;

    @Before
    public void start() throws Exception {
        Assume.assumeTrue("tgtd (package tgt) and root are needed", Files.isExecutable(Path.of("/usr/sbin/tgtd"))
                && "root".equals(System.getProperty("user.name")));
        simulator = ElastiCenterSimulator.builder().dataDirectory(tmp.newFolder("array").toPath()).iscsiTarget(0).start();
        client = new ElastiCenterClient(ElastiCenterConfig.builder(simulator.baseUrl(), Secret.of(simulator.apiKey()))
                .trust(TlsTrust.pinnedSha256(simulator.certificateSha256())).readTimeout(Duration.ofSeconds(10)).build());
        journal = new TransferJournal(tmp.newFolder("journal").toPath());
        volume = simulator.provisionVolume("vol1", SIZE);
        TestImages.sparse(volume.imagePath(), SIZE, 16L << 20, 1024, 1); // 64 MiB of data
        String[] portal = simulator.iscsiPortal().orElseThrow().split(":");
        portalHost = portal[0];
        portalPort = Integer.parseInt(portal[1]);
    }

    @After
    public void stop() {
        if (client != null) {
            client.close();
        }
        if (simulator != null) {
            simulator.close();
        }
    }

    @Test
    public void aCloneReadOverIscsiRestoresTheSnapshotsBytes() throws Exception {
        String expected = TestImages.sha256(volume.imagePath());
        String snapshotPath = snapshot("s1");
        TestImages.change(volume.imagePath(), 16L << 20, 1024, 1, 9);
        SnapshotCopier copier = new SnapshotCopier(client, journal,
                VolumeAccess.iscsi(portalPort, ElastiCenterSimulator.ISCSI_LUN), QemuImg.standard());

        Path target = tmp.getRoot().toPath().resolve("out/vol1.qcow2");
        WrittenImage image = copier.copy(new SnapshotCopier.Request(volume.id(), snapshotPath, target), ProgressListener.NONE);

        // tgtd's LUN reports no thin provisioning, so every block counts as data and is read; zeros are not written
        assertTrue(image.sourceDataBytes() >= 64L << 20);
        assertTrue("sparse over iSCSI too: " + image.fileBytes(), image.fileBytes() < 70L << 20);
        Path restored = tmp.getRoot().toPath().resolve("restored.img");
        TestImages.sparse(restored, SIZE, 0, 0, 0);
        new ImageRestorer(QemuImg.standard()).restore(List.of(new ExpectedImage(target, image.sha256())),
                DataLocation.path(restored), ProgressListener.NONE);
        assertEquals(expected, TestImages.sha256(restored));
        assertNoClone();
    }

    @Test
    public void theConnectionDroppedMidReadFailsTheCopyAndLeavesNothing() throws Exception {
        String snapshotPath = snapshot("s1");
        try (DroppableProxy proxy = new DroppableProxy(portalHost, portalPort, 8L << 20)) {
            SnapshotCopier copier = new SnapshotCopier(client, journal,
                    VolumeAccess.iscsi(proxy.port(), ElastiCenterSimulator.ISCSI_LUN), new QemuImg("qemu-img", 5, Duration.ofSeconds(15)));
            Path target = tmp.getRoot().toPath().resolve("out/vol1.qcow2");
            long started = System.nanoTime();
            try {
                copier.copy(new SnapshotCopier.Request(volume.id(), snapshotPath, target), ProgressListener.NONE);
                fail("the copy cannot succeed without its connection");
            } catch (TransferException e) {
                assertTrue("dropped mid-read", proxy.dropped());
                assertEquals(e.getMessage(), TransferException.Kind.SOURCE_FAILED, e.kind());
                assertTrue(e.getMessage(), e.getMessage().contains("iscsi://127.0.0.1:" + proxy.port()));
            }
            long seconds = (System.nanoTime() - started) / 1_000_000_000L;
            assertTrue("failed within the iSCSI timeout, not hanging: " + seconds + " s", seconds < 60);
            assertFalse(Files.exists(target));
            assertFalse(Files.exists(SnapshotImageWriter.partialFile(target)));
        }
        assertNoClone();
        assertTrue(journal.list().isEmpty());
    }

    private String snapshot(String name) {
        client.createStorageSnapshot(volume.id(), name);
        return client.findStorageSnapshot(volume.id(), name).orElseThrow().path();
    }

    private void assertNoClone() {
        assertTrue(client.listFileSystems(null).stream().noneMatch(f -> f.name().startsWith(TemporaryClone.NAME_PREFIX)));
    }
}
