// Licensed under the Apache License, Version 2.0. See LICENSE in the project root.
package io.elastisnap.cli;

import static io.elastisnap.cli.CliCommandsTest.assertOneLine;
import static io.elastisnap.cli.CliFixture.DOMAIN;
import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertFalse;
import static org.junit.Assert.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import org.junit.Test;

/**
 * How the CLI treats bad settings before it touches anything: config file, environment, key file, TLS trust and
 * usage mistakes each end in exit 2 with one line naming the problem, where it came from, and the fix.
 */
public class SettingsFailuresTest extends CliTest {
    // ------------------------------------------------------------------------------------------ config file

    @Test
    public void aMistypedConfigKeyNamesFileLineAndTheKeyMeant() throws IOException {
        Path conf = f.configWith("elasticenter.uri = https://example.com");
        CliCommandsTest.assertOneLine(f.bare("list", "--config", conf.toString()), 2,
                conf + " line 8: key 'elasticenter.uri': unknown key (did you mean 'elasticenter.url'?)");
    }

    @Test
    public void aKeySetTwiceIsRefused() throws IOException {
        assertOneLine(f.bare("list", "--config", f.configWith("state-dir = /tmp").toString()), 2,
                "key 'state-dir': set twice");
    }

    @Test
    public void aMalformedDurationInTheConfigNamesTheAcceptedForms() throws IOException {
        assertOneLine(f.bare("create", DOMAIN, "--config", f.configWith("limits.freeze-timeout = soon").toString()), 2,
                "key 'limits.freeze-timeout': 'soon' is not a duration");
    }

    @Test
    public void twoTrustSettingsInTheConfigAreRefused() throws IOException {
        assertOneLine(f.bare("list", "--config", f.configWith("elasticenter.insecure = true").toString()), 2,
                "sets more than one of elasticenter.ca-file, elasticenter.pin-sha256, elasticenter.insecure");
    }

    @Test
    public void limitsThatContradictEachOtherInTheConfigAreRefusedBeforeTheFreeze() throws IOException {
        CliFixture.Run r = f.bare("create", DOMAIN, "--config", f.configWith("limits.max-frozen-window = 1s",
                "limits.freeze-timeout = 2s").toString());
        assertOneLine(r, 2, "invalid limits: ");
        assertTrue(r.err, r.err.contains("(2000 ms) must be shorter than"));
        assertTrue("nothing taken", f.sim.snapshotPaths(f.vda.id()).isEmpty());
    }

    @Test
    public void theConfigFileNamedByTheEnvironmentMustExist() {
        f.env.put(Settings.ENV_CONFIG, f.dir.resolve("nowhere.conf").toString());
        assertOneLine(f.bare("list", "--local"), 2, "config file " + f.dir.resolve("nowhere.conf") + " does not exist");
    }

    @Test
    public void anUnreadableConfigFileSaysSo() throws IOException {
        assertOneLine(f.bare("list", "--config", f.dir.toString()), 2, "cannot read config file " + f.dir);
    }

    // ------------------------------------------------------------------------------------------ environment

    @Test
    public void caAndPinBothInTheEnvironmentAreRefused() throws IOException {
        f.env.put(Settings.ENV_CA_FILE, "/etc/hostname");
        f.env.put(Settings.ENV_PIN_SHA256, f.sim.certificateSha256());
        assertOneLine(f.bare("list", "--config", f.configWithout("elasticenter.pin-sha256").toString()), 2,
                "both ELASTICENTER_CA_FILE and ELASTICENTER_PIN_SHA256 are set");
    }

    @Test
    public void aLockWaitThatIsNoDurationIsRefused() {
        f.env.put(Settings.ENV_LOCK_WAIT, "a while");
        assertOneLine(f.cli("create", DOMAIN), 2, "ELASTISNAP_LOCK_WAIT 'a while'");
    }

    @Test
    public void theUrlMustBeHttpsWithAHost() throws IOException {
        assertOneLine(f.cli("list", "--url", "https:///client/api"), 2, "is not https://HOST[:PORT]");
        assertOneLine(f.cli("list", "--url", "https://bad host"), 2, "is malformed");
        f.env.put(Settings.ENV_URL, "ftp://127.0.0.1");
        assertOneLine(f.bare("create", DOMAIN, "--config", f.configWithout("elasticenter.url").toString()), 2,
                "'ftp://127.0.0.1' (ELASTICENTER_URL) is not https://HOST[:PORT]");
    }

    @Test
    public void withoutAnyUrlTheArrayCommandsSayWhereToSetIt() throws IOException {
        Path conf = f.configWithout("elasticenter.url");
        for (String[] command : new String[][] {{"create", DOMAIN}, {"list"}, {"reconcile"}}) {
            String[] args = java.util.Arrays.copyOf(command, command.length + 2);
            args[command.length] = "--config";
            args[command.length + 1] = conf.toString();
            assertOneLine(f.bare(args), 2, "no ElastiCenter URL configured");
        }
        assertEquals("list --local needs no endpoint", 0, f.bare("list", "--local", "--config", conf.toString()).exitCode);
    }

    // ------------------------------------------------------------------------------------------ key file

    @Test
    public void aMissingKeyFileIsNamedWithWhereItWasConfigured() throws IOException {
        assertOneLine(f.cli("list", "--api-key-file", f.dir.resolve("no-key").toString()), 2,
                "API key file " + f.dir.resolve("no-key") + " (--api-key-file) does not exist");
        f.env.put(Settings.ENV_API_KEY_FILE, f.dir.resolve("no-key-either").toString());
        assertOneLine(f.bare("list", "--config", configWithoutKeyFile()), 2, "(ELASTICENTER_API_KEY_FILE) does not exist");
    }

    @Test
    public void anEmptyKeyFileIsRefused() throws IOException {
        Path empty = f.dir.resolve("empty-key");
        Files.writeString(empty, "\n");
        Files.setPosixFilePermissions(empty, PosixFilePermissions.fromString("rw-------"));
        assertOneLine(f.cli("list", "--api-key-file", empty.toString()), 2, "is empty or has control characters");
    }

    @Test
    public void devNullAsTheKeyFileIsAnEmptyKeyNotAChmodAdvice() {
        CliFixture.Run r = f.cli("list", "--api-key-file", "/dev/null");
        assertOneLine(r, 2, "the API key from API key file /dev/null is empty");
        assertFalse("no advice to chmod a device: " + r, r.err.contains("chmod 600 /dev/null"));
    }

    @Test
    public void aDirectoryAsTheKeyFileCannotBeRead() {
        assertOneLine(f.cli("list", "--api-key-file", f.dir.toString()), 2, "cannot read API key file " + f.dir);
    }

    @Test
    public void aKeyFileReadableByTheGroupIsWarnedAboutButUsed() throws IOException {
        Files.setPosixFilePermissions(f.keyFile, PosixFilePermissions.fromString("rw-r-----"));
        CliFixture.Run r = f.cli("list");
        assertEquals(r.toString(), 0, r.exitCode);
        assertTrue(r.err, r.err.contains("warning: API key file " + f.keyFile + " is readable by other users; run: chmod 600 "
                + f.keyFile));
    }

    // ------------------------------------------------------------------------------------------ TLS flags

    @Test
    public void aPinThatIsNoFingerprintIsRefused() throws IOException {
        assertOneLine(f.bare("list", "--config", f.configWithout("elasticenter.pin-sha256").toString(), "--pin-sha256",
                "not-hex"), 2, "certificate pin (--pin-sha256) is not a SHA-256 fingerprint");
    }

    @Test
    public void aMissingCaFileIsRefused() throws IOException {
        assertOneLine(f.bare("list", "--config", f.configWithout("elasticenter.pin-sha256").toString(), "--ca-file",
                f.dir.resolve("no.pem").toString()), 2, "CA file " + f.dir.resolve("no.pem") + " (--ca-file) does not exist");
    }

    @Test
    public void aCaFileThatIsNotTheServersIssuerIsATrustFailure() throws IOException {
        Path other = f.dir.resolve("other.pem");
        try (CliFixture another = new CliFixture(tmp.newFolder().toPath())) {
            another.sim.writeCertificatePem(other);
        }
        assertOneLine(f.bare("list", "--config", f.configWithout("elasticenter.pin-sha256").toString(), "--ca-file",
                other.toString()), 3, "presented a certificate this host does not trust");
    }

    // ------------------------------------------------------------------------------------------ usage

    @Test
    public void aMistypedCommandGetsTheCommandMeant() {
        assertOneLine(f.bare("lsit"), 2, "'lsit' — fix: did you mean 'list'?");
        assertOneLine(f.bare("crate", DOMAIN), 2, "did you mean 'create'?");
        assertOneLine(f.bare("recon"), 2, "did you mean 'reconcile'?");
        assertOneLine(f.bare("list", "--jsn"), 2, "did you mean '--json'?");
        assertOneLine(f.bare("frobnicate"), 2, "— fix: see 'elastisnap --help'");
    }

    @Test
    public void theDemoIsNotAnOperatorCommand() {
        assertOneLine(f.bare("demo"), 2, "the demo is a program of its own: run resources/scripts/demo.sh");
    }

    @Test
    public void badFlagValuesOfEachCommandAreUsageErrors() {
        assertOneLine(f.cli("create", DOMAIN, "--disk", "vda"), 2, "vda");
        assertOneLine(f.cli("create", DOMAIN, "--freeze-timeout", "soon"), 2, "soon");
        assertOneLine(f.cli("create", DOMAIN, "--mount-point", "data"), 2, "--mount-point 'data' is not an absolute guest path");
        assertOneLine(f.cli("delete", "--domain", DOMAIN, "--older-than", "ages"), 2, "--older-than: ");
        assertOneLine(f.cli("delete", "--domain", DOMAIN, "--keep-newest", "many"), 2, "many");
        assertOneLine(f.cli("delete", "deadbeef", "--domain", DOMAIN), 2, "give either a SNAPSHOT or a retention rule");
        assertOneLine(f.cli("delete", "deadbeef", "--dry-run"), 2, "--dry-run applies to retention only");
        assertOneLine(f.cli("delete", "--domain", DOMAIN), 2, "nothing to delete");
        assertOneLine(f.cli("rollback"), 2, "Missing required parameter");
        assertOneLine(f.cli("create"), 2, "Missing required parameter");
    }

    @Test
    public void jsonModeReportsUsageErrorsAsOneDocument() {
        CliFixture.Run r = f.cli("list", "--api-key-file", "/dev/null", "--json");
        assertEquals(2, r.exitCode);
        assertTrue(r.err, r.err.isEmpty());
        assertEquals("usage", r.json().getAsJsonObject("error").get("kind").getAsString());
        assertTrue(r.json().getAsJsonObject("error").get("fix").getAsString().contains("on one line"));
    }

    private String configWithoutKeyFile() throws IOException {
        return f.configWithout("elasticenter.api-key-file").toString();
    }
}
