// Licensed under the Apache License, Version 2.0. See LICENSE in the project root.
package io.elastisnap.engine.pool;

import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertFalse;
import static org.junit.Assert.assertTrue;
import static org.junit.Assert.fail;
import static org.junit.Assume.assumeTrue;

import io.elastisnap.elasticenter.Secret;
import io.elastisnap.simulator.ElastiCenterSimulator;
import java.io.IOException;
import java.io.RandomAccessFile;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.junit.After;
import org.junit.Before;
import org.junit.Rule;
import org.junit.Test;
import org.junit.rules.TemporaryFolder;

/**
 * {@link IscsiCloneHost} over real iSCSI with CHAP: the simulator's tgtd target enforces the CHAP user of the auth group
 * the clone is exported with, and {@link QsdLunLogin} (QEMU's user-space initiator behind a FUSE export, then
 * losetup) stands in for the kernel initiator this machine lacks. Needs root, tgtd (package tgt),
 * qemu-storage-daemon with the iSCSI driver (qemu-block-extra) and /dev/fuse.
 */
public class IscsiCloneHostOverTgtdTest {
    private static final String MARKER = "pool-volume-head!";

    @Rule
    public TemporaryFolder tmp = new TemporaryFolder();

    private SimulatedClones array;
    private Path runDirectory;

    @Before
    public void setUp() throws Exception {
        assumeTrue("needs root (tgtd, losetup, FUSE)", "root".equals(System.getProperty("user.name")));
        assumeTrue("needs tgtd", Files.isExecutable(Path.of("/usr/sbin/tgtd")));
        assumeTrue("needs qemu-storage-daemon", Files.isExecutable(Path.of("/usr/bin/qemu-storage-daemon")));
        assumeTrue("needs /dev/fuse", Files.exists(Path.of("/dev/fuse")));
        array = new SimulatedClones(ElastiCenterSimulator.builder().dataDirectory(tmp.newFolder("array").toPath())
                .iscsiTarget(0), false).withChapGroup();
        try (RandomAccessFile image = new RandomAccessFile(array.pool.imagePath().toFile(), "rw")) {
            image.write(MARKER.getBytes(StandardCharsets.US_ASCII));
        }
        runDirectory = tmp.getRoot().toPath().resolve("run");
    }

    @After
    public void tearDown() {
        if (array != null) {
            array.close();
        }
    }

    private IscsiCloneHost host(IscsiLunLogin login) {
        return new IscsiCloneHost(array.client, SimulatedClones.CHAP_GROUP, port(), ElastiCenterSimulator.ISCSI_LUN, login);
    }

    private int port() {
        String portal = array.sim.iscsiPortal().orElseThrow();
        return Integer.parseInt(portal.substring(portal.lastIndexOf(':') + 1));
    }

    @Test
    public void theCloneIsReadOverIscsiWithChapAndDetachLeavesNothing() throws Exception {
        String clone = array.clone("esnap-restore-t1");
        assertEquals("a new clone is exported to no initiator group", "-/None", array.access(clone));

        Path device = host(new QsdLunLogin(runDirectory)).attach(clone);

        assertTrue(device + " is a loop device", device.toString().startsWith("/dev/loop"));
        assertEquals("ALL/CHAP", array.access(clone));
        assertEquals(MARKER, head(device));
        host(new QsdLunLogin(runDirectory)).detach(device, clone);
        assertNothingLeft(clone);
    }

    @Test
    public void aWrongSecretIsRefusedAndLeavesNothing() throws Exception {
        String clone = array.clone("esnap-restore-t2");
        QsdLunLogin qsd = new QsdLunLogin(runDirectory);
        IscsiLunLogin wrongSecret = new IscsiLunLogin() {
            @Override
            public Path login(String portal, String iqn, int lun, String user, Secret secret, String cloneId) throws IOException {
                return qsd.login(portal, iqn, lun, user, Secret.of("Wrong-" + secret.reveal()), cloneId);
            }

            @Override
            public void logout(Path device, String iqn, String cloneId) throws IOException {
                qsd.logout(device, iqn, cloneId);
            }

            @Override
            public String readiness() throws IOException {
                return qsd.readiness();
            }
        };
        try {
            host(wrongSecret).attach(clone);
            fail("logged in with a wrong secret");
        } catch (IOException e) {
            assertTrue(e.getMessage(), e.getMessage().contains("Authentication failure"));
            assertFalse("secret in the message: " + e.getMessage(), e.getMessage().contains(SimulatedClones.CHAP_SECRET.reveal()));
        }
        assertNothingLeft(clone);
    }

    @Test
    public void detachWithoutTheDeviceEndsWhatTheLoginHeld() throws Exception {
        String clone = array.clone("esnap-restore-t3");
        host(new QsdLunLogin(runDirectory)).attach(clone);
        // a restore killed before it journaled the device: recovery knows only the clone
        new RecoveringCloneHost(array.client, List.of(new QsdLunLogin(runDirectory))).detach(null, clone);
        List<String> loops = LoopDevices.backedBy("/" + clone + ".lun");
        assertEquals(List.of(), loops);
        assertEquals(List.of(), files());
    }

    /** No loop device over the export, no daemon, no FUSE mount, no file in the run directory; the target shut again. */
    private void assertNothingLeft(String clone) throws IOException {
        assertEquals(List.of(), LoopDevices.backedBy("/" + clone + ".lun"));
        assertFalse(Files.readString(Path.of("/proc/self/mounts")).contains(runDirectory.toString()));
        assertEquals(List.of(), files());
        assertTrue(ProcessHandle.allProcesses().noneMatch(p -> p.info().arguments().map(List::of).orElse(List.of()).stream()
                .anyMatch(a -> a.contains(runDirectory.toString()))));
        assertEquals("None/CHAP", array.access(clone));
    }

    private List<String> files() throws IOException {
        if (!Files.isDirectory(runDirectory)) {
            return List.of();
        }
        try (Stream<Path> files = Files.list(runDirectory)) {
            return files.map(p -> p.getFileName().toString()).collect(Collectors.toList());
        }
    }

    private static String head(Path device) throws IOException {
        byte[] head = new byte[MARKER.length()];
        try (RandomAccessFile file = new RandomAccessFile(device.toFile(), "r")) {
            file.readFully(head);
        }
        return new String(head, StandardCharsets.US_ASCII);
    }
}
