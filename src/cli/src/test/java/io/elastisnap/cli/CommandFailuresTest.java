// Licensed under the Apache License, Version 2.0. See LICENSE in the project root.
package io.elastisnap.cli;

import static io.elastisnap.cli.CliCommandsTest.assertOneLine;
import static io.elastisnap.cli.CliFixture.DOMAIN;
import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertFalse;
import static org.junit.Assert.assertTrue;

import com.google.gson.JsonArray;
import com.google.gson.JsonObject;
import io.elastisnap.cli.store.LockHolder;
import io.elastisnap.simulator.Fault;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import org.junit.Before;
import org.junit.Test;

/**
 * Each command's failure paths against the simulator and libvirt's test driver: the exit code (1 failed, 3
 * unreachable / TLS / key, 4 REQUIRED not met, 5 guard or lock), the one-line problem and fix, and what is left
 * behind — nothing half-done on the array or in the records, or a state the next run finishes.
 */
public class CommandFailuresTest extends CliTest {
    @Before
    public void refuseHeldLocksAtOnce() {
        f.env.put(Settings.ENV_LOCK_WAIT, "0s");   // a held lock refuses at once instead of after the 60 s default
    }

    // ------------------------------------------------------------------------------------------ create

    @Test
    public void createWithAWrongKeyExitsThreeAndLeavesNoRecord() throws IOException {
        assertOneLine(f.cli("create", DOMAIN, "--api-key-file", wrongKey().toString()), 3, "rejected the API key");
        assertEquals(0, localSets().size());
        assertTrue(f.sim.snapshotPaths(f.vda.id()).isEmpty());
    }

    @Test
    public void createAgainstAnUntrustedCertificateExitsThree() throws IOException {
        assertOneLine(f.bare("create", DOMAIN, "--config", f.configWithout("elasticenter.pin-sha256").toString()), 3,
                "presented a certificate this host does not trust");
        assertEquals(0, localSets().size());
    }

    @Test
    public void createWhenOneVolumeSnapshotFailsKeepsNothing() {
        f.sim.faults().inject("createStorageSnapshot", Fault.error(530, "pool is out of space").times(1));
        CliFixture.Run r = f.cli("create", DOMAIN);
        assertOneLine(r, 1, "pool is out of space");
        assertTrue("all-or-nothing: vda", f.sim.snapshotPaths(f.vda.id()).isEmpty());
        assertTrue("all-or-nothing: vdb", f.sim.snapshotPaths(f.vdb.id()).isEmpty());
        assertEquals("no record of the failed set", 0, localSets().size());
        assertEquals("the next create works", 0, f.cli("create", DOMAIN).exitCode);
    }

    @Test
    public void createOfAShutOffDomainIsRefused() {
        assertOneLine(f.cli("create", DOMAIN, "-c", f.shutOffUri), 5, "start the domain");
        assertEquals(0, localSets().size());
    }

    @Test
    public void createWithRequiredPolicyFromTheConfigFailsWithFourWhenTheFreezeFails() throws IOException {
        Path conf = f.configWith("domain." + DOMAIN + ".mount-points = /nonexistent");
        CliFixture.Run r = f.bare("create", DOMAIN, "--config", conf.toString(), "--json");
        assertEquals(r.toString(), 4, r.exitCode);
        assertEquals("consistency", r.json().getAsJsonObject("error").get("kind").getAsString());
        assertTrue(r.json().getAsJsonObject("error").get("fix").getAsString().contains("--policy best-effort"));
        assertEquals(0, localSets().size());
    }

    @Test
    public void createOfADomainWithoutMappedDisksNamesTheFix() throws IOException {
        assertOneLine(f.bare("create", DOMAIN, "--config", f.configWithout("domain.").toString()), 2, "--disk");
    }

    @Test
    public void createWhileAnotherRunHoldsTheDomainIsRefusedNamingIt() throws Exception {
        try (HeldLock held = new HeldLock(f.stateDir, DOMAIN)) {
            assertOneLine(f.cli("create", DOMAIN), 5, "another elastisnap run (pid " + held.pid() + ") holds the lock on domain "
                    + DOMAIN);
        }
        assertTrue(f.sim.snapshotPaths(f.vda.id()).isEmpty());
        assertEquals("free again once the other run ends", 0, f.cli("create", DOMAIN).exitCode);
    }

    // ------------------------------------------------------------------------------------------ list

    @Test
    public void listOfAnUnreachableElastiCenterExitsThreeButLocalStillWorks() throws IOException {
        created();
        assertOneLine(f.cli("list", "--url", "https://127.0.0.1:" + freePort()), 3, "cannot reach ElastiCenter");
        CliFixture.Run local = f.cli("list", "--local", "--url", "https://127.0.0.1:" + freePort());
        assertEquals(local.toString(), 0, local.exitCode);
        assertTrue(local.out, local.out.contains(DOMAIN));
    }

    @Test
    public void listReportsSnapshotsMissingOnTheArray() {
        String id = created();
        f.sim.snapshotPaths(f.vdb.id()).forEach(path -> deleteOnArray(f.vdb.id(), path));
        CliFixture.Run r = f.cli("list", "--json");
        assertEquals(r.toString(), 0, r.exitCode);
        JsonObject result = r.json().getAsJsonObject("result");
        assertFalse(result.get("inSync").getAsBoolean());
        JsonArray volumes = result.getAsJsonArray("sets").get(0).getAsJsonObject().getAsJsonArray("volumes");
        assertEquals(id, result.getAsJsonArray("sets").get(0).getAsJsonObject().get("id").getAsString());
        assertFalse(volumes.get(1).getAsJsonObject().get("onArray").getAsBoolean());
    }

    // ------------------------------------------------------------------------------------------ record store

    @Test
    public void aRecordStoreThatIsNotJsonStopsEveryCommandWithTheFix() throws IOException {
        Files.createDirectories(f.stateDir);
        Files.writeString(f.stateDir.resolve("snapshots.json"), "{\"sets\": [ {\"id\": ");
        String damaged = "record store " + f.stateDir.resolve("snapshots.json") + " is damaged (not valid JSON)";
        for (String[] command : new String[][] {{"list"}, {"create", DOMAIN}, {"rollback", "deadbeef"},
                {"delete", "deadbeef"}, {"reconcile"}}) {
            CliFixture.Run r = f.cli(command);
            assertOneLine(r, 1, damaged);
            assertTrue(r.err, r.err.contains("fix: move it aside (mv " + f.stateDir.resolve("snapshots.json")));
        }
        assertTrue("nothing taken while the records are unreadable", f.sim.snapshotPaths(f.vda.id()).isEmpty());
    }

    @Test
    public void aRecordStoreFromANewerVersionIsNotOverwritten() throws IOException {
        Files.createDirectories(f.stateDir);
        String future = "{\"schemaVersion\": 99, \"sets\": []}";
        Files.writeString(f.stateDir.resolve("snapshots.json"), future);
        assertOneLine(f.cli("create", DOMAIN), 1, "schema version 99");
        assertEquals(future, Files.readString(f.stateDir.resolve("snapshots.json")));
    }

    @Test
    public void aRecordWithoutItsFieldsIsReportedAsDamage() throws IOException {
        Files.createDirectories(f.stateDir);
        Files.writeString(f.stateDir.resolve("snapshots.json"), "{\"schemaVersion\": 1, \"sets\": [{\"id\": \"x\"}]}");
        assertOneLine(f.cli("list", "--local"), 1, "a record lacks id, domain, created, state or volumes");
    }

    @Test
    public void aStateDirectoryThatIsAFileStopsACreateBeforeTheFreeze() throws IOException {
        Path file = f.dir.resolve("not-a-dir");
        Files.writeString(file, "x");
        CliFixture.Run r = f.cli("create", DOMAIN, "--state-dir", file.toString());
        assertEquals(r.toString(), 1, r.exitCode);
        assertTrue(r.err, r.err.contains(file.toString()));
        assertTrue("nothing taken", f.sim.snapshotPaths(f.vda.id()).isEmpty());
    }

    // ------------------------------------------------------------------------------------------ rollback

    @Test
    public void rollbackWhileAnotherRunHoldsTheDomainIsRefused() throws Exception {
        String id = created();
        try (HeldLock held = new HeldLock(f.stateDir, DOMAIN)) {
            assertOneLine(f.cli("rollback", id, "-c", f.shutOffUri), 5, "(pid " + held.pid() + ") holds the lock");
        }
    }

    @Test
    public void rollbackWithAnUnreachableElastiCenterChangesNothing() throws IOException {
        String id = created();
        assertOneLine(f.cli("rollback", id, "-c", f.shutOffUri, "--url", "https://127.0.0.1:" + freePort()), 3,
                "cannot reach ElastiCenter");
        assertEquals(1, f.sim.snapshotPaths(f.vda.id()).size());
    }

    @Test
    public void rollbackWithLibvirtUnreachableExitsThree() throws IOException {
        String id = created();
        assertOneLine(f.cli("rollback", id, "-c", "qemu+tcp://127.0.0.1:" + freePort() + "/system"), 3,
                "cannot connect to libvirt");
    }

    @Test
    public void rollbackThatTheArrayRefusesSaysWhichVolumesWereRolledBack() {
        String id = created();
        f.sim.faults().inject("rollbackToSnapshot", Fault.error(530, "dataset is busy").times(1));
        CliFixture.Run r = f.cli("rollback", id, "-c", f.shutOffUri);
        assertEquals(r.toString(), 1, r.exitCode);
        assertOneLine(r, 1, "rollbackToSnapshot failed: dataset is busy (HTTP 530); no volume was rolled back");
        assertEquals("the set is still recorded", 1, localSets().size());
    }

    @Test
    public void rollbackOfAPrefixTooShortOrUnknownIsAUsageError() {
        String id = created();
        assertOneLine(f.cli("rollback", id.substring(0, 4), "-c", f.shutOffUri), 2, "no snapshot '" + id.substring(0, 4) + "'");
        assertOneLine(f.cli("rollback", "esnap-" + DOMAIN + "-vda-nope", "-c", f.shutOffUri), 2, "no snapshot");
    }

    // ------------------------------------------------------------------------------------------ delete

    @Test
    public void deleteWhenTheArrayFailsKeepsTheSetAndTheNextRunFinishesIt() {
        String id = created();
        f.sim.faults().inject("deleteSnapshot", Fault.error(530, "snapshot is in use").times(1));
        CliFixture.Run failed = f.cli("delete", id);
        assertEquals(failed.toString(), 1, failed.exitCode);
        assertTrue(failed.err, failed.err.contains("snapshot is in use"));
        assertEquals("the set stays recorded until the array lets go", 1, localSets().size());

        CliFixture.Run again = f.cli("delete", id, "--json");
        assertEquals(again.toString(), 0, again.exitCode);
        assertEquals("the retried delete reports the whole set deleted", 2,
                again.json().getAsJsonObject("result").getAsJsonArray("deletedVolumeSnapshots").size());
        assertEquals(0, localSets().size());
        assertTrue(f.sim.snapshotPaths(f.vda.id()).isEmpty() && f.sim.snapshotPaths(f.vdb.id()).isEmpty());
    }

    @Test
    public void deleteWithAWrongKeyExitsThreeAndKeepsTheSet() throws IOException {
        String id = created();
        assertOneLine(f.cli("delete", id, "--api-key-file", wrongKey().toString()), 3, "rejected the API key");
        assertEquals(1, localSets().size());
        assertEquals(1, f.sim.snapshotPaths(f.vda.id()).size());
    }

    @Test
    public void retentionWhileAnotherRunHoldsTheDomainIsRefused() throws Exception {
        created();
        try (HeldLock held = new HeldLock(f.stateDir, DOMAIN)) {
            assertOneLine(f.cli("delete", "--domain", DOMAIN, "--keep-newest", "0"), 5, "(pid " + held.pid()
                    + ") holds the lock on domain " + DOMAIN);
        }
        assertEquals(1, localSets().size());
    }

    @Test
    public void deleteOfAnUnknownSnapshotIsAUsageError() {
        assertOneLine(f.cli("delete", "0123456789abcdef"), 2, "no snapshot '0123456789abcdef' in the record store");
    }

    // ------------------------------------------------------------------------------------------ reconcile

    @Test
    public void reconcileLeavesADomainAnotherRunHoldsAndSaysSo() throws Exception {
        created();
        try (HeldLock held = new HeldLock(f.stateDir, DOMAIN)) {
            CliFixture.Run r = f.cli("reconcile", "--json");
            assertEquals("held by pid " + held.pid() + ": " + r, 0, r.exitCode);
            assertEquals(DOMAIN, r.json().getAsJsonObject("result").getAsJsonArray("skippedBusyDomains").get(0).getAsString());
        }
    }

    @Test
    public void reconcileOfAnUnreachableElastiCenterExitsThree() throws IOException {
        assertOneLine(f.cli("reconcile", "--url", "https://127.0.0.1:" + freePort()), 3, "cannot reach ElastiCenter");
    }

    // ------------------------------------------------------------------------------------------ helpers

    private String created() {
        CliFixture.Run r = f.cli("create", DOMAIN, "--json");
        assertEquals(r.toString(), 0, r.exitCode);
        return r.json().getAsJsonObject("result").get("id").getAsString();
    }

    private JsonArray localSets() {
        CliFixture.Run r = f.cli("list", "--local", "--json");
        assertEquals(r.toString(), 0, r.exitCode);
        return r.json().getAsJsonObject("result").getAsJsonArray("sets");
    }

    private Path wrongKey() throws IOException {
        Path wrong = f.dir.resolve("wrong-key");
        Files.writeString(wrong, "not-the-key");
        Files.setPosixFilePermissions(wrong, java.nio.file.attribute.PosixFilePermissions.fromString("rw-------"));
        return wrong;
    }

    private void deleteOnArray(String volumeId, String path) {
        try (io.elastisnap.elasticenter.ElastiCenterClient client = new io.elastisnap.elasticenter.ElastiCenterClient(
                io.elastisnap.elasticenter.ElastiCenterConfig.builder(f.sim.baseUrl(),
                        io.elastisnap.elasticenter.Secret.of(CliFixture.API_KEY))
                        .trust(io.elastisnap.elasticenter.TlsTrust.pinnedSha256(f.sim.certificateSha256())).build())) {
            client.deleteSnapshot(volumeId, path);
        }
    }

    private static int freePort() throws IOException {
        try (ServerSocket s = new ServerSocket(0)) {
            return s.getLocalPort();
        }
    }

    /** Another process holding a domain's lock (as a concurrent elastisnap run would) until closed. */
    private static final class HeldLock implements AutoCloseable {
        private final Process child;

        HeldLock(Path stateDir, String domain) throws IOException {
            child = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "java").toString(), "-cp",
                    System.getProperty("java.class.path"), LockHolder.class.getName(), stateDir.toString(), domain)
                    .redirectErrorStream(true).start();
            String line = new BufferedReader(new InputStreamReader(child.getInputStream(), StandardCharsets.UTF_8)).readLine();
            assertEquals("the lock holder took the lock", "locked", line);
        }

        long pid() {
            return child.pid();
        }

        @Override
        public void close() throws IOException {
            child.getOutputStream().close();
            try {
                if (!child.waitFor(30, TimeUnit.SECONDS)) {
                    child.destroyForcibly();
                }
            } catch (InterruptedException e) {
                child.destroyForcibly();
                Thread.currentThread().interrupt();
            }
        }
    }
}
