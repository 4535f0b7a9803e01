// Licensed under the Apache License, Version 2.0. See LICENSE in the project root.
package io.elastisnap.cli;

import static io.elastisnap.cli.CliFixture.DOMAIN;
import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertFalse;
import static org.junit.Assert.assertTrue;

import com.google.gson.JsonArray;
import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import java.io.IOException;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;
import java.util.stream.StreamSupport;
import org.junit.Test;

/** doctor against the simulator and libvirt's test driver: one line per check, the fix on every failure. */
public class DoctorTest extends CliTest {
    @Test
    public void aHealthySetupPassesEveryCheck() {
        CliFixture.Run r = f.cli("doctor");
        assertEquals(r.toString(), 0, r.exitCode);
        for (String check : new String[] {"state directory writable", "libvirt reachable", "[" + DOMAIN + "] domain exists",
                "[" + DOMAIN + "] domain running", "[" + DOMAIN + "] guest-agent channel", "[" + DOMAIN + "] guest agent answering",
                "[" + DOMAIN + "] freeze available", "[" + DOMAIN + "] disks mapped to volumes", "ElastiCenter reachable",
                "TLS trust", "API key valid", "[" + DOMAIN + "] volume of vda", "[" + DOMAIN + "] volume of vdb"}) {
            assertTrue(check + " in\n" + r.out, r.out.lines().anyMatch(l -> l.startsWith("PASS") && l.contains(check)));
        }
        assertTrue(r.out, r.out.contains("all checks passed"));
        assertTrue("the test driver's guest needs no thaw guard:\n" + r.out,
                r.out.lines().anyMatch(l -> l.startsWith("SKIP") && l.contains("thaw guard") && l.contains("the test driver freezes no guest")));
        // restore-volume's iSCSI logins: each says whether it can run here, and what to install when it cannot
        for (String method : new String[] {"iscsiadm", "qsd"}) {
            assertTrue(method + " in\n" + r.out, r.out.lines().anyMatch(l -> l.contains("--clone-attach " + method)
                    && (l.startsWith("PASS") || l.startsWith("WARN") && r.out.contains("apt install"))));
        }
    }

    @Test
    public void aWrongKeyFailsTheKeyCheckWithTheFix() throws IOException {
        Path wrong = f.dir.resolve("wrong");
        Files.writeString(wrong, "wrong-key");
        JsonObject check = check(f.cli("doctor", "--api-key-file", wrong.toString(), "--json"), "API key valid");
        assertEquals("FAIL", check.get("status").getAsString());
        assertTrue(check.get("fix").getAsString().contains("--api-key-file"));
    }

    @Test
    public void anUntrustedCertificateFailsWithTheFingerprintToPin() throws IOException {
        CliFixture.Run r = f.bare("doctor", "--config", f.configWithout("elasticenter.pin-sha256").toString(), "--json");
        assertEquals(1, r.exitCode);
        JsonObject tls = check(r, "TLS trust");
        assertEquals("FAIL", tls.get("status").getAsString());
        assertTrue(tls.get("fix").getAsString(), tls.get("fix").getAsString().replace(":", "").toLowerCase()
                .contains(f.sim.certificateSha256()));
        assertEquals("SKIP", check(r, "API key valid").get("status").getAsString());
    }

    @Test
    public void anUnreachableEndpointFailsAndSkipsWhatDependsOnIt() throws IOException {
        int port;
        try (ServerSocket s = new ServerSocket(0)) {
            port = s.getLocalPort();
        }
        CliFixture.Run r = f.cli("doctor", "--url", "https://127.0.0.1:" + port, "--json");
        assertEquals(1, r.exitCode);
        assertEquals("FAIL", check(r, "ElastiCenter reachable").get("status").getAsString());
        assertEquals("SKIP", check(r, "TLS trust").get("status").getAsString());
        assertEquals("the host checks still ran", "PASS", check(r, "[" + DOMAIN + "] freeze available").get("status").getAsString());
    }

    @Test
    public void aStoppedOrUnknownDomainFailsItsChecks() {
        CliFixture.Run stopped = f.cli("doctor", "-c", f.shutOffUri);
        assertEquals(1, stopped.exitCode);
        assertTrue(stopped.out, stopped.out.lines().anyMatch(l -> l.startsWith("FAIL") && l.contains("domain running")
                && l.contains("fix: virsh -c " + f.shutOffUri + " start " + DOMAIN)));
        assertTrue(stopped.out, stopped.out.lines().anyMatch(l -> l.startsWith("SKIP") && l.contains("guest agent answering")));

        CliFixture.Run unknown = f.cli("doctor", "i-9-99-VM");
        assertEquals(1, unknown.exitCode);
        assertTrue(unknown.out, unknown.out.lines().anyMatch(l -> l.startsWith("FAIL") && l.contains("[i-9-99-VM] domain exists")
                && l.contains("fix: check the name with: virsh")));
    }

    @Test
    public void aMissingStateDirectoryIsReportedAndLeftForTheFirstCreate() {
        Path missing = f.dir.resolve("not-yet").resolve("state");
        CliFixture.Run r = f.cli("doctor", "--state-dir", missing.toString(), "--json");
        assertEquals(r.toString(), 0, r.exitCode);
        JsonObject state = check(r, "state directory writable");
        assertEquals("PASS", state.get("status").getAsString());
        assertEquals(missing + " does not exist yet; the first create makes it (" + f.dir + " is writable)",
                state.get("detail").getAsString());
        assertFalse("doctor only looks: " + missing + " must not be created", Files.exists(missing.getParent()));
    }

    @Test
    public void aStateDirectoryThatCannotBeMadeFailsWithTheFix() throws IOException {
        Path file = f.dir.resolve("a-file");
        Files.writeString(file, "x");
        CliFixture.Run r = f.cli("doctor", "--state-dir", file.resolve("state").toString(), "--json");
        assertEquals(r.toString(), 1, r.exitCode);
        JsonObject state = check(r, "state directory writable");
        assertEquals("FAIL", state.get("status").getAsString());
        assertTrue(state.get("fix").getAsString(), state.get("fix").getAsString().contains("or pass --state-dir DIR"));
    }

    private static JsonObject check(CliFixture.Run r, String name) {
        JsonArray checks = r.json().getAsJsonObject("result").getAsJsonArray("checks");
        Optional<JsonElement> found = StreamSupport.stream(checks.spliterator(), false)
                .filter(c -> c.getAsJsonObject().get("check").getAsString().equals(name)).findFirst();
        assertTrue("no check '" + name + "' in " + checks, found.isPresent());
        return found.get().getAsJsonObject();
    }
}
