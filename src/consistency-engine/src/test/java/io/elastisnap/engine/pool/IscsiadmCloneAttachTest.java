// Licensed under the Apache License, Version 2.0. See LICENSE in the project root.
package io.elastisnap.engine.pool;

import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertFalse;
import static org.junit.Assert.assertTrue;
import static org.junit.Assert.fail;

import io.elastisnap.simulator.ElastiCenterSimulator;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.List;
import org.junit.After;
import org.junit.Before;
import org.junit.Rule;
import org.junit.Test;
import org.junit.rules.TemporaryFolder;

/**
 * The iscsiadm path of {@link IscsiCloneHost}. A stand-in: this machine has no kernel iSCSI initiator, so a fake
 * {@code iscsiadm} records its arguments, makes the {@code by-path} link a real login's udev rule would make, and can
 * refuse the login as open-iscsi does (exit 24); the array is the simulator (its portal address, the clone's iqn).
 */
public class IscsiadmCloneAttachTest {
    private static final String FAKE = String.join("\n", "#!/bin/bash",
            "echo \"$*\" >> LOG",
            "case \" $* \" in",
            "  *' --version '*) echo 'iscsiadm version 2.1.8' ;;",
            "  *' --login '*) if [ -e FAIL ]; then echo \"iscsiadm: Could not login to [iface: default, target: $4, portal: $6].\"",
            "       echo 'iscsiadm: initiator reported error (24 - iSCSI login failed due to authorization failure)'; exit 24; fi",
            "     : > \"BYPATH/ip-$6-iscsi-$4-lun-0\" ;;",
            "  *' --logout '*) [ -e \"BYPATH/ip-$6-iscsi-$4-lun-0\" ] || { echo 'iscsiadm: No matching sessions found'; exit 21; }",
            "     rm \"BYPATH/ip-$6-iscsi-$4-lun-0\" ;;",
            "  *'node.session.auth.password'*) if [ -e FAIL_UPDATE ]; then echo \"iscsiadm: cannot update with $*\"; exit 7; fi ;;",
            "esac", "");

    @Rule
    public TemporaryFolder tmp = new TemporaryFolder();

    private SimulatedClones array;
    private Path log;
    private Path byPath;
    private IscsiCloneHost host;

    @Before
    public void setUp() throws Exception {
        array = new SimulatedClones(ElastiCenterSimulator.builder(), false).withChapGroup();
        Path dir = tmp.getRoot().toPath();
        log = dir.resolve("iscsiadm.log");
        byPath = Files.createDirectories(dir.resolve("by-path"));
        Path fake = dir.resolve("iscsiadm");
        Files.writeString(fake, FAKE.replace("LOG", log.toString()).replace("BYPATH", byPath.toString())
                .replace("FAIL_UPDATE", dir.resolve("fail-update").toString()).replace("FAIL", dir.resolve("fail-login").toString()));
        Files.setPosixFilePermissions(fake, PosixFilePermissions.fromString("rwx------"));
        host = new IscsiCloneHost(array.client, SimulatedClones.CHAP_GROUP, 3260, 0,
                new IscsiadmLunLogin(fake.toString(), byPath, Duration.ofSeconds(2)));
    }

    @After
    public void tearDown() {
        array.close();
    }

    @Test
    public void attachRecordsTheNodeSetsChapLogsInAndDetachLogsOutAndForgetsTheNode() throws Exception {
        String clone = array.clone("esnap-restore-a1");
        String iqn = array.iqn(clone);
        String portal = array.client.findFileSystem(clone).orElseThrow().ipAddress().orElseThrow() + ":3260";
        String node = "-m node -T " + iqn + " -p " + portal;

        Path device = host.attach(clone);

        assertEquals(byPath.resolve("ip-" + portal + "-iscsi-" + iqn + "-lun-0"), device);
        assertEquals("ALL/CHAP", array.access(clone));
        assertEquals(List.of(node + " -o new",
                node + " -o update -n node.session.auth.authmethod -v CHAP",
                node + " -o update -n node.session.auth.username -v " + SimulatedClones.CHAP_USER,
                node + " -o update -n node.session.auth.password -v " + SimulatedClones.CHAP_SECRET.reveal(),
                node + " --login"), Files.readAllLines(log));

        Files.delete(log);
        host.detach(device, clone);
        assertEquals(List.of(node + " --logout", node + " -o delete"), Files.readAllLines(log));
        assertFalse(Files.exists(device));
        assertEquals("None/CHAP", array.access(clone));
    }

    @Test
    public void aRefusedLoginEndsTheSessionDeletesTheNodeRecordAndShutsTheTarget() throws Exception {
        String clone = array.clone("esnap-restore-a2");
        Files.createFile(tmp.getRoot().toPath().resolve("fail-login"));
        try {
            host.attach(clone);
            fail("attached although the login was refused");
        } catch (IOException e) {
            assertTrue(e.getMessage(), e.getMessage().contains("authorization failure"));
        }
        List<String> calls = Files.readAllLines(log);
        assertTrue(calls.toString(), calls.get(calls.size() - 2).endsWith(" --logout"));
        assertTrue(calls.toString(), calls.get(calls.size() - 1).endsWith(" -o delete"));
        assertEquals("None/CHAP", array.access(clone));
    }

    @Test
    public void theSecretIsMaskedWhereIscsiadmEchoesIt() throws Exception {
        String clone = array.clone("esnap-restore-a3");
        Files.createFile(tmp.getRoot().toPath().resolve("fail-update"));
        try {
            host.attach(clone);
            fail("attached although the update failed");
        } catch (IOException e) {
            assertTrue(e.getMessage(), e.getMessage().contains("-v ****"));
            assertFalse(e.getMessage(), e.getMessage().contains(SimulatedClones.CHAP_SECRET.reveal()));
        }
        assertEquals("None/CHAP", array.access(clone));
    }

    @Test
    public void aDeviceOfAnotherTargetIsLeftAlone() throws Exception {
        String clone = array.clone("esnap-restore-a4");
        Path other = Files.createFile(byPath.resolve("ip-192.0.2.41:3260-iscsi-iqn.2016-11.other:vol-lun-0"));
        host.detach(other, clone);
        assertTrue(Files.exists(other));
        assertFalse("no logout of another target: " + log, Files.exists(log));
    }
}
