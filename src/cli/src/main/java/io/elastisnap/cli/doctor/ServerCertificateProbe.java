// Licensed under the Apache License, Version 2.0. See LICENSE in the project root.
package io.elastisnap.cli.doctor;

import io.elastisnap.elasticenter.TlsTrust;
import java.security.SecureRandom;
import java.security.cert.Certificate;
import java.security.cert.X509Certificate;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLSocket;
import javax.net.ssl.TrustManager;
import javax.net.ssl.X509TrustManager;

/**
 * Reads the certificate a server presents, to show its fingerprint when it is not trusted. Only a handshake happens;
 * nothing (and never the API key) is sent over this unverified connection.
 */
final class ServerCertificateProbe {
    private ServerCertificateProbe() {
    }

    /** The leaf certificate's SHA-256 fingerprint, or null when the handshake fails. */
    static String sha256(String host, int port, int timeoutMillis) {
        try {
            SSLContext tls = SSLContext.getInstance("TLS");
            tls.init(null, new TrustManager[] {new AcceptAll()}, new SecureRandom());
            try (SSLSocket socket = (SSLSocket) tls.getSocketFactory().createSocket()) {
                socket.connect(new java.net.InetSocketAddress(host, port), timeoutMillis);
                socket.setSoTimeout(timeoutMillis);
                socket.startHandshake();
                Certificate[] chain = socket.getSession().getPeerCertificates();
                return chain.length == 0 ? null : TlsTrust.sha256Fingerprint((X509Certificate) chain[0]);
            }
        } catch (Exception e) {
            return null;
        }
    }

    /** Used only to read the certificate for display; the connection carries no data. */
    private static final class AcceptAll implements X509TrustManager {
        @Override
        public void checkClientTrusted(X509Certificate[] chain, String authType) {
            // never used as a server
        }

        @Override
        public void checkServerTrusted(X509Certificate[] chain, String authType) {
            // display-only connection, see class comment
        }

        @Override
        public X509Certificate[] getAcceptedIssuers() {
            return new X509Certificate[0];
        }
    }
}
