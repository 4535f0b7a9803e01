// Licensed under the Apache License, Version 2.0. See LICENSE in the project root.
package io.elastisnap.transfer;

import io.elastisnap.elasticenter.ElastiCenterClient;
import io.elastisnap.elasticenter.ElastiCenterConfig;
import io.elastisnap.elasticenter.Secret;
import io.elastisnap.elasticenter.TlsTrust;
import io.elastisnap.simulator.ElastiCenterSimulator;
import io.elastisnap.simulator.Fault;
import io.elastisnap.simulator.SimVolume;
import org.junit.After;
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

/** Copies of simulator snapshots through temporary clones: the clone is always deleted, failures leave nothing. */
public class SnapshotCopierTest {
    @Rule
    public TemporaryFolder tmp = new TemporaryFolder();

    private ElastiCenterSimulator simulator;
    private ElastiCenterClient client;
    private TransferJournal journal;
    private SnapshotCopier copier;
    private SimVolume volume;

    @Before
    public void start() throws Exception {
        Path data = tmp.newFolder("array").toPath();
        simulator = ElastiCenterSimulator.builder().dataDirectory(data).start();
        client = new ElastiCenterClient(ElastiCenterConfig.builder(simulator.baseUrl(), Secret.of(simulator.apiKey()))
                .trust(TlsTrust.pinnedSha256(simulator.certificateSha256())).readTimeout(Duration.ofSeconds(5)).build());
        journal = new TransferJournal(tmp.newFolder("journal").toPath());
        copier = new SnapshotCopier(client, journal, VolumeAccess.files(data + "/volumes/{id}.img"), QemuImg.standard());
        volume = simulator.provisionVolume("vol1", 256L << 20);
        TestImages.sparse(volume.imagePath(), 256L << 20, 8L << 20, 32, 1);
    }

    @After
    public void stop() {
        client.close();
        simulator.close();
    }

    @Test
    public void copiesTheSnapshotsDataAndDeletesTheClone() throws Exception {
        String snapshotPath = snapshot("s1");
        String expected = TestImages.sha256(volume.imagePath());
        TestImages.change(volume.imagePath(), 8L << 20, 32, 1, 7); // the volume moves on; the snapshot does not

        Path target = tmp.getRoot().toPath().resolve("out/vol1.qcow2");
        WrittenImage image = copier.copy(new SnapshotCopier.Request(volume.id(), snapshotPath, target), ProgressListener.NONE);

        Path restored = tmp.getRoot().toPath().resolve("restored.img");
        TestImages.sparse(restored, 256L << 20, 0, 0, 0);
        new ImageRestorer(QemuImg.standard()).restore(List.of(new ExpectedImage(target, image.sha256())),
                DataLocation.path(restored), ProgressListener.NONE);
        assertEquals("the copy holds the snapshot's data", expected, TestImages.sha256(restored));
        assertNoClones();
        assertTrue("journal empty", journal.list().isEmpty());
    }

    @Test
    public void aFailingCloneLeavesNothingAndSaysSo() throws Exception {
        String snapshotPath = snapshot("s1");
        simulator.faults().inject("cloneDatasetSnapshot", Fault.error(530, "clone refused by the pool").times(1));
        Path target = tmp.getRoot().toPath().resolve("out/vol1.qcow2");
        try {
            copier.copy(new SnapshotCopier.Request(volume.id(), snapshotPath, target), ProgressListener.NONE);
            fail();
        } catch (TransferException e) {
            assertEquals(TransferException.Kind.ARRAY_FAILED, e.kind());
            assertTrue(e.getMessage(), e.getMessage().contains(snapshotPath));
            assertTrue(e.fix(), e.fix().contains("nothing was left"));
        }
        assertFalse(Files.exists(target));
        assertNoClones();
        assertTrue(journal.list().isEmpty());
    }

    @Test
    public void aFailingCopyDeletesTheCloneAndThePartialFile() throws Exception {
        String snapshotPath = snapshot("s1");
        SnapshotCopier broken = new SnapshotCopier(client, journal, v -> DataLocation.path(Path.of("/nonexistent/" + v.id())),
                QemuImg.standard());
        Path target = tmp.getRoot().toPath().resolve("out/vol1.qcow2");
        try {
            broken.copy(new SnapshotCopier.Request(volume.id(), snapshotPath, target), ProgressListener.NONE);
            fail();
        } catch (TransferException e) {
            assertEquals(TransferException.Kind.SOURCE_FAILED, e.kind());
        }
        assertFalse(Files.exists(SnapshotImageWriter.partialFile(target)));
        assertNoClones();
        assertTrue(journal.list().isEmpty());
    }

    @Test
    public void recoveryReportsACloneNoJournalKnows() throws Exception {
        String snapshotPath = snapshot("s1");
        client.cloneDatasetSnapshot(volume.id(), snapshotPath, TemporaryClone.NAME_PREFIX + "0123456789abcdef");
        TransferRecovery.Result r = new TransferRecovery(journal, client).recover();
        assertEquals(1, r.leftovers.size());
        assertTrue(r.leftovers.get(0), r.leftovers.get(0).contains(TemporaryClone.NAME_PREFIX + "0123456789abcdef"));
    }

    private String snapshot(String name) {
        client.createStorageSnapshot(volume.id(), name);
        return client.findStorageSnapshot(volume.id(), name).orElseThrow().path();
    }

    private void assertNoClones() {
        assertTrue(client.listFileSystems(null).stream().noneMatch(f -> f.name().startsWith(TemporaryClone.NAME_PREFIX)));
    }
}
