// Licensed under the Apache License, Version 2.0. See LICENSE in the project root.
package io.elastisnap.cli;

import static io.elastisnap.cli.CliFixture.DOMAIN;
import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertFalse;
import static org.junit.Assert.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.stream.Stream;

import org.junit.Assume;
import org.junit.Before;
import org.junit.Test;

import com.google.gson.JsonObject;

import io.elastisnap.elasticenter.IscsiService;
import io.elastisnap.elasticenter.Secret;
import io.elastisnap.transfer.TemporaryClone;

/**
 * export and restore reading and writing over real iSCSI (the simulator's tgtd, CHAP enforced) with qemu-img's own
 * initiator: the temporary clones and a new restore volume are put behind the configured auth group, the CLI logs in
 * with the secret from its file, and the secret shows nowhere.
 */
public class ExportOverIscsiChapTest extends CliTest {
    private static final String SECRET = "CliChapSecret0042";
    private static final String GROUP = "esnapcli";

    private Path secretFile;

    @Override
    protected boolean realStorage() {
        return true;
    }

    @Override
    protected boolean iscsiTarget() {
        return Files.isExecutable(Path.of("/usr/sbin/tgtd")) && "root".equals(System.getProperty("user.name"));
    }

    @Before
    public void authGroup() throws IOException {
        Assume.assumeTrue("tgtd (package tgt) and root are needed", iscsiTarget());
        try (io.elastisnap.elasticenter.ElastiCenterClient client = f.client()) {
            client.addIscsiAuthGroup(f.sim.defaults().accountId(), GROUP, "cliuser", Secret.of(SECRET));
        }
        secretFile = f.dir.resolve("chap-secret");
        Files.writeString(secretFile, SECRET + "\n");
        Files.setPosixFilePermissions(secretFile, PosixFilePermissions.fromString("rw-------"));
    }

    @Test
    public void exportAndRestoreLogInWithTheAuthGroupsChapAndTheSecretShowsNowhere() throws Exception {
        ExportCommandsTest.write(f.vda.imagePath(), 0, 32, 1);
        String atSnapshot = ExportCommandsTest.sha256(f.vda.imagePath());
        Path conf = f.configWith("iscsi.chap-auth-group = " + GROUP, "iscsi.chap-secret-file = " + secretFile);
        Path dir = f.dir.resolve("exports");

        CliFixture.Run exported = f.bare("export", createSet(), "--to", dir.toString(), "--json", "--debug", "--config",
                conf.toString(), "--log-file", f.logFile.toString());
        assertEquals(exported.toString(), 0, exported.exitCode);
        JsonObject vda = exported.json().getAsJsonObject("result").getAsJsonArray("volumes").get(0).getAsJsonObject();
        assertTrue("qemu-img logged in over iSCSI: " + exported.err, exported.err.contains("user=cliuser")
                && exported.err.contains("file=/dev/stdin") && exported.err.contains("driver=iscsi"));

        CliFixture.Run restored = f.bare("restore", exported.json().getAsJsonObject("result").get("export").getAsString(),
                "--disk", "vda", "--to-new-volume", "--json", "--config", conf.toString());
        assertEquals(restored.toString(), 0, restored.exitCode);
        String newVolume = restored.json().getAsJsonObject("result").getAsJsonArray("restored").get(0).getAsJsonObject()
                .get("volumeId").getAsString();
        assertEquals("the new volume holds the snapshot's data", atSnapshot,
                ExportCommandsTest.sha256Prefix(f.sim.volume(newVolume).orElseThrow().imagePath(), Files.size(f.vda.imagePath())));
        try (io.elastisnap.elasticenter.ElastiCenterClient client = f.client()) {
            for (IscsiService service : client.listVolumeIscsiServices(newVolume)) {
                assertEquals("the new volume is behind the auth group", "CHAP", service.authMethod().orElse(""));
            }
        }
        assertEquals(vda.get("sha256").getAsString(), ExportCommandsTest.sha256(Path.of(vda.get("file").getAsString())));

        assertFalse("secret in CLI output", f.allOutput.toString().contains(SECRET));
        assertFalse("secret in the log file", f.log().contains(SECRET));
        try (Stream<Path> files = Files.walk(f.dir)) {
            assertEquals("no file but the secret file and the array's own state holds the secret", 0, files
                    .filter(Files::isRegularFile).filter(p -> !p.equals(secretFile) && !p.startsWith(f.dir.resolve("array")))
                    .filter(p -> contains(p, SECRET)).count());
        }
    }

    @Test
    public void aWrongSecretIsRefusedByTheTargetAndLeavesNothing() throws Exception {
        Path wrong = f.dir.resolve("wrong-secret");
        Files.writeString(wrong, "NotTheSecret99\n");
        Files.setPosixFilePermissions(wrong, PosixFilePermissions.fromString("rw-------"));
        Path conf = f.configWith("iscsi.chap-auth-group = " + GROUP, "iscsi.chap-secret-file = " + wrong);
        Path dir = f.dir.resolve("exports");
        CliFixture.Run refused = f.bare("export", createSet(), "--to", dir.toString(), "--config", conf.toString());
        assertEquals(refused.toString(), 1, refused.exitCode);
        assertTrue(refused.err, refused.err.contains("Authentication failure") && refused.err.contains("CHAP"));
        assertNoClone();
        assertFalse(refused.err, refused.err.contains("NotTheSecret99"));
    }

    @Test
    public void withoutChapSettingsAnIscsiExportIsRefusedUnlessChapIsExplicitlyOffWhichWarns() throws Exception {
        Path dir = f.dir.resolve("exports");
        String set = createSet();
        CliFixture.Run unconfigured = f.cli("export", set, "--to", dir.toString(), "--json");
        assertEquals(unconfigured.toString(), 2, unconfigured.exitCode);
        assertTrue(unconfigured.out, unconfigured.json().getAsJsonObject("error").get("fix").getAsString()
                .contains("iscsi.chap-auth-group"));
        assertNoClone();

        Path off = f.configWith("iscsi.chap = false");
        CliFixture.Run withoutChap = f.bare("export", set, "--to", dir.toString(), "--json", "--config", off.toString());
        assertEquals(withoutChap.toString(), 0, withoutChap.exitCode);
        assertTrue(withoutChap.out, withoutChap.json().getAsJsonArray("warnings").toString().contains("WITHOUT CHAP"));
        assertNoClone();

        f.env.put(Settings.ENV_CHAP_AUTH_GROUP, GROUP);
        CliFixture.Run noSecret = f.cli("export", set, "--to", dir.toString(), "--json");
        assertEquals(noSecret.toString(), 2, noSecret.exitCode);
        assertTrue(noSecret.out, noSecret.json().getAsJsonObject("error").get("fix").getAsString().contains("iscsi.chap-secret-file"));
        f.env.put(Settings.ENV_CHAP_SECRET, SECRET);
        CliFixture.Run fromEnvironment = f.cli("export", createSet(), "--to", dir.toString(), "--json");
        assertEquals(fromEnvironment.toString(), 0, fromEnvironment.exitCode);
        assertFalse(f.allOutput.toString().contains(SECRET));
    }

    private String createSet() {
        CliFixture.Run created = f.cli("create", DOMAIN, "--json");
        assertEquals(created.toString(), 0, created.exitCode);
        return created.json().getAsJsonObject("result").get("id").getAsString();
    }

    private void assertNoClone() throws IOException {
        try (io.elastisnap.elasticenter.ElastiCenterClient client = f.client()) {
            assertTrue(client.listFileSystems(null).stream().noneMatch(v -> v.name().startsWith(TemporaryClone.NAME_PREFIX)));
        }
    }

    private static boolean contains(Path file, String text) {
        try {
            return new String(Files.readAllBytes(file), java.nio.charset.StandardCharsets.ISO_8859_1).contains(text);
        } catch (IOException e) {
            return false;
        }
    }
}
