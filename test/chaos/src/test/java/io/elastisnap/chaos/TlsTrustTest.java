// Licensed under the Apache License, Version 2.0. See LICENSE in the project root.
package io.elastisnap.chaos;

import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertTrue;
import static org.junit.Assert.fail;

import io.elastisnap.elasticenter.ElastiCenterClient;
import io.elastisnap.elasticenter.ElastiCenterConfig;
import io.elastisnap.elasticenter.ElastiCenterTlsException;
import io.elastisnap.elasticenter.Secret;
import io.elastisnap.elasticenter.TlsTrust;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import org.junit.BeforeClass;
import org.junit.Rule;
import org.junit.Test;
import org.junit.rules.TemporaryFolder;

/**
 * Expired, wrong-host and self-signed certificates (BouncyCastle) through the real client: refused, before a single
 * request byte (and so the key) reaches the server, unless explicitly trusted by pin or CA file.
 */
public class TlsTrustTest {
    private static final String ANSWER = "{ \"listDatasetSnapshotsResponse\" : { \"count\":0, \"snapshot\" : [] } }";
    private static String apiKey;

    @Rule
    public TemporaryFolder folder = new TemporaryFolder();

    @BeforeClass
    public static void key() {
        SecretScanner.installLogCapture();
        apiKey = SecretScanner.newApiKey();
    }

    @Test
    public void selfSignedIsRefusedByDefaultAndAcceptedWhenPinnedOrGivenAsCa() throws Exception {
        TestCertificates.Identity selfSigned = TestCertificates.valid();
        assertRefused(selfSigned, TlsTrust.systemDefault(), "self-signed/system-default");
        assertAccepted(selfSigned, TlsTrust.pinnedSha256(selfSigned.sha256()), "self-signed/pinned");
        assertAccepted(selfSigned, TlsTrust.caFile(selfSigned.writePem(folder.newFile().toPath())), "self-signed/ca-file");
        assertAccepted(selfSigned, TlsTrust.insecure(), "self-signed/insecure-opt-in");
    }

    @Test
    public void expiredIsRefusedUnlessPinned() throws Exception {
        TestCertificates.Identity ca = TestCertificates.authority();
        Path caFile = ca.writePem(folder.newFile().toPath());
        assertAccepted(TestCertificates.validIssuedBy(ca), TlsTrust.caFile(caFile), "ca-issued/ca-file");
        TestCertificates.Identity expired = TestCertificates.expiredIssuedBy(ca);
        assertRefused(expired, TlsTrust.systemDefault(), "expired/system-default");
        assertRefused(expired, TlsTrust.caFile(caFile), "expired/ca-file");
        // a pin names exactly this certificate, dates included (documented in the client's README)
        assertAccepted(expired, TlsTrust.pinnedSha256(expired.sha256()), "expired/pinned");
        TestCertificates.Identity expiredSelfSigned = TestCertificates.expired();
        assertRefused(expiredSelfSigned, TlsTrust.systemDefault(), "expired-self-signed/system-default");
        // JDK PKIX alone never checks a trust anchor's own dates; the client does, so an expired appliance
        // certificate given as its own ca: file is refused too
        assertRefused(expiredSelfSigned, TlsTrust.caFile(expiredSelfSigned.writePem(folder.newFile().toPath())),
                "expired-self-signed/ca-file-of-itself");
    }

    @Test
    public void wrongHostIsRefusedUnlessPinned() throws Exception {
        TestCertificates.Identity ca = TestCertificates.authority();
        TestCertificates.Identity other = TestCertificates.wrongHostIssuedBy(ca);
        assertRefused(other, TlsTrust.systemDefault(), "wrong-host/system-default");
        assertRefused(other, TlsTrust.caFile(ca.writePem(folder.newFile().toPath())), "wrong-host/ca-file");
        assertAccepted(other, TlsTrust.pinnedSha256(other.sha256()), "wrong-host/pinned");
        TestCertificates.Identity selfSignedOther = TestCertificates.wrongHost();
        assertRefused(selfSignedOther, TlsTrust.caFile(selfSignedOther.writePem(folder.newFile().toPath())),
                "wrong-host-self-signed/ca-file-of-itself");
    }

    @Test
    public void pinOfAnotherCertificateOrCaOfAnotherServerIsRefused() throws Exception {
        TestCertificates.Identity server = TestCertificates.valid();
        TestCertificates.Identity stranger = TestCertificates.valid();
        assertRefused(server, TlsTrust.pinnedSha256(stranger.sha256()), "pin-mismatch");
        assertRefused(server, TlsTrust.caFile(stranger.writePem(folder.newFile().toPath())), "ca-of-another-server");
    }

    private void assertRefused(TestCertificates.Identity identity, TlsTrust trust, String scenario) throws IOException {
        try (RawHttpsServer server = new RawHttpsServer(identity.serverContext(), TlsTrustTest::answer);
             ElastiCenterClient client = new ElastiCenterClient(config(server, trust))) {
            try {
                client.listStorageSnapshots("vol-1");
                fail(scenario + ": the client accepted a certificate it must refuse");
            } catch (ElastiCenterTlsException e) {
                SecretScanner.scan("exception", e);
                assertTrue(scenario + ": the refusal must name the observed fingerprint: " + e.getMessage(),
                        e.getMessage().toLowerCase().replace(":", "").contains(identity.sha256().toLowerCase().replace(":", "")));
            }
            assertEquals(scenario + ": no request may reach a refused server (the key travels in it)", 0, server.requestsRead());
            ChaosReport.count("tls.refused." + scenario);
        }
    }

    private void assertAccepted(TestCertificates.Identity identity, TlsTrust trust, String scenario) throws IOException {
        try (RawHttpsServer server = new RawHttpsServer(identity.serverContext(), TlsTrustTest::answer);
             ElastiCenterClient client = new ElastiCenterClient(config(server, trust))) {
            assertEquals(scenario, 0, client.listStorageSnapshots("vol-1").size());
            ChaosReport.count("tls.accepted." + scenario);
        }
    }

    private static ElastiCenterConfig config(RawHttpsServer server, TlsTrust trust) {
        return ElastiCenterConfig.builder(server.baseUrl(), Secret.of(apiKey)).trust(trust)
                .connectTimeout(Duration.ofSeconds(2)).readTimeout(Duration.ofSeconds(2)).readRetries(0).build();
    }

    private static void answer(String head, java.io.OutputStream out, RawHttpsServer server) throws IOException {
        byte[] body = ANSWER.getBytes(StandardCharsets.UTF_8);
        out.write(("HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nConnection: close\r\nContent-Length: "
                + body.length + "\r\n\r\n").getBytes(StandardCharsets.US_ASCII));
        out.write(body);
    }
}
