// Licensed under the Apache License, Version 2.0. See LICENSE in the project root.
package io.elastisnap.elasticenter;

import org.apache.logging.log4j.Level;
import org.junit.Rule;
import org.junit.Test;
import org.junit.rules.TemporaryFolder;

import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyStore;
import java.util.List;
import java.util.Locale;
import java.util.stream.Collectors;

import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertFalse;
import static org.junit.Assert.assertThrows;
import static org.junit.Assert.assertTrue;

/** TLS against the simulator's self-signed certificate (and canned servers for name mismatches). */
public class TlsTrustTest extends SimulatorTestBase {
    @Rule
    public final TemporaryFolder folder = new TemporaryFolder();

    private static ElastiCenterClient clientTrusting(TlsTrust trust) {
        return new ElastiCenterClient(config().trust(trust).build());
    }

    @Test
    public void selfSignedCertificateIsRefusedByDefaultWithTheFixInTheMessage() {
        int before = sim.requestLog().count("listCapabilities");
        try (ElastiCenterClient defaults = new ElastiCenterClient(ElastiCenterConfig.builder(sim.baseUrl(),
                Secret.of(sim.apiKey())).build())) {

            ElastiCenterTlsException e = assertThrows(ElastiCenterTlsException.class, defaults::listCapabilities);

            assertEquals("listCapabilities", e.command());
            assertTrue(e.getMessage(), e.getMessage().contains("is not trusted"));
            assertTrue(e.getMessage(), e.getMessage().contains("sha256:" + sim.certificateSha256()));
            assertEquals("the request never left the client", before, sim.requestLog().count("listCapabilities"));
        }
    }

    @Test
    public void pinnedFingerprintIsAcceptedInAnyNotation() {
        String hex = sim.certificateSha256();
        String colons = hex.toUpperCase(Locale.ROOT).replaceAll("(..)(?!$)", "$1:");
        for (TlsTrust trust : List.of(TlsTrust.pinnedSha256(hex), TlsTrust.pinnedSha256(colons),
                TlsTrust.fromSpec("sha256:" + colons))) {
            try (ElastiCenterClient pinned = clientTrusting(trust)) {
                assertEquals("1.4.0.1008", pinned.listCapabilities().cloudByteVersion());
            }
        }
    }

    @Test
    public void wrongPinIsRefusedNamingTheObservedFingerprint() {
        String wrong = "00" + sim.certificateSha256().substring(2);
        try (ElastiCenterClient pinned = clientTrusting(TlsTrust.pinnedSha256(wrong))) {

            ElastiCenterTlsException e = assertThrows(ElastiCenterTlsException.class, pinned::listAccounts);

            assertTrue(e.getMessage(), e.getMessage().contains("has SHA-256 " + sim.certificateSha256()));
            assertTrue(e.getMessage().contains("not the pinned " + wrong));
        }
    }

    @Test
    public void caFileInPemIsAcceptedWithHostNameVerification() throws Exception {
        Path pem = folder.getRoot().toPath().resolve("elasticenter.pem");
        sim.writeCertificatePem(pem);

        for (TlsTrust trust : List.of(TlsTrust.caFile(pem), TlsTrust.fromSpec("ca:" + pem))) {
            try (ElastiCenterClient trusting = clientTrusting(trust)) {
                assertFalse(trusting.listAccounts().isEmpty());
            }
        }
    }

    @Test
    public void caFileAsPkcs12TrustStoreIsAccepted() throws Exception {
        KeyStore store = KeyStore.getInstance("PKCS12");
        store.load(null, null);
        store.setCertificateEntry("elasticenter", sim.certificate());
        Path file = folder.getRoot().toPath().resolve("truststore.p12");
        try (OutputStream out = Files.newOutputStream(file)) {
            store.store(out, "changeit".toCharArray());
        }

        try (ElastiCenterClient trusting = clientTrusting(TlsTrust.caFile(file, Secret.of("changeit")))) {
            assertFalse(trusting.listAccounts().isEmpty());
        }
    }

    @Test
    public void caFileOfAnotherCertificateIsRefused() throws Exception {
        Path other = folder.getRoot().toPath().resolve("other.pem");
        TestCertificates.selfSigned("127.0.0.1").writePem(other);
        try (ElastiCenterClient trusting = clientTrusting(TlsTrust.caFile(other))) {

            ElastiCenterTlsException e = assertThrows(ElastiCenterTlsException.class, trusting::listAccounts);

            assertTrue(e.getMessage(), e.getMessage().contains(sim.certificateSha256()));
        }
    }

    @Test
    public void expiredSelfSignedCertificateIsRefusedAlthoughItIsItsOwnCaFile() throws Exception {
        // The platform does not check a trust anchor's dates; the appliance's certificate is exactly such an anchor.
        TestCertificates expired = TestCertificates.expiredSelfSigned("127.0.0.1");
        Path pem = folder.getRoot().toPath().resolve("expired.pem");
        expired.writePem(pem);
        try (CannedServer server = CannedServer.start(expired);
             ElastiCenterClient trusting = new ElastiCenterClient(server.config("k").trust(TlsTrust.caFile(pem))
                     .build())) {

            ElastiCenterTlsException e = assertThrows(ElastiCenterTlsException.class, trusting::listAccounts);

            assertTrue(e.getMessage(), e.getMessage().toLowerCase(java.util.Locale.ROOT).contains("expired"));
            assertTrue("nothing was sent", server.queries().isEmpty());
        }
    }

    @Test
    public void trustedCertificateForAnotherHostNameIsRefused() throws Exception {
        TestCertificates elsewhere = TestCertificates.selfSigned("elasticenter.example");
        Path pem = folder.getRoot().toPath().resolve("elsewhere.pem");
        elsewhere.writePem(pem);
        try (CannedServer server = CannedServer.start(elsewhere);
             ElastiCenterClient trusting = new ElastiCenterClient(server.config("k").trust(TlsTrust.caFile(pem))
                     .build())) {

            ElastiCenterTlsException e = assertThrows(ElastiCenterTlsException.class, trusting::listAccounts);

            assertTrue(e.getMessage(), e.getMessage().contains("issued for [DNS:elasticenter.example], not for"
                    + " '127.0.0.1'"));
            assertTrue(e.getMessage().contains("sha256:" + elsewhere.sha256()));
            assertTrue("nothing was sent", server.queries().isEmpty());
        }
    }

    @Test
    public void unusableCaFileFailsAtConstruction() throws Exception {
        Path garbage = folder.newFile("garbage.pem").toPath();
        Files.writeString(garbage, "not a certificate");
        Path missing = folder.getRoot().toPath().resolve("missing.pem");

        ElastiCenterTlsException noCertificates = assertThrows(ElastiCenterTlsException.class,
                () -> clientTrusting(TlsTrust.caFile(garbage)));
        assertTrue(noCertificates.getMessage(), noCertificates.getMessage().contains("holds no certificates"));
        assertEquals("setup", noCertificates.command());
        ElastiCenterTlsException unreadable = assertThrows(ElastiCenterTlsException.class,
                () -> clientTrusting(TlsTrust.caFile(missing)));
        assertTrue(unreadable.getMessage().contains("cannot read CA file"));
    }

    @Test
    public void insecureModeWorksAndWarnsOnEveryNewConnection() {
        try (LogCapture logs = LogCapture.at(Level.WARN)) {
            for (int i = 0; i < 2; i++) {
                try (ElastiCenterClient insecure = clientTrusting(TlsTrust.insecure())) {
                    assertEquals("1.4.0.1008", insecure.listCapabilities().cloudByteVersion());
                }
            }

            List<String> warnings = logs.lines().stream().filter(l -> l.startsWith("WARN " + TlsSockets.class
                    .getName())).collect(Collectors.toList());
            assertEquals("one per connection of the two clients", 2, warnings.size());
            assertTrue(warnings.get(0), warnings.get(0).contains("TLS verification is OFF"));
            assertTrue(warnings.get(0).contains("sha256:" + sim.certificateSha256()));
        }
    }
}
