// Licensed under the Apache License, Version 2.0. See LICENSE in the project root.
package io.elastisnap.transfer;

import io.elastisnap.elasticenter.ElastiCenterClient;
import io.elastisnap.elasticenter.ElastiCenterConfig;
import io.elastisnap.elasticenter.Secret;
import io.elastisnap.elasticenter.TlsTrust;
import io.elastisnap.elasticenter.FileSystem;
import io.elastisnap.simulator.ElastiCenterSimulator;
import io.elastisnap.simulator.IscsiLogin;
import io.elastisnap.simulator.SimVolume;
import org.junit.After;
import org.junit.Assume;
import org.junit.Before;
import org.junit.Rule;
import org.junit.Test;
import org.junit.rules.TemporaryFolder;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.stream.Stream;

import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertFalse;
import static org.junit.Assert.assertThrows;
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
    /** The simulator's state: the array keeps its auth groups' secrets, as an appliance does. */
    private Path arrayDirectory;
    private int portalPort;

    @Before
    public void start() throws Exception {
        Assume.assumeTrue("tgtd (package tgt) and root are needed", Files.isExecutable(Path.of("/usr/sbin/tgtd"))
                && "root".equals(System.getProperty("user.name")));
        arrayDirectory = tmp.newFolder("array").toPath();
        simulator = ElastiCenterSimulator.builder().dataDirectory(arrayDirectory).iscsiTarget(0).start();
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

    @Test
    public void aCloneBehindChapIsReadWithTheSecretOnlyAndTheSecretStaysOffCommandLinesAndDisks() throws Exception {
        String secret = "CloneChapSecret77";
        String accountId = client.findFileSystem(volume.id()).orElseThrow().accountId().orElseThrow();
        String authGroupId = client.addIscsiAuthGroup(accountId, "esxferchap", "xferuser", Secret.of(secret)).id();
        // qemu-img behind a wrapper that records its command lines: what ps would show
        Path commandLines = tmp.getRoot().toPath().resolve("qemu-img-command-lines");
        Path recordingQemuImg = tmp.getRoot().toPath().resolve("qemu-img-recording");
        Files.writeString(recordingQemuImg, "#!/bin/sh\necho \"$@\" >> " + commandLines + "\nexec qemu-img \"$@\"\n");
        assertTrue(recordingQemuImg.toFile().setExecutable(true));
        VolumeAccess access = VolumeAccess.iscsi(portalPort, ElastiCenterSimulator.ISCSI_LUN)
                .withChap(authGroupId, new ChapLogin("xferuser", Secret.of(secret)));

        // the clone is behind CHAP from its export: the right secret reads it, none or a wrong one is refused
        String snapshotPath = snapshot("s1");
        try (TemporaryClone clone = TemporaryClone.create(client, journal, "login check", volume.id(), snapshotPath, List.of())) {
            FileSystem opened = access.open(client, clone.volume());
            String portal = portalHost + ":" + portalPort;
            assertTrue(login(portal, opened, "xferuser", secret).toString(), login(portal, opened, "xferuser", secret).loggedIn());
            for (String[] wrong : new String[][] {{null, null}, {"xferuser", secret + "x"}, {"intruder", secret}}) {
                IscsiLogin.Outcome refused = login(portal, opened, wrong[0], wrong[1]);
                assertFalse(refused.toString(), refused.loggedIn());
                assertTrue(refused.toString(), refused.output().contains("Authentication failure"));
            }
        }

        // a full and an incremental copy through the CHAP login
        SnapshotCopier copier = new SnapshotCopier(client, journal, access, new QemuImg(recordingQemuImg.toString(), 30,
                Duration.ofMinutes(1)));
        Path full = tmp.getRoot().toPath().resolve("out/vol1.qcow2");
        WrittenImage image = copier.copy(new SnapshotCopier.Request(volume.id(), snapshotPath, full), ProgressListener.NONE);
        TestImages.change(volume.imagePath(), 16L << 20, 1024, 1, 9);
        String expected = TestImages.sha256(volume.imagePath());
        Path increment = tmp.getRoot().toPath().resolve("out/vol1-2.qcow2");
        WrittenImage second = copier.copy(new SnapshotCopier.Request(volume.id(), snapshot("s2"), increment).incrementalOn(full),
                ProgressListener.NONE);
        Path restored = tmp.getRoot().toPath().resolve("restored.img");
        TestImages.sparse(restored, SIZE, 0, 0, 0);
        new ImageRestorer(QemuImg.standard()).restore(List.of(new ExpectedImage(increment, second.sha256()),
                new ExpectedImage(full, image.sha256())), DataLocation.path(restored), ProgressListener.NONE);
        assertEquals(expected, TestImages.sha256(restored));
        assertNoClone();

        // a copy refused at login fails naming the cause and leaves nothing
        SnapshotCopier wrongSecret = new SnapshotCopier(client, journal, VolumeAccess.iscsi(portalPort, ElastiCenterSimulator.ISCSI_LUN)
                .withChap(authGroupId, new ChapLogin("xferuser", Secret.of("NotTheSecret1"))), QemuImg.standard());
        Path refusedTarget = tmp.getRoot().toPath().resolve("out/refused.qcow2");
        TransferException e = assertThrows(TransferException.class, () -> wrongSecret.copy(
                new SnapshotCopier.Request(volume.id(), snapshotPath, refusedTarget), ProgressListener.NONE));
        assertTrue(e.getMessage(), e.getMessage().contains("Authentication failure") && e.fix().contains("CHAP"));
        assertFalse(Files.exists(SnapshotImageWriter.partialFile(refusedTarget)));
        assertNoClone();

        String lines = Files.readString(commandLines);
        assertTrue("qemu-img logged in with the user: " + lines, lines.contains("user=xferuser") && lines.contains("file=/dev/stdin"));
        assertFalse("the secret is on no qemu-img command line: " + lines, lines.contains(secret));
        assertEquals("no file outside the array's own state holds the secret", 0, filesHolding(secret, tmp.getRoot().toPath()));
        assertEquals("nor in the temporary directory", 0, filesHolding(secret, Path.of(System.getProperty("java.io.tmpdir"))));
    }

    private static IscsiLogin.Outcome login(String portal, FileSystem volume, String user, String secret) throws Exception {
        Path out = Files.createTempFile("login-", ".raw");
        Files.delete(out);
        try {
            return IscsiLogin.copyLun(portal, volume.iqn().orElseThrow(), ElastiCenterSimulator.ISCSI_LUN, user, secret, out);
        } finally {
            Files.deleteIfExists(out);
        }
    }

    /**
     * Regular files below {@code root} (not following links, at most 4 levels, outside the simulator's state) whose bytes
     * contain {@code secret}.
     */
    private long filesHolding(String secret, Path root) throws IOException {
        byte[] needle = secret.getBytes(StandardCharsets.UTF_8);
        try (Stream<Path> files = Files.find(root, 4, (p, a) -> a.isRegularFile() && a.size() < (64L << 20)
                && !p.startsWith(arrayDirectory))) {
            return files.filter(p -> {
                try {
                    return new String(Files.readAllBytes(p), StandardCharsets.ISO_8859_1)
                            .contains(new String(needle, StandardCharsets.ISO_8859_1));
                } catch (IOException unreadable) {
                    return false;
                }
            }).count();
        }
    }

    private String snapshot(String name) {
        client.createStorageSnapshot(volume.id(), name);
        return client.findStorageSnapshot(volume.id(), name).orElseThrow().path();
    }

    private void assertNoClone() {
        assertTrue(client.listFileSystems(null).stream().noneMatch(f -> f.name().startsWith(TemporaryClone.NAME_PREFIX)));
    }
}
