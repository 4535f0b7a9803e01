// Licensed under the Apache License, Version 2.0. See LICENSE in the project root.
package io.elastisnap.e2e;

import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertFalse;
import static org.junit.Assert.assertNotEquals;
import static org.junit.Assert.assertTrue;

import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import io.elastisnap.cli.Main;
import io.elastisnap.simulator.SimVolume;
import io.elastisnap.transfer.Sha256;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.List;
import java.util.Map;
import org.apache.logging.log4j.LogManager;
import org.apache.logging.log4j.Logger;
import org.junit.AfterClass;
import org.junit.BeforeClass;
import org.junit.Test;

/**
 * Issue 11's end-to-end proof on the real guest, through the operator CLI: known data written in the guest, a
 * file-system-frozen snapshot, an export off the array, the data overwritten, the guest powered off, the export
 * restored into the volume (verified first), the guest booted again: the data is back, the ext4 is clean, and the
 * restored volume's checksum equals the snapshot's. The simulator's volumes are image files here, read and written
 * through {@code volume-access = file:...} (on a KVM host: the LUN's /dev/disk/by-path device, or iscsi://).
 */
public class ExportRestoreOnRealGuestTest {
    private static final Logger LOG = LogManager.getLogger(ExportRestoreOnRealGuestTest.class);
    private static Fixture fixture;
    private static GuestOnSimulatedVolumes setup;

    @BeforeClass
    public static void bootGuest() throws Exception {
        fixture = Fixture.require();
        setup = GuestOnSimulatedVolumes.boot(fixture, "export", 1, false);
    }

    @AfterClass
    public static void stop() throws Exception {
        if (setup != null) {
            setup.close();
        }
    }

    @Test
    public void exportOverwriteRestoreBootAndTheDataIsBack() throws Exception {
        SimVolume volume = setup.volumes.get(0);
        GuestVm guest = setup.guest;
        Path work = Files.createDirectories(setup.directory().resolve("export-cli"));
        Path config = config(work, volume);

        String known = guest.execOk("dd if=/dev/urandom of=/data/known bs=1M count=8 2>/dev/null && sync"
                + " && sha256sum /data/known | cut -d' ' -f1").trim();
        JsonObject created = cli(config, "create", guest.name(), "--policy", "required");
        assertEquals("FS_FROZEN", created.get("consistencyLevel").getAsString());
        String set = created.get("id").getAsString();
        String snapshotName = created.getAsJsonArray("volumes").get(0).getAsJsonObject().get("snapshotName").getAsString();

        JsonObject exported = cli(config, "export", set, "--to", work.resolve("exports").toString());
        String export = exported.get("export").getAsString();
        LOG.info("exported {}: {}", export, exported.getAsJsonObject("totals"));
        assertTrue(cli(config, "verify", export).get("ok").getAsBoolean());

        String overwritten = guest.execOk("dd if=/dev/urandom of=/data/known bs=1M count=8 conv=notrunc 2>/dev/null"
                + " && sync && sha256sum /data/known | cut -d' ' -f1").trim();
        assertNotEquals(known, overwritten);
        guest.powerOff();

        JsonObject restored = cli(config, "restore", export, "--force-overwrite-newer");
        assertEquals(1, restored.getAsJsonArray("restored").size());
        HostCommand.Result fsck = Ext4Image.check(volume.imagePath());
        assertEquals("e2fsck -fn of the restored volume: " + fsck, 0, fsck.exitCode);
        assertFalse("ext4 needs no journal replay", Ext4Image.needsRecovery(volume.imagePath()));
        String snapshotSha = Sha256.of(setup.simulator.snapshotImagePath(volume.id(), snapshotName));
        assertEquals("the restored volume equals the snapshot byte for byte", snapshotSha, Sha256.of(volume.imagePath()));

        guest.startAgain();
        String after = guest.execOk("sha256sum /data/known | cut -d' ' -f1").trim();
        assertEquals("the data written before the snapshot is back in the booted guest", known, after);
        LOG.info("E2E EXPORT: known {} -> overwritten {} -> restored {}; volume sha256 {} = snapshot's", known,
                overwritten, after, snapshotSha);
    }

    private static Path config(Path work, SimVolume volume) throws Exception {
        Path key = work.resolve("api-key");
        Files.writeString(key, setup.simulator.apiKey());
        Files.setPosixFilePermissions(key, PosixFilePermissions.fromString("rw-------"));
        Path config = work.resolve("elastisnap.conf");
        Files.write(config, List.of(
                "elasticenter.url = " + setup.simulator.baseUrl(),
                "elasticenter.api-key-file = " + key,
                "elasticenter.pin-sha256 = " + setup.simulator.certificateSha256(),
                "libvirt.uri = " + fixture.libvirtUri(),
                "state-dir = " + work.resolve("state"),
                "domain." + setup.guest.name() + ".disk.vda = " + volume.id(),
                "volume-access = file:" + setup.directory() + "/volumes/{id}.img"));
        return config;
    }

    /** Runs the CLI in this JVM with --json and returns its result, failing with its output unless it exits 0. */
    private static JsonObject cli(Path config, String... args) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        String[] all = new String[args.length + 3];
        System.arraycopy(args, 0, all, 0, args.length);
        all[args.length] = "--json";
        all[args.length + 1] = "--config";
        all[args.length + 2] = config.toString();
        int code;
        try (PrintStream o = new PrintStream(out, true, StandardCharsets.UTF_8);
             PrintStream e = new PrintStream(err, true, StandardCharsets.UTF_8)) {
            code = Main.run(all, o, e, Map.of());
        }
        String text = out.toString(StandardCharsets.UTF_8);
        assertEquals(String.join(" ", args) + ":\n" + text + err.toString(StandardCharsets.UTF_8), 0, code);
        return JsonParser.parseString(text).getAsJsonObject().getAsJsonObject("result");
    }
}
