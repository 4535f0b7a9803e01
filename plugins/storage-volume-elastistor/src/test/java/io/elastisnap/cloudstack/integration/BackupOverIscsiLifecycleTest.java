// Licensed under the Apache License, Version 2.0. See LICENSE in the project root.
package io.elastisnap.cloudstack.integration;

import static org.junit.Assert.assertArrayEquals;
import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertFalse;
import static org.junit.Assert.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;

import org.apache.cloudstack.engine.subsystem.api.storage.SnapshotInfo;
import org.apache.logging.log4j.Level;
import org.junit.Test;

import com.cloud.storage.Snapshot;
import com.google.gson.GsonBuilder;

import io.elastisnap.cloudstack.ElastiStorPool;
import io.elastisnap.cloudstack.agent.SnapshotBackupRunner;
import io.elastisnap.cloudstack.command.BackupSnapshotToSecondaryCommand;
import io.elastisnap.cloudstack.command.CommandSerializationTest;
import io.elastisnap.cloudstack.command.IscsiLun;
import io.elastisnap.cloudstack.command.RestoreSnapshotBackupCommand;
import io.elastisnap.cloudstack.testsupport.CapturedLogs;
import io.elastisnap.elasticenter.IscsiService;
import io.elastisnap.simulator.ElastiCenterSimulator;
import io.elastisnap.simulator.IscsiLogin;
import io.elastisnap.transfer.DataLocation;

/**
 * The same lifecycle and failures with every LUN read and written over real iSCSI: the simulator exports its volumes and
 * clones through a private user-space tgtd, and the host's qemu-img opens them with QEMU's built-in initiator, as on a
 * KVM host, logging in with the pool's CHAP the command carries (tgtd enforces it). The one translation left, said
 * plainly: the plugin addresses the clone as an appliance presents it (the TSM's address, port 3260, LUN 0); tgt serves
 * it on 127.0.0.1 at the simulator's port as LUN 1 (tgt keeps LUN 0 for its controller).
 */
public class BackupOverIscsiLifecycleTest extends BackupToSecondaryLifecycleTest {
    private static final long POOL = 1L;
    private static final String AUTH_FAILURE = "Authentication failure";

    @Override
    protected ElastiCenterSimulator.Builder array(Path dataDirectory) {
        return super.array(dataDirectory).iscsiTarget(0);
    }

    @Override
    protected DataLocation lunLocation(IscsiLun lun) {
        String[] portal = portal().split(":");
        return DataLocation.iscsi(portal[0], Integer.parseInt(portal[1]), lun.getIqn(), ElastiCenterSimulator.ISCSI_LUN,
                SnapshotBackupRunner.chapLogin(lun));
    }

    private String portal() {
        return ec.iscsiPortal().orElseThrow(() -> new IllegalStateException("the simulator runs no iSCSI target"));
    }

    /** What a login to the LUN with these credentials gets (null user: no CHAP), while the host's command is in flight. */
    private String login(IscsiLun lun, String user, String secret) throws Exception {
        Path out = Files.createTempFile("login-", ".raw");
        Files.delete(out);
        try {
            IscsiLogin.Outcome outcome = IscsiLogin.copyLun(portal(), lun.getIqn(), ElastiCenterSimulator.ISCSI_LUN, user, secret, out);
            return outcome.loggedIn() ? "logged in" : outcome.output().contains(AUTH_FAILURE) ? AUTH_FAILURE : outcome.toString();
        } finally {
            Files.deleteIfExists(out);
        }
    }

    @Test
    public void theBackupCloneAndTheRestoredVolumeAreBehindThePoolsChapAndTheSecretIsNeverLogged() throws Exception {
        String secret = pools.arrays.chap(POOL).get().secret().reveal();
        String user = pools.arrays.chap(POOL).get().user();
        List<String> outcomes = new ArrayList<>();
        List<String> commandLog = new ArrayList<>();
        hook = command -> {
            IscsiLun lun = command instanceof BackupSnapshotToSecondaryCommand ? ((BackupSnapshotToSecondaryCommand) command).getSource()
                    : command instanceof RestoreSnapshotBackupCommand ? ((RestoreSnapshotBackupCommand) command).getTarget() : null;
            if (lun != null) {
                commandLog.add(new GsonBuilder().setExclusionStrategies(new CommandSerializationTest.CloudStackLoggingExclusion())
                        .create().toJson(command) + " " + command);
                try {
                    outcomes.add(command.getClass().getSimpleName() + ": " + login(lun, null, null) + " / "
                            + login(lun, user, secret + "x") + " / " + login(lun, user, lun.getChapSecret().get().reveal()));
                } catch (Exception e) {
                    throw new AssertionError(e);
                }
            }
        };
        pools.settings.keepArraySnapshot = false;
        try (CapturedLogs logs = new CapturedLogs()) {
            SnapshotInfo snapshot = takeSnapshot(51);
            strategy.backupSnapshot(snapshot);
            strategy.postSnapshotCreation(snapshot);
            assertEquals(Snapshot.State.BackedUp, db.snapshots.get(51L).state);
            byte[] newer = new byte[written.length];
            new Random(51).nextBytes(newer);
            writeVolume(newer);
            assertTrue("revert writes the backup into the volume over iSCSI", strategy.revertSnapshot(snapshot));
            assertArrayEquals(written, readVolume());

            assertEquals("no login without CHAP or with a wrong secret; the command's own login reads it", List.of(
                    "BackupSnapshotToSecondaryCommand: " + AUTH_FAILURE + " / " + AUTH_FAILURE + " / logged in",
                    "RestoreSnapshotBackupCommand: " + AUTH_FAILURE + " / " + AUTH_FAILURE + " / logged in"), outcomes);
            assertEquals(2, commandLog.size());
            for (String logged : commandLog) {
                assertFalse(logged, logged.contains(secret));
                assertTrue(logged, logged.contains("\"chapUser\":\"" + user + "\""));
            }
            assertEquals("the CHAP secret in no log line", 0, logs.all().stream().filter(l -> l.contains(secret)).count());
            assertTrue(logs.at(Level.WARN, "WITHOUT CHAP").isEmpty());
        }
        for (IscsiService service : pools.arrays.client(POOL).listVolumeIscsiServices(volume.folder)) {
            assertEquals("the volume stays behind CHAP after the restore", "CHAP", service.authMethod().orElse(""));
        }
        assertTrue(clonesOnArray().isEmpty());
    }

    @Test
    public void aPoolRegisteredWithoutChapStillBacksUpAndWarnsAtEveryExport() throws Exception {
        db.poolDetailRows.get(POOL).put(ElastiStorPool.DETAIL_CHAP, ElastiStorPool.CHAP_OFF);
        List<String> outcomes = new ArrayList<>();
        hook = command -> {
            if (command instanceof BackupSnapshotToSecondaryCommand) {
                IscsiLun lun = ((BackupSnapshotToSecondaryCommand) command).getSource();
                assertFalse("no CHAP travels", lun.getChapUser().isPresent() || lun.getChapSecret().isPresent());
                try {
                    outcomes.add(login(lun, null, null));
                } catch (Exception e) {
                    throw new AssertionError(e);
                }
            }
        };
        try (CapturedLogs logs = new CapturedLogs()) {
            SnapshotInfo snapshot = takeSnapshot(52);
            strategy.backupSnapshot(snapshot);
            strategy.postSnapshotCreation(snapshot);
            assertEquals(Snapshot.State.BackedUp, db.snapshots.get(52L).state);
            assertTrue(Files.exists(backupFile(52)));
            assertEquals(List.of("logged in"), outcomes);
            List<String> warnings = logs.at(Level.WARN, "WITHOUT CHAP");
            assertEquals(warnings.toString(), 1, warnings.size());
            assertTrue(warnings.get(0), warnings.get(0).contains("details[0].chap=false")
                    && warnings.get(0).contains("any initiator"));
        }
    }
}
