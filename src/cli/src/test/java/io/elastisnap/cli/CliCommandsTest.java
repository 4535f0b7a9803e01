// Licensed under the Apache License, Version 2.0. See LICENSE in the project root.
package io.elastisnap.cli;

import static io.elastisnap.cli.CliFixture.DOMAIN;
import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertFalse;
import static org.junit.Assert.assertNotNull;
import static org.junit.Assert.assertTrue;

import com.google.gson.JsonArray;
import com.google.gson.JsonObject;
import io.elastisnap.elasticenter.ElastiCenterClient;
import io.elastisnap.elasticenter.ElastiCenterConfig;
import io.elastisnap.elasticenter.Secret;
import io.elastisnap.elasticenter.TlsTrust;
import java.io.IOException;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.Test;

/** The commands end to end, in-process, against the simulator over HTTPS and libvirt's test driver. */
public class CliCommandsTest extends CliTest {
    @Test
    public void createListRollbackDeleteSpeakStableJson() {
        CliFixture.Run created = f.cli("create", DOMAIN, "--json");
        assertEquals(created.toString(), 0, created.exitCode);
        JsonObject doc = created.json();
        assertEquals(1, doc.get("schemaVersion").getAsInt());
        assertEquals("create", doc.get("command").getAsString());
        assertTrue(doc.get("ok").getAsBoolean());
        assertEquals(0, doc.get("exitCode").getAsInt());
        assertTrue(doc.get("warnings").isJsonArray());
        JsonObject set = doc.getAsJsonObject("result");
        String id = set.get("id").getAsString();
        assertEquals(DOMAIN, set.get("domain").getAsString());
        assertEquals("COMPLETE", set.get("state").getAsString());
        assertEquals("FS_FROZEN", set.get("consistencyLevel").getAsString());
        assertEquals(2, set.get("frozenFileSystems").getAsInt());
        // libvirt's test driver has no guest agent to list file systems by disk: the whole guest, and why
        JsonObject scope = set.getAsJsonObject("freezeScope");
        assertEquals("whole guest", scope.get("kind").getAsString());
        assertTrue(scope.toString(), scope.get("wholeGuestReason").getAsString().contains("disks could not be read"));
        assertTrue(set.getAsJsonObject("timings").has("frozenWindowMs"));
        JsonArray volumes = set.getAsJsonArray("volumes");
        assertEquals(2, volumes.size());
        JsonObject vda = volumes.get(0).getAsJsonObject();
        assertEquals("vda", vda.get("disk").getAsString());
        assertEquals(f.vda.id(), vda.get("volumeId").getAsString());
        assertEquals(f.vda.zfsPath() + "@" + vda.get("snapshotName").getAsString(), vda.get("path").getAsString());
        assertTrue("no progress lines in JSON mode", created.err.isEmpty());

        JsonObject listed = f.cli("list", "--json").json().getAsJsonObject("result");
        assertTrue(listed.get("inSync").getAsBoolean());
        assertEquals(1, listed.getAsJsonArray("sets").size());
        assertTrue(listed.getAsJsonArray("sets").get(0).getAsJsonObject().getAsJsonArray("volumes").get(1)
                .getAsJsonObject().get("onArray").getAsBoolean());

        CliFixture.Run refused = f.cli("rollback", id.substring(0, 8), "--json");
        assertEquals(refused.toString(), 5, refused.exitCode);
        assertEquals("refused", refused.json().getAsJsonObject("error").get("kind").getAsString());

        CliFixture.Run rolled = f.cli("rollback", id, "-c", f.shutOffUri, "--json");
        assertEquals(rolled.toString(), 0, rolled.exitCode);
        assertEquals(2, rolled.json().getAsJsonObject("result").getAsJsonArray("rolledBack").size());

        CliFixture.Run deleted = f.cli("delete", id, "--json");
        assertEquals(deleted.toString(), 0, deleted.exitCode);
        assertEquals(2, deleted.json().getAsJsonObject("result").getAsJsonArray("deletedVolumeSnapshots").size());
        JsonObject after = f.cli("list", "--json").json().getAsJsonObject("result");
        assertEquals(0, after.getAsJsonArray("sets").size());
        assertTrue(after.get("inSync").getAsBoolean());
        assertTrue(f.sim.snapshotPaths(f.vda.id()).isEmpty());
    }

    @Test
    public void humanCreateShowsLevelPathsAndWindowWithProgressOnStderr() {
        CliFixture.Run r = f.cli("create", DOMAIN);
        assertEquals(r.toString(), 0, r.exitCode);
        assertTrue(r.out, r.out.contains("FS_FROZEN (2 file system(s) frozen)"));
        assertTrue(r.out, r.out.contains("  froze: whole guest ("));
        assertTrue(r.out, r.out.contains(f.vdb.zfsPath() + "@esnap-" + DOMAIN + "-vdb-"));
        assertTrue(r.out, r.out.contains("frozen window"));
        assertTrue(r.err, r.err.contains("> snapshotting 2 volume(s) of " + DOMAIN));
        assertTrue(r.err, r.err.contains("test driver"));
    }

    @Test
    public void aShortWindowAloneDerivesTheFreezeTimeoutAndSaysSo() {
        CliFixture.Run r = f.cli("create", DOMAIN, "--max-frozen-window", "3s");
        assertEquals(r.toString(), 0, r.exitCode);
        assertTrue(r.err, r.err.contains("> freeze timeout 1.9 s: 5/8 of the 3.0 s frozen window (--freeze-timeout sets it)"));

        CliFixture.Run given = f.cli("create", DOMAIN, "--max-frozen-window", "3s", "--freeze-timeout", "1s");
        assertEquals(given.toString(), 0, given.exitCode);
        assertFalse(given.err, given.err.contains("freeze timeout"));
    }

    @Test
    public void rollbackRefusesToDestroyNewerSnapshotsAndNamesThem() {
        String older = createdId();
        String newer = createdId();
        CliFixture.Run refused = f.cli("rollback", older, "-c", f.shutOffUri);
        assertEquals(refused.toString(), 5, refused.exitCode);
        assertTrue(refused.err, refused.err.contains("would destroy 2 newer snapshot(s)"));
        assertTrue(refused.err, refused.err.contains("(set " + newer.substring(0, 8) + ")"));
        assertTrue(refused.err, refused.err.contains("--force-destroy-newer"));
        assertEquals("nothing was rolled back", 2, f.sim.snapshotPaths(f.vda.id()).size());

        CliFixture.Run forced = f.cli("rollback", older, "-c", f.shutOffUri, "--force-destroy-newer");
        assertEquals(forced.toString(), 0, forced.exitCode);
        JsonArray sets = f.cli("list", "--json").json().getAsJsonObject("result").getAsJsonArray("sets");
        assertEquals("the destroyed set is gone from the records", 1, sets.size());
        assertEquals(older, sets.get(0).getAsJsonObject().get("id").getAsString());
    }

    @Test
    public void rollbackOfOneDiskLeavesTheOtherAlone() {
        String id = createdId();
        CliFixture.Run r = f.cli("rollback", id, "--disk", "vdb", "-c", f.shutOffUri, "--json");
        assertEquals(r.toString(), 0, r.exitCode);
        JsonArray rolled = r.json().getAsJsonObject("result").getAsJsonArray("rolledBack");
        assertEquals(1, rolled.size());
        assertEquals("vdb", rolled.get(0).getAsJsonObject().get("disk").getAsString());
        assertEquals(2, f.cli("rollback", id, "--disk", "vdz", "-c", f.shutOffUri).exitCode);
    }

    @Test
    public void retentionDeletesBeyondTheNewestKAndDryRunChangesNothing() {
        String oldest = createdId();
        String middle = createdId();
        String newest = createdId();
        CliFixture.Run dry = f.cli("delete", "--domain", DOMAIN, "--keep-newest", "1", "--dry-run", "--json");
        assertEquals(dry.toString(), 0, dry.exitCode);
        assertEquals(2, dry.json().getAsJsonObject("result").getAsJsonArray("wouldDeleteSets").size());
        assertEquals(3, sets().size());

        assertEquals(0, f.cli("delete", "--domain", DOMAIN, "--older-than", "1d").exitCode);
        assertEquals("nothing is a day old", 3, sets().size());

        CliFixture.Run pruned = f.cli("delete", "--domain", DOMAIN, "--keep-newest", "1");
        assertEquals(pruned.toString(), 0, pruned.exitCode);
        assertTrue(pruned.out, pruned.out.contains(oldest.substring(0, 8)) && pruned.out.contains(middle.substring(0, 8)));
        JsonArray left = sets();
        assertEquals(1, left.size());
        assertEquals(newest, left.get(0).getAsJsonObject().get("id").getAsString());
        assertEquals(1, f.sim.snapshotPaths(f.vdb.id()).size());
    }

    @Test
    public void badInputGetsOneLineNamingTheProblemAndTheFix() throws IOException {
        assertOneLine(f.cli("create", "i-9-99-VM", "--disk", "vda=" + f.vda.id()), 2, "domain 'i-9-99-VM' not found");
        assertOneLine(f.cli("create", DOMAIN, "--disk", "vda=no-such-volume"), 2, "ElastiStor volume 'no-such-volume'");
        assertOneLine(f.cli("create", DOMAIN, "--disk", "vdz=" + f.vda.id()), 2, "has no disk 'vdz' (its disks: vda, vdb)");
        assertOneLine(f.cli("create", DOMAIN, "--policy", "sometimes"), 2, "not a consistency policy");
        assertOneLine(f.cli("create", DOMAIN, "--max-frozen-window", "1s", "--freeze-timeout", "2s"), 2,
                "freeze-timeout (2000 ms) must be shorter than max-frozen-window (1000 ms)");
        assertOneLine(f.cli("rollback", "deadbeef-nothing"), 2, "no snapshot 'deadbeef-nothing' in the record store");
        assertOneLine(f.cli("delete"), 2, "nothing to delete");

        Path bad = f.dir.resolve("bad.conf");
        Files.writeString(bad, "elasticenter.url = https://x\ndomain.vm.disk.vda\n");
        assertOneLine(f.bare("list", "--config", bad.toString()), 2, "bad.conf line 2: expected 'key = value'");
        assertOneLine(f.bare("list", "--config", f.dir.resolve("missing.conf").toString()), 2, "does not exist");

        assertOneLine(f.cli("list", "--url", "https://127.0.0.1:" + freePort()), 3, "cannot reach ElastiCenter");
        assertOneLine(f.cli("list", "--url", "http://127.0.0.1:80"), 2, "is not https://HOST[:PORT]");
        assertOneLine(f.cli("create", DOMAIN, "-c", "qemu+tcp://127.0.0.1:" + freePort() + "/system"), 3,
                "cannot connect to libvirt");
        assertOneLine(f.bare("create", DOMAIN, "--disk", "vda=" + f.vda.id(), "-c", f.runningUri, "--state-dir",
                f.stateDir.toString(), "--url", f.sim.baseUrl().toString(), "--pin-sha256", f.sim.certificateSha256()), 2,
                "no ElastiCenter API key configured");
        assertOneLine(f.cli("list", "--ca-file", "/etc/hostname", "--insecure"), 2, "conflicting TLS trust flags");
        assertOneLine(f.bare("frobnicate"), 2, "Unmatched argument");
        assertOneLine(f.bare(), 2, "a command is required");
    }

    @Test
    public void endpointAndTrustProblemsExitWithThree() throws IOException {
        Path wrongKey = f.dir.resolve("wrong-key");
        Files.writeString(wrongKey, "not-the-key");
        assertOneLine(f.cli("list", "--api-key-file", wrongKey.toString()), 3, "rejected the API key");
        assertOneLine(f.bare("list", "--config", f.configWithout("elasticenter.pin-sha256").toString()), 3,
                "presented a certificate this host does not trust");
        CliFixture.Run pinned = f.bare("list", "--config", f.configWithout("elasticenter.pin-sha256").toString(),
                "--pin-sha256", f.sim.certificateSha256());
        assertEquals(pinned.toString(), 0, pinned.exitCode);
        Path pem = f.dir.resolve("sim.pem");
        f.sim.writeCertificatePem(pem);
        assertEquals(0, f.bare("list", "--config", f.configWithout("elasticenter.pin-sha256").toString(), "--ca-file",
                pem.toString()).exitCode);
    }

    @Test
    public void theKeyIsRefusedOnTheCommandLineWithoutBeingEchoed() {
        CliFixture.Run r = f.cli("list", "--api-key=" + CliFixture.API_KEY);
        assertOneLine(r, 2, "the API key is not accepted on the command line");
        CliFixture.Run separate = f.cli("list", "--api-key", CliFixture.API_KEY, "--json");
        assertEquals(2, separate.exitCode);
        assertEquals("usage", separate.json().getAsJsonObject("error").get("kind").getAsString());
    }

    @Test
    public void theKeyFromTheEnvironmentWorksAndStaysHidden() throws IOException {
        f.env.put(Settings.ENV_API_KEY, CliFixture.API_KEY);
        CliFixture.Run r = f.bare("list", "--config", f.configWithout("elasticenter.api-key-file").toString(), "--debug",
                "--log-file", f.logFile.toString());
        assertEquals(r.toString(), 0, r.exitCode);
        f.env.put(Settings.ENV_API_KEY, "wrong-" + CliFixture.API_KEY.substring(8));
        CliFixture.Run wrong = f.bare("create", DOMAIN, "--config", f.configWithout("elasticenter.api-key-file").toString(),
                "--debug", "--log-file", f.logFile.toString());
        assertEquals(wrong.toString(), 3, wrong.exitCode);
        assertTrue("--debug shows the stack trace", wrong.err.contains("at io.elastisnap."));
    }

    @Test
    public void worldReadableKeyFileIsWarnedAbout() throws IOException {
        Files.setPosixFilePermissions(f.keyFile, java.nio.file.attribute.PosixFilePermissions.fromString("rw-r--r--"));
        CliFixture.Run r = f.cli("list");
        assertEquals(r.toString(), 0, r.exitCode);
        assertTrue(r.err, r.err.contains("warning: API key file " + f.keyFile + " is readable by other users; run: chmod 600"));
    }

    @Test
    public void jsonErrorsAreOneDocumentOnStdoutAndNothingOnStderr() {
        CliFixture.Run r = f.cli("create", "i-9-99-VM", "--disk", "vda=" + f.vda.id(), "--json");
        assertEquals(2, r.exitCode);
        assertTrue(r.err, r.err.isEmpty());
        JsonObject doc = r.json();
        assertFalse(doc.get("ok").getAsBoolean());
        assertEquals(2, doc.get("exitCode").getAsInt());
        JsonObject error = doc.getAsJsonObject("error");
        assertEquals("usage", error.get("kind").getAsString());
        assertTrue(error.get("message").getAsString().contains("i-9-99-VM"));
        assertNotNull(error.get("fix").getAsString());
    }

    @Test
    public void helpDocumentsTheExitCodesAndTheConfigFile() {
        CliFixture.Run r = f.bare("--help");
        assertEquals(0, r.exitCode);
        for (ExitCode c : ExitCode.values()) {
            assertTrue(r.out, r.out.contains("  " + c.code() + "  " + c.kind()));
        }
        assertTrue(r.out, r.out.contains("domain.<name>.disk.<target> = <ElastiStor volume id>"));
        assertEquals(0, f.bare("rollback", "--help").exitCode);
    }

    @Test
    public void listAndReconcileScanEveryVolumeOfTheAccountAndSaySo() throws Exception {
        try (ElastiCenterClient client = client()) {
            // a late request's snapshot on a volume that no record and no config entry names
            String elsewhere = f.sim.provisionVolume("not-in-any-config", 64L * 1024 * 1024).id();
            String stray = io.elastisnap.cli.store.SnapshotNames.name("i-9-99-VM", "vda",
                    io.elastisnap.cli.store.SnapshotNames.newSetId());
            client.createStorageSnapshot(elsewhere, stray);
            client.createStorageSnapshot(elsewhere, "someone-elses");

            CliFixture.Run listed = f.cli("list");
            assertTrue(listed.out, listed.out.contains(stray));
            assertFalse(listed.out, listed.out.contains("records and array agree"));
            assertTrue(listed.out, listed.out.contains("scanned 3 volume(s) for esnap- snapshots: every volume of the"
                    + " account"));
            JsonObject json = f.cli("list", "--json").json().getAsJsonObject("result");
            assertEquals(3, json.getAsJsonObject("scannedForUnrecorded").get("volumes").getAsInt());

            CliFixture.Run fixed = f.cli("reconcile", "--delete-unrecorded");
            assertEquals(fixed.toString(), 0, fixed.exitCode);
            assertTrue(fixed.out, fixed.out.contains("records and array agree"));
            assertTrue(client.findStorageSnapshot(elsewhere, stray).isEmpty());
            assertTrue("not ours", client.findStorageSnapshot(elsewhere, "someone-elses").isPresent());
        }
    }

    @Test
    public void reconcileFinishesInterruptedRunsAndResolvesDrift() throws Exception {
        try (ElastiCenterClient client = client()) {
            // a record whose vda snapshot vanished from the array
            String gone = createdId();
            client.listStorageSnapshots(f.vda.id()).stream().filter(s -> s.name().contains(gone))
                    .forEach(s -> client.deleteSnapshot(f.vda.id(), s.path()));
            // a create killed after the array call: PENDING record + its array snapshot
            String setId = recordPendingCreate();
            String name = io.elastisnap.cli.store.SnapshotNames.name(DOMAIN, "vda", setId);
            client.createStorageSnapshot(f.vda.id(), name);
            // an orphan named by us but unknown to the records
            client.createStorageSnapshot(f.vdb.id(), io.elastisnap.cli.store.SnapshotNames.name(DOMAIN, "vdb",
                    io.elastisnap.cli.store.SnapshotNames.newSetId()));
            // a foreign snapshot is none of our business
            client.createStorageSnapshot(f.vdb.id(), "nightly-backup");

            CliFixture.Run partial = f.cli("reconcile", "--json");
            assertEquals("drift remains without the fix flags", 1, partial.exitCode);
            JsonObject p = partial.json().getAsJsonObject("result");
            assertEquals(setId, p.getAsJsonArray("resolvedInterruptedSets").get(0).getAsString());
            assertTrue(client.findStorageSnapshot(f.vda.id(), name).isEmpty());
            JsonObject remaining = p.getAsJsonObject("remaining");
            assertFalse(remaining.get("inSync").getAsBoolean());
            assertEquals(1, remaining.getAsJsonArray("notRecorded").size());

            CliFixture.Run fixed = f.cli("reconcile", "--forget-missing", "--delete-unrecorded");
            assertEquals(fixed.toString(), 0, fixed.exitCode);
            assertTrue(fixed.out, fixed.out.contains("records and array agree"));
            JsonObject after = f.cli("list", "--json").json().getAsJsonObject("result");
            assertTrue(after.get("inSync").getAsBoolean());
            assertEquals("the partly vanished set keeps its surviving volume", 1, after.getAsJsonArray("sets").size());
            assertTrue(client.findStorageSnapshot(f.vdb.id(), "nightly-backup").isPresent());
        }
    }

    @Test
    public void listAloneFinishesACreateAKilledRunLeftPending() throws Exception {
        try (ElastiCenterClient client = client()) {
            String setId = recordPendingCreate();
            String name = io.elastisnap.cli.store.SnapshotNames.name(DOMAIN, "vda", setId);
            client.createStorageSnapshot(f.vda.id(), name);

            CliFixture.Run listed = f.cli("list", "--json");

            JsonObject result = listed.json().getAsJsonObject("result");
            assertTrue(listed.out, result.get("inSync").getAsBoolean());
            assertEquals(0, result.getAsJsonArray("sets").size());
            assertTrue(listed.out, listed.out.contains("finished an interrupted create of " + DOMAIN + " (set " + setId));
            assertTrue(client.findStorageSnapshot(f.vda.id(), name).isEmpty());
        }
    }

    @Test
    public void listLocalLeavesAnInterruptedCreateForARunThatCanReachTheArray() {
        recordPendingCreate();

        CliFixture.Run listed = f.cli("list", "--local");

        assertTrue(listed.out, listed.out.contains("pending"));
    }

    @Test
    public void theNextCreateFinishesAnInterruptedDelete() {
        String id = createdId();
        new io.elastisnap.cli.store.RecordStore(f.stateDir, java.time.Duration.ofSeconds(5)).update(sets -> {
            sets.get(0).state(io.elastisnap.cli.store.SnapshotSet.State.DELETING);
            return null;
        });
        CliFixture.Run r = f.cli("create", DOMAIN);
        assertEquals(r.toString(), 0, r.exitCode);
        assertTrue(r.err, r.err.contains("finished an interrupted delete of " + DOMAIN + " (set " + id));
        assertEquals(1, sets().size());
        assertEquals(1, f.sim.snapshotPaths(f.vda.id()).size());
    }

    @Test
    public void policyDecidesWhatAFailedFreezeMeans() {
        CliFixture.Run required = f.cli("create", DOMAIN, "--mount-point", "/nonexistent");
        assertOneLine(required, 4, "policy REQUIRED: no snapshot kept");
        assertTrue("nothing kept on the array", f.sim.snapshotPaths(f.vda.id()).isEmpty());
        assertEquals("nothing kept in the records", 0, sets().size());

        CliFixture.Run bestEffort = f.cli("create", DOMAIN, "--mount-point", "/nonexistent", "--policy", "best-effort", "--json");
        assertEquals(bestEffort.toString(), 0, bestEffort.exitCode);
        assertEquals("QUIESCE_FAILED", bestEffort.json().getAsJsonObject("result").get("consistencyLevel").getAsString());

        CliFixture.Run off = f.cli("create", DOMAIN, "--policy", "off", "--json");
        assertEquals(off.toString(), 0, off.exitCode);
        assertEquals("CRASH_CONSISTENT", off.json().getAsJsonObject("result").get("consistencyLevel").getAsString());
        assertEquals(2, sets().size());
    }

    @Test
    public void everyStartRecoversTheFreezeJournalOfADeadPredecessor() throws Exception {
        Process finished = new ProcessBuilder("true").start();
        assertTrue(finished.waitFor(30, java.util.concurrent.TimeUnit.SECONDS));
        io.elastisnap.engine.journal.FreezeJournal journal = new io.elastisnap.engine.journal.FreezeJournal(
                f.stateDir.resolve("journal"));
        journal.record(new io.elastisnap.engine.journal.JournalEntry(DOMAIN, "killed-session",
                io.elastisnap.engine.journal.JournalOwner.of(finished.pid(), java.time.Instant.now().minusSeconds(60)),
                "localhost", java.time.Instant.now().minusSeconds(30), java.time.Duration.ofSeconds(8), java.util.List.of()));

        CliFixture.Run r = f.cli("list", "--local");
        assertEquals(r.toString(), 0, r.exitCode);
        assertTrue(r.err, r.err.contains("warning: freeze journal: " + DOMAIN + ": frozen at "));
        assertTrue("says which process froze it: " + r.err, r.err.contains("by pid " + finished.pid() + " "));
        assertTrue("and what became of it: " + r.err, r.err.contains("which is no longer running; found thawed"));
        assertTrue("the entry is resolved", journal.list().isEmpty());
    }

    @Test
    public void aHungArrayIsAnsweredWithoutWaitingForItAndTheNextRunRemovesWhatWasOutstanding() {
        f.sim.faults().inject("createStorageSnapshot", io.elastisnap.simulator.Fault.hang());

        CliFixture.Run hung = f.cli("create", DOMAIN, "--max-frozen-window", "1s", "--freeze-timeout", "500ms");

        assertOneLine(hung, 1, "did not complete within the maximum frozen window of 1000 ms");
        assertTrue(hung.err, hung.err.contains("still outstanding on the array: esnap-"));
        assertTrue(hung.err, hung.err.contains("(its create call had not returned)"));
        assertTrue(hung.err, hung.err.contains("stays pending, and the next create, delete, list or 'elastisnap reconcile' of "
                + DOMAIN + " deletes them by name"));
        CliFixture.Run pending = f.cli("list", "--local", "--json");
        assertEquals("PENDING", pending.json().getAsJsonObject("result").getAsJsonArray("sets").get(0).getAsJsonObject()
                .get("state").getAsString());

        f.sim.faults().clear();
        CliFixture.Run listed = f.cli("list", "--json");

        assertTrue(listed.out, listed.json().getAsJsonObject("result").get("inSync").getAsBoolean());
        assertEquals(0, listed.json().getAsJsonObject("result").getAsJsonArray("sets").size());
        assertTrue(f.sim.snapshotPaths(f.vda.id()).isEmpty());
        assertTrue(f.sim.snapshotPaths(f.vdb.id()).isEmpty());
    }

    /** The record a create killed after writing it leaves: a PENDING set of vda; returns the set id. */
    private String recordPendingCreate() {
        String setId = io.elastisnap.cli.store.SnapshotNames.newSetId();
        String name = io.elastisnap.cli.store.SnapshotNames.name(DOMAIN, "vda", setId);
        new io.elastisnap.cli.store.RecordStore(f.stateDir, java.time.Duration.ofSeconds(5)).update(sets -> sets.add(
                new io.elastisnap.cli.store.SnapshotSet(setId, DOMAIN, java.time.Instant.now(), "REQUIRED",
                        java.util.List.of(new io.elastisnap.cli.store.VolumeRecord("vda", f.vda.id(), name, null)))));
        return setId;
    }

    private String createdId() {
        CliFixture.Run r = f.cli("create", DOMAIN, "--json");
        assertEquals(r.toString(), 0, r.exitCode);
        return r.json().getAsJsonObject("result").get("id").getAsString();
    }

    private JsonArray sets() {
        return f.cli("list", "--json").json().getAsJsonObject("result").getAsJsonArray("sets");
    }

    private ElastiCenterClient client() {
        return new ElastiCenterClient(ElastiCenterConfig.builder(f.sim.baseUrl(), Secret.of(CliFixture.API_KEY))
                .trust(TlsTrust.pinnedSha256(f.sim.certificateSha256())).build());
    }

    /** One "error:" line with the problem and the fix, and no stack trace (progress and warning lines may precede it). */
    static void assertOneLine(CliFixture.Run r, int exitCode, String problem) {
        assertEquals(r.toString(), exitCode, r.exitCode);
        java.util.List<String> errors = r.err.lines().filter(l -> l.startsWith("error: ")).collect(java.util.stream.Collectors.toList());
        assertEquals("exactly one error line: " + r, 1, errors.size());
        assertTrue(r.toString(), errors.get(0).contains(problem));
        assertTrue("names the fix: " + r, errors.get(0).contains(" — fix: "));
        assertTrue("every stderr line is progress, a warning or the error: " + r,
                r.err.lines().allMatch(l -> l.startsWith("> ") || l.startsWith("warning: ") || l.startsWith("error: ")));
    }

    private static int freePort() throws IOException {
        try (ServerSocket s = new ServerSocket(0)) {
            return s.getLocalPort();
        }
    }
}
