// Licensed under the Apache License, Version 2.0. See LICENSE in the project root.
package io.elastisnap.cli;

import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertFalse;
import static org.junit.Assert.assertTrue;

import com.google.gson.JsonArray;
import com.google.gson.JsonObject;
import io.elastisnap.simulator.SimVolume;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.Before;
import org.junit.Test;

/**
 * create --group, groups, release and restore-volume's refusals, in-process against the simulator and libvirt's test
 * driver (two running domains whose disks are files in a directory standing for a pool's mount point). The restore
 * itself needs loop devices and mounts: test/e2e runs it on real ones.
 */
public class GroupCommandsTest extends CliTest {
    private SimVolume poolVolume;
    private Path mount;
    private String uri;

    @Before
    public void pool() throws IOException {
        poolVolume = f.sim.provisionVolume("pool-1", 64L * 1024 * 1024);
        mount = Files.createDirectories(f.dir.resolve("pool1"));
        Files.write(mount.resolve("db.qcow2"), new byte[] {1});
        Files.write(mount.resolve("db-data.qcow2"), new byte[] {2});
        Files.write(mount.resolve("app.qcow2"), new byte[] {3});
        uri = "test://" + node(
                domain("db-VM", disk("vda", mount.resolve("db.qcow2")) + disk("vdb", mount.resolve("db-data.qcow2"))),
                domain("app-VM", disk("vda", mount.resolve("app.qcow2"))),
                domain("other-VM", disk("vda", f.dir.resolve("elsewhere.qcow2"))));
    }

    private String poolFlag() {
        return poolVolume.id() + "=" + mount;
    }

    @Test
    public void aGroupSnapshotIsOnePoolSnapshotReferencedByEveryDiskAndGoesWithTheLast() {
        CliFixture.Run created = f.cli("create", "--group", "g1", "--pool", poolFlag(), "db-VM", "app-VM", "-c", uri, "--json");
        assertEquals(created.toString(), 0, created.exitCode);
        JsonObject result = created.json().getAsJsonObject("result");
        assertEquals(1, result.getAsJsonArray("poolSnapshots").size());
        assertEquals("esgroup-g1", result.getAsJsonArray("poolSnapshots").get(0).getAsJsonObject().get("snapshotName").getAsString());
        JsonArray volumes = result.getAsJsonArray("volumes");
        assertEquals(3, volumes.size());
        assertEquals("g1/db-VM/vdb", volumes.get(1).getAsJsonObject().get("ref").getAsString());
        assertEquals("db-data.qcow2", volumes.get(1).getAsJsonObject().get("file").getAsString());
        result.getAsJsonArray("members").forEach(m -> assertEquals("FS_FROZEN", m.getAsJsonObject().get("consistencyLevel").getAsString()));
        assertTrue(result.get("groupFrozenWindowMs").getAsLong() >= 0);
        assertEquals(1, f.sim.snapshotPaths(poolVolume.id()).size());

        assertTrue(created.out, created.json().getAsJsonArray("warnings").toString().contains("is not a mount point"));

        CliFixture.Run human = f.cli("groups");
        assertTrue(human.out, human.out.contains("g1/app-VM/vda") && human.out.contains("COMMITTED"));

        CliFixture.Run first = f.cli("release", "g1/db-VM/vda", "g1/db-VM/vdb", "--json");
        assertEquals(first.toString(), 0, first.exitCode);
        assertEquals("the pool snapshot stays while app-VM refers to it", 1, f.sim.snapshotPaths(poolVolume.id()).size());

        CliFixture.Run last = f.cli("release", "--group", "g1");
        assertEquals(last.toString(), 0, last.exitCode);
        assertTrue(last.out, last.out.contains("it was the last reference: pool snapshot " + poolVolume.id() + "@esgroup-g1 deleted"));
        assertEquals(0, f.sim.snapshotPaths(poolVolume.id()).size());
        assertTrue(f.cli("groups").out.contains("no group snapshots"));
    }

    @Test
    public void aDiskOffThePoolsIsRefusedNamingIt() {
        CliFixture.Run run = f.cli("create", "--group", "g2", "--pool", poolFlag(), "db-VM", "other-VM", "-c", uri);
        assertEquals(run.toString(), 2, run.exitCode);
        assertTrue(run.err, run.err.contains("disk vda of domain other-VM") && run.err.contains("is not a file on any --pool mount point"));
        assertEquals(0, f.sim.snapshotPaths(poolVolume.id()).size());
    }

    @Test
    public void badGroupInputIsAUsageError() {
        CliFixture.Run several = f.cli("create", "db-VM", "app-VM", "-c", uri);
        assertEquals(several.toString(), 2, several.exitCode);
        assertTrue(several.err, several.err.contains("several domains need --group"));

        CliFixture.Run noPool = f.cli("create", "--group", "g3", "db-VM", "-c", uri);
        assertEquals(noPool.toString(), 2, noPool.exitCode);
        assertTrue(noPool.err, noPool.err.contains("--pool VOLUME_ID=MOUNT_POINT"));

        CliFixture.Run badName = f.cli("create", "--group", "g 3", "--pool", poolFlag(), "db-VM", "-c", uri);
        assertEquals(badName.toString(), 2, badName.exitCode);

        CliFixture.Run unknownVolume = f.cli("create", "--group", "g3", "--pool", "no-such-volume=" + mount, "db-VM", "-c", uri);
        assertEquals(unknownVolume.toString(), 2, unknownVolume.exitCode);
        assertTrue(unknownVolume.err, unknownVolume.err.contains("pool volume 'no-such-volume' not found"));

        assertEquals(0, f.cli("create", "--group", "g3", "--pool", poolFlag(), "app-VM", "-c", uri).exitCode);
        CliFixture.Run again = f.cli("create", "--group", "g3", "--pool", poolFlag(), "app-VM", "-c", uri);
        assertEquals(again.toString(), 2, again.exitCode);
        assertTrue(again.err, again.err.contains("choose another group id"));
        assertEquals(1, f.sim.snapshotPaths(poolVolume.id()).size());
    }

    @Test
    public void restoringInPlaceUnderARunningDomainIsRefused() {
        assertEquals(0, f.cli("create", "--group", "g4", "--pool", poolFlag(), "app-VM", "-c", uri).exitCode);
        CliFixture.Run run = f.cli("restore-volume", "g4/app-VM/vda", "--pool", poolFlag(), "--clone-images",
                f.dir.toString(), "-c", uri);
        assertEquals(run.toString(), 5, run.exitCode);
        assertTrue(run.err, run.err.contains("domain app-VM is running"));

        CliFixture.Run unknown = f.cli("restore-volume", "g4/web-VM/vda", "--clone-images", f.dir.toString(), "-c", uri);
        assertEquals(unknown.toString(), 2, unknown.exitCode);
        assertTrue(unknown.err, unknown.err.contains("no group snapshot has volume g4/web-VM/vda"));
    }

    @Test
    public void aCloneAttachMissingWhatItNeedsIsAUsageErrorNamingTheOption() {
        assertEquals(0, f.cli("create", "--group", "g5", "--pool", poolFlag(), "app-VM", "-c", uri).exitCode);
        String to = f.dir.resolve("new.qcow2").toString();
        String[][] cases = {
            {"--clone-attach", "qsd"}, {"--clone-attach", "fc"}, {"--clone-attach", "loop-image"},
            {"--clone-attach", "iscsiadm", "--chap-group", "g", "--iscsi-port", "0"},
        };
        String[] expected = {"needs --chap-group NAME", "is not one of iscsiadm, qsd, loop-image, nfs", "needs --clone-images DIR",
            "out of range"};
        for (int i = 0; i < cases.length; i++) {
            java.util.List<String> args = new java.util.ArrayList<>(java.util.List.of("restore-volume", "g5/app-VM/vda", "--to", to));
            args.addAll(java.util.List.of(cases[i]));
            args.addAll(java.util.List.of("-c", uri));
            CliFixture.Run run = f.cli(args.toArray(new String[0]));
            assertEquals(run.toString(), 2, run.exitCode);
            assertTrue(run.err, run.err.contains(expected[i]));
        }
        assertFalse(java.nio.file.Files.exists(f.dir.resolve("new.qcow2")));
    }

    private static String disk(String target, Path file) {
        return "<disk type='file' device='disk'><source file='" + file + "'/><target dev='" + target + "' bus='virtio'/></disk>";
    }

    private static String domain(String name, String disks) {
        return "  <domain type='test'><name>" + name + "</name><memory>524288</memory><vcpu>1</vcpu><os><type>hvm</type></os>"
                + "<devices>" + disks + "</devices></domain>\n";
    }

    private String node(String... domains) throws IOException {
        Path file = f.dir.resolve("node-pool.xml");
        Files.writeString(file, "<node>\n" + String.join("", domains) + "</node>\n");
        return file.toAbsolutePath().toString();
    }
}
