// Licensed under the Apache License, Version 2.0. See LICENSE in the project root.
package io.elastisnap.simulator;

import org.junit.After;
import org.junit.Before;
import org.junit.Rule;
import org.junit.Test;
import org.junit.rules.TemporaryFolder;

import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLHandshakeException;
import javax.net.ssl.SSLSocket;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.ConnectException;
import java.net.Socket;
import java.net.SocketException;
import java.net.SocketTimeoutException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.time.Instant;
import java.util.Locale;

import static org.junit.Assert.assertArrayEquals;
import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertTrue;
import static org.junit.Assert.fail;

/** Wire-level behaviour seen through raw TLS sockets: keep-alive, real resets and hangs, TLS identity, clean close. */
public class ConnectionTest {
    @Rule
    public TemporaryFolder temp = new TemporaryFolder();

    private ElastiCenterSimulator simulator;
    private SSLContext trusting;

    @Before
    public void start() {
        simulator = ElastiCenterSimulator.builder().start();
        trusting = ApiTestClient.trusting(simulator.certificate());
    }

    @After
    public void stop() {
        simulator.close();
    }

    private SSLSocket connect() throws IOException {
        SSLSocket socket = (SSLSocket) trusting.getSocketFactory().createSocket("127.0.0.1", simulator.port());
        socket.setSoTimeout(10_000);
        return socket;
    }

    private String request(String command) {
        return "GET /client/api?command=" + command + "&response=json&apiKey="
                + ApiTestClient.encode(simulator.apiKey()) + " HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n";
    }

    @Test
    public void oneConnectionServesSeveralRequests() throws IOException {
        try (SSLSocket socket = connect()) {
            OutputStream out = socket.getOutputStream();
            InputStream in = socket.getInputStream();
            for (String command : new String[]{"listTsm", "listAccount", "listCapabilities"}) {
                out.write(request(command).getBytes(StandardCharsets.US_ASCII));
                out.flush();
                String body = readResponseBody(in);
                assertTrue(body, body.startsWith("{ \"list"));
            }
        }
    }

    @Test
    public void connectionResetIsATcpResetNotATlsClose() throws IOException {
        simulator.faults().inject("listTsm", Fault.connectionReset());
        try (SSLSocket socket = connect()) {
            socket.getOutputStream().write(request("listTsm").getBytes(StandardCharsets.US_ASCII));
            socket.getOutputStream().flush();
            int read = socket.getInputStream().read();
            fail("expected a reset, read " + read);
        } catch (SocketException expected) {
            assertTrue(expected.getMessage(), expected.getMessage().toLowerCase(Locale.ROOT).contains("reset"));
        }
    }

    @Test
    public void hangSendsNotASingleByte() throws IOException {
        simulator.faults().inject("listTsm", Fault.hang());
        try (SSLSocket socket = connect()) {
            socket.getOutputStream().write(request("listTsm").getBytes(StandardCharsets.US_ASCII));
            socket.getOutputStream().flush();
            socket.setSoTimeout(300);
            int read = socket.getInputStream().read();
            fail("expected silence, read " + read);
        } catch (SocketTimeoutException expected) {
            assertEquals(1, simulator.faults().firedCount("listTsm"));
        }
    }

    @Test
    public void thePresentedCertificateMatchesTheReportedFingerprintAndPem() throws Exception {
        X509Certificate presented;
        try (SSLSocket socket = connect()) {
            socket.startHandshake();
            presented = (X509Certificate) socket.getSession().getPeerCertificates()[0];
        }
        assertEquals(hex(MessageDigest.getInstance("SHA-256").digest(presented.getEncoded())),
                simulator.certificateSha256());
        assertTrue(simulator.certificateSha256().matches("[0-9a-f]{64}"));
        Path pem = temp.getRoot().toPath().resolve("sim.pem");
        simulator.writeCertificatePem(pem);
        try (InputStream in = Files.newInputStream(pem)) {
            X509Certificate fromPem = (X509Certificate) CertificateFactory.getInstance("X.509")
                    .generateCertificate(in);
            assertArrayEquals(presented.getEncoded(), fromPem.getEncoded());
        }
    }

    @Test
    public void theSelfSignedCertificateIsRefusedByDefaultTrust() throws Exception {
        HttpClient defaultTrust = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();
        try {
            defaultTrust.send(HttpRequest.newBuilder(URI.create(simulator.baseUrl() + "/client/api?command=listTsm"))
                    .timeout(Duration.ofSeconds(10)).build(), HttpResponse.BodyHandlers.ofString());
            fail("an untrusted self-signed certificate must be refused");
        } catch (SSLHandshakeException expected) {
            assertTrue(expected.getMessage(), expected.getMessage().contains("PKIX"));
        }
    }

    @Test
    public void closeStopsListeningReleasesHangsAndEndsAllThreads() throws Exception {
        simulator.faults().inject("listTsm", Fault.hang());
        int port = simulator.port();
        try (SSLSocket hanging = connect()) {
            hanging.getOutputStream().write(request("listTsm").getBytes(StandardCharsets.US_ASCII));
            hanging.getOutputStream().flush();
            awaitFired();
            simulator.close();
            assertEquals("the hung connection is closed", -1, readOrEof(hanging));
        }
        try (Socket ignored = new Socket("127.0.0.1", port)) {
            fail("still listening after close");
        } catch (ConnectException expected) {
            // closed
        }
        Instant deadline = Instant.now().plusSeconds(10);
        while (simulatorThreads() > 0 && Instant.now().isBefore(deadline)) {
            ApiFlows.sleep(Duration.ofMillis(20));
        }
        assertEquals("simulator threads left after close", 0, simulatorThreads());
        simulator.close(); // idempotent
    }

    private static int readOrEof(SSLSocket socket) {
        try {
            return socket.getInputStream().read();
        } catch (IOException closed) {
            return -1;
        }
    }

    private void awaitFired() {
        Instant deadline = Instant.now().plusSeconds(10);
        while (simulator.faults().firedCount("listTsm") == 0) {
            if (Instant.now().isAfter(deadline)) {
                fail("hang never fired");
            }
            ApiFlows.sleep(Duration.ofMillis(10));
        }
    }

    private static long simulatorThreads() {
        return Thread.getAllStackTraces().keySet().stream()
                .filter(t -> t.getName().startsWith("elasticenter-sim") && t.isAlive()).count();
    }

    private static String readResponseBody(InputStream in) throws IOException {
        int contentLength = -1;
        String line;
        while (!(line = readLine(in)).isEmpty()) {
            if (line.toLowerCase(Locale.ROOT).startsWith("content-length:")) {
                contentLength = Integer.parseInt(line.substring("content-length:".length()).trim());
            }
        }
        assertTrue("Content-Length present", contentLength >= 0);
        return new String(in.readNBytes(contentLength), StandardCharsets.UTF_8);
    }

    private static String readLine(InputStream in) throws IOException {
        ByteArrayOutputStream line = new ByteArrayOutputStream();
        int b;
        while ((b = in.read()) != '\n') {
            if (b < 0) {
                throw new IOException("connection closed");
            }
            if (b != '\r') {
                line.write(b);
            }
        }
        return line.toString(StandardCharsets.US_ASCII);
    }

    private static String hex(byte[] bytes) {
        StringBuilder text = new StringBuilder();
        for (byte b : bytes) {
            text.append(String.format("%02x", b));
        }
        return text.toString();
    }
}
