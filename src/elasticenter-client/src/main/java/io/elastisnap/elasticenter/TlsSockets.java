// Licensed under the Apache License, Version 2.0. See LICENSE in the project root.
package io.elastisnap.elasticenter;

import org.apache.http.conn.ssl.DefaultHostnameVerifier;
import org.apache.http.conn.ssl.NoopHostnameVerifier;
import org.apache.http.conn.ssl.SSLConnectionSocketFactory;
import org.apache.http.protocol.HttpContext;
import org.apache.logging.log4j.LogManager;
import org.apache.logging.log4j.Logger;

import javax.net.ssl.HostnameVerifier;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLEngine;
import javax.net.ssl.SSLHandshakeException;
import javax.net.ssl.SSLPeerUnverifiedException;
import javax.net.ssl.SSLSession;
import javax.net.ssl.SSLSocket;
import javax.net.ssl.TrustManager;
import javax.net.ssl.TrustManagerFactory;
import javax.net.ssl.X509ExtendedTrustManager;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.security.MessageDigest;
import java.security.cert.Certificate;
import java.security.cert.CertificateException;
import java.security.cert.CertificateExpiredException;
import java.security.cert.CertificateNotYetValidException;
import java.security.cert.CertificateFactory;
import java.security.cert.CertificateParsingException;
import java.security.cert.X509Certificate;
import java.util.ArrayList;
import java.util.Base64;
import java.util.Collection;
import java.util.List;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * TLS for one {@link TlsTrust}: the trust manager, the host name check after the handshake (done here rather than in
 * HttpClient so a mismatch can report the certificate's fingerprint), the insecure-mode warning on every new
 * connection, and operator-facing explanations of every refusal.
 */
final class TlsSockets {
    private static final Logger LOG = LogManager.getLogger(TlsSockets.class);
    private static final long MAX_CA_FILE_BYTES = 10L * 1024 * 1024;
    private static final Pattern PEM_CERTIFICATE =
            Pattern.compile("-----BEGIN CERTIFICATE-----([A-Za-z0-9+/=\\s]+?)-----END CERTIFICATE-----");

    private TlsSockets() {
    }

    /** The socket factory for {@code trust}; unusable trust material is an {@link ElastiCenterTlsException}. */
    static SSLConnectionSocketFactory socketFactory(TlsTrust trust) {
        switch (trust.mode()) {
            case CA_FILE:
                Path file = trust.caFilePath().orElseThrow();
                return new CheckingSocketFactory(context(new ReportingTrustManager(
                        pkix(loadTrustStore(file, trust.trustStorePassword())))), AfterHandshake.VERIFY_HOST_NAME);
            case PINNED_SHA256:
                return new CheckingSocketFactory(context(new PinnedTrustManager(trust.pinnedFingerprint()
                        .orElseThrow())), AfterHandshake.NOTHING);
            case INSECURE:
                return new CheckingSocketFactory(context(new TrustAllManager()), AfterHandshake.WARN_INSECURE);
            default:
                return new CheckingSocketFactory(context(new ReportingTrustManager(pkix(null))),
                        AfterHandshake.VERIFY_HOST_NAME);
        }
    }

    /**
     * What an operator needs to know about a TLS refusal found in {@code error}'s cause chain, including the fix;
     * empty when the failure is not a TLS refusal.
     */
    static Optional<String> explain(Throwable error, String hostAndPort, Redactor redactor) {
        for (Throwable t = error; t != null; t = t.getCause()) {
            if (t instanceof CertificateRejected) {
                return Optional.of(((CertificateRejected) t).explain(hostAndPort));
            }
            if (t instanceof HostNameMismatch) {
                return Optional.of(((HostNameMismatch) t).explain(hostAndPort));
            }
        }
        for (Throwable t = error; t != null; t = t.getCause()) {
            if (t instanceof SSLPeerUnverifiedException || t instanceof CertificateException
                    || t instanceof SSLHandshakeException) {
                return Optional.of("the TLS handshake with " + hostAndPort + " failed: " + redactor.redact(
                        t.getMessage()) + " (the server may only offer old TLS versions or ciphers, or closed the"
                        + " connection during the handshake)");
            }
        }
        return Optional.empty();
    }

    private static SSLContext context(X509ExtendedTrustManager trustManager) {
        try {
            SSLContext context = SSLContext.getInstance("TLS");
            context.init(null, new TrustManager[]{trustManager}, null);
            return context;
        } catch (GeneralSecurityException e) {
            throw setupError("cannot initialise TLS: " + e.getMessage(), e);
        }
    }

    private static X509ExtendedTrustManager pkix(KeyStore anchors) {
        try {
            TrustManagerFactory factory = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
            factory.init(anchors);
            for (TrustManager manager : factory.getTrustManagers()) {
                if (manager instanceof X509ExtendedTrustManager) {
                    return (X509ExtendedTrustManager) manager;
                }
            }
            throw setupError("the JVM offers no X.509 trust manager", null);
        } catch (GeneralSecurityException e) {
            throw setupError("cannot load the trust store: " + e.getMessage(), e);
        }
    }

    /** PEM or DER certificates, or a PKCS12/JKS store (without password unless given). */
    static KeyStore loadTrustStore(Path file, Optional<Secret> password) {
        byte[] bytes;
        try {
            if (Files.size(file) > MAX_CA_FILE_BYTES) {
                throw setupError("CA file " + file + " is larger than " + MAX_CA_FILE_BYTES + " bytes", null);
            }
            bytes = Files.readAllBytes(file);
        } catch (IOException e) {
            throw setupError("cannot read CA file " + file + ": " + e, e);
        }
        try {
            List<X509Certificate> certificates = certificates(bytes);
            if (!certificates.isEmpty()) {
                KeyStore store = KeyStore.getInstance(KeyStore.getDefaultType());
                store.load(null, null);
                for (int i = 0; i < certificates.size(); i++) {
                    store.setCertificateEntry("ca-" + i, certificates.get(i));
                }
                return store;
            }
            for (String type : List.of("PKCS12", "JKS")) {
                Optional<KeyStore> store = keyStore(type, bytes, password);
                if (store.isPresent()) {
                    return store.get();
                }
            }
        } catch (GeneralSecurityException | IOException e) {
            throw setupError("cannot use CA file " + file + ": " + e.getMessage(), e);
        }
        throw setupError("CA file " + file + " holds no certificates: expected PEM or DER certificates, or a"
                + " PKCS12/JKS trust store" + (password.isPresent() ? "" : " without password"), null);
    }

    private static List<X509Certificate> certificates(byte[] bytes) throws CertificateException {
        CertificateFactory factory = CertificateFactory.getInstance("X.509");
        List<X509Certificate> certificates = new ArrayList<>();
        Matcher pem = PEM_CERTIFICATE.matcher(new String(bytes, StandardCharsets.ISO_8859_1));
        while (pem.find()) {
            byte[] der = Base64.getMimeDecoder().decode(pem.group(1));
            certificates.add((X509Certificate) factory.generateCertificate(new ByteArrayInputStream(der)));
        }
        if (certificates.isEmpty() && bytes.length > 0 && bytes[0] == 0x30) { // a DER SEQUENCE
            try {
                for (Certificate c : factory.generateCertificates(new ByteArrayInputStream(bytes))) {
                    certificates.add((X509Certificate) c);
                }
            } catch (CertificateException notDer) {
                certificates.clear(); // a PKCS12 store starts with a SEQUENCE too
            }
        }
        return certificates;
    }

    private static Optional<KeyStore> keyStore(String type, byte[] bytes, Optional<Secret> password)
            throws GeneralSecurityException {
        KeyStore store = KeyStore.getInstance(type);
        try {
            store.load(new ByteArrayInputStream(bytes), password.map(p -> p.reveal().toCharArray()).orElse(null));
        } catch (IOException notThisType) {
            return Optional.empty();
        }
        return store.size() > 0 ? Optional.of(store) : Optional.empty();
    }

    private static ElastiCenterTlsException setupError(String message, Throwable cause) {
        return new ElastiCenterTlsException("TLS setup: " + message, ElastiCenterException.Details.of("setup"),
                cause);
    }

    private static String describe(X509Certificate certificate) {
        return "subject " + certificate.getSubjectX500Principal().getName() + ", SHA-256 "
                + TlsTrust.sha256Fingerprint(certificate);
    }

    private static X509Certificate leaf(SSLSession session) throws SSLPeerUnverifiedException {
        Certificate[] chain = session.getPeerCertificates();
        if (chain.length == 0 || !(chain[0] instanceof X509Certificate)) {
            throw new SSLPeerUnverifiedException("the server sent no X.509 certificate");
        }
        return (X509Certificate) chain[0];
    }

    private enum AfterHandshake { VERIFY_HOST_NAME, NOTHING, WARN_INSECURE }

    /** HttpClient's TLS socket factory plus our post-handshake step; HttpClient's own host check is switched off. */
    private static final class CheckingSocketFactory extends SSLConnectionSocketFactory {
        private static final HostnameVerifier HOST_NAMES = new DefaultHostnameVerifier();

        private final AfterHandshake afterHandshake;

        CheckingSocketFactory(SSLContext context, AfterHandshake afterHandshake) {
            super(context, NoopHostnameVerifier.INSTANCE);
            this.afterHandshake = afterHandshake;
        }

        @Override
        public Socket createLayeredSocket(Socket socket, String target, int port, HttpContext context)
                throws IOException {
            Socket layered = super.createLayeredSocket(socket, target, port, context);
            try {
                check((SSLSocket) layered, target, port);
                return layered;
            } catch (IOException | RuntimeException e) {
                layered.close();
                throw e;
            }
        }

        private void check(SSLSocket socket, String target, int port) throws IOException {
            SSLSession session = socket.getSession();
            switch (afterHandshake) {
                case VERIFY_HOST_NAME:
                    if (!HOST_NAMES.verify(target, session)) {
                        throw new HostNameMismatch(target, leaf(session));
                    }
                    break;
                case WARN_INSECURE:
                    X509Certificate certificate = leaf(session);
                    LOG.warn("TLS verification is OFF (insecure mode): accepted the certificate of {}:{} without"
                            + " checking it ({}). Pin it with sha256:{} to verify the appliance instead.", target,
                            port, describe(certificate), TlsTrust.sha256Fingerprint(certificate));
                    break;
                default:
                    break;
            }
        }
    }

    /** The platform's verdict, re-thrown with the certificate's identity so the operator can act on it. */
    private static final class ReportingTrustManager extends X509ExtendedTrustManager {
        private final X509ExtendedTrustManager delegate;

        ReportingTrustManager(X509ExtendedTrustManager delegate) {
            this.delegate = delegate;
        }

        @Override
        public void checkServerTrusted(X509Certificate[] chain, String authType, Socket socket)
                throws CertificateException {
            try {
                delegate.checkServerTrusted(chain, authType, socket);
                checkDates(chain);
            } catch (CertificateException e) {
                throw CertificateRejected.untrusted(chain, e);
            }
        }

        @Override
        public void checkServerTrusted(X509Certificate[] chain, String authType, SSLEngine engine)
                throws CertificateException {
            try {
                delegate.checkServerTrusted(chain, authType, engine);
                checkDates(chain);
            } catch (CertificateException e) {
                throw CertificateRejected.untrusted(chain, e);
            }
        }

        @Override
        public void checkServerTrusted(X509Certificate[] chain, String authType) throws CertificateException {
            try {
                delegate.checkServerTrusted(chain, authType);
                checkDates(chain);
            } catch (CertificateException e) {
                throw CertificateRejected.untrusted(chain, e);
            }
        }

        @Override
        public void checkClientTrusted(X509Certificate[] chain, String authType, Socket socket)
                throws CertificateException {
            delegate.checkClientTrusted(chain, authType, socket);
        }

        @Override
        public void checkClientTrusted(X509Certificate[] chain, String authType, SSLEngine engine)
                throws CertificateException {
            delegate.checkClientTrusted(chain, authType, engine);
        }

        @Override
        public void checkClientTrusted(X509Certificate[] chain, String authType) throws CertificateException {
            delegate.checkClientTrusted(chain, authType);
        }

        @Override
        public X509Certificate[] getAcceptedIssuers() {
            return delegate.getAcceptedIssuers();
        }

        /**
         * PKIX does not check the dates of the trust anchor itself, and an appliance's self-signed certificate given
         * as CA file is exactly that: every certificate the server presents must be valid now.
         */
        private static void checkDates(X509Certificate[] chain) throws CertificateException {
            for (X509Certificate certificate : chain) {
                try {
                    certificate.checkValidity();
                } catch (CertificateExpiredException e) {
                    throw new CertificateExpiredException("the certificate " + certificate.getSubjectX500Principal()
                            + " expired on " + certificate.getNotAfter().toInstant());
                } catch (CertificateNotYetValidException e) {
                    throw new CertificateNotYetValidException("the certificate " + certificate.getSubjectX500Principal()
                            + " is not valid before " + certificate.getNotBefore().toInstant());
                }
            }
        }
    }

    /** Base of the trust managers that decide on the leaf certificate alone. */
    private abstract static class LeafTrustManager extends X509ExtendedTrustManager {
        abstract void checkLeaf(X509Certificate[] chain) throws CertificateException;

        @Override
        public void checkServerTrusted(X509Certificate[] chain, String authType, Socket socket)
                throws CertificateException {
            checkLeaf(chain);
        }

        @Override
        public void checkServerTrusted(X509Certificate[] chain, String authType, SSLEngine engine)
                throws CertificateException {
            checkLeaf(chain);
        }

        @Override
        public void checkServerTrusted(X509Certificate[] chain, String authType) throws CertificateException {
            checkLeaf(chain);
        }

        @Override
        public void checkClientTrusted(X509Certificate[] chain, String authType, Socket socket)
                throws CertificateException {
            throw new CertificateException("client certificates are not accepted");
        }

        @Override
        public void checkClientTrusted(X509Certificate[] chain, String authType, SSLEngine engine)
                throws CertificateException {
            throw new CertificateException("client certificates are not accepted");
        }

        @Override
        public void checkClientTrusted(X509Certificate[] chain, String authType) throws CertificateException {
            throw new CertificateException("client certificates are not accepted");
        }

        @Override
        public X509Certificate[] getAcceptedIssuers() {
            return new X509Certificate[0];
        }

        static void requireLeaf(X509Certificate[] chain) throws CertificateException {
            if (chain == null || chain.length == 0) {
                throw new CertificateException("the server sent no certificate");
            }
        }
    }

    /** Trusts exactly the leaf certificate with the pinned SHA-256; name and dates are what the pin vouches for. */
    private static final class PinnedTrustManager extends LeafTrustManager {
        private final String pin;

        PinnedTrustManager(String pin) {
            this.pin = pin;
        }

        @Override
        void checkLeaf(X509Certificate[] chain) throws CertificateException {
            requireLeaf(chain);
            String observed = TlsTrust.sha256Fingerprint(chain[0]);
            if (!MessageDigest.isEqual(observed.getBytes(StandardCharsets.US_ASCII),
                    pin.getBytes(StandardCharsets.US_ASCII))) {
                throw CertificateRejected.pinMismatch(chain[0], pin);
            }
        }
    }

    /** Insecure mode; the warning is logged per connection by {@link CheckingSocketFactory}. */
    private static final class TrustAllManager extends LeafTrustManager {
        @Override
        void checkLeaf(X509Certificate[] chain) throws CertificateException {
            requireLeaf(chain);
        }
    }

    /** A certificate refused by our trust managers, with what the operator needs to fix it. */
    static final class CertificateRejected extends CertificateException {
        private static final long serialVersionUID = 1L;

        private final String fingerprint;
        private final String subject;
        private final String pin;
        private final String reason;

        private CertificateRejected(X509Certificate certificate, String pin, String reason, Throwable cause) {
            super("certificate " + describe(certificate) + " refused: " + reason, cause);
            this.fingerprint = TlsTrust.sha256Fingerprint(certificate);
            this.subject = certificate.getSubjectX500Principal().getName();
            this.pin = pin;
            this.reason = reason;
        }

        static CertificateRejected untrusted(X509Certificate[] chain, CertificateException cause)
                throws CertificateException {
            LeafTrustManager.requireLeaf(chain);
            return new CertificateRejected(chain[0], null, cause.getMessage(), cause);
        }

        static CertificateRejected pinMismatch(X509Certificate certificate, String pin) {
            return new CertificateRejected(certificate, pin, "its SHA-256 is not the pinned " + pin, null);
        }

        String explain(String hostAndPort) {
            if (pin != null) {
                return "the certificate of " + hostAndPort + " (subject " + subject + ") has SHA-256 " + fingerprint
                        + ", not the pinned " + pin + ". If the appliance's certificate was replaced on purpose,"
                        + " pin the new one with sha256:" + fingerprint
                        + "; otherwise the connection may be intercepted.";
            }
            return "the certificate of " + hostAndPort + " is not trusted (subject " + subject + ", SHA-256 "
                    + fingerprint + "): " + reason + ". If this is the appliance's own self-signed certificate, pin"
                    + " it with sha256:" + fingerprint + " (TlsTrust.pinnedSha256), or trust its issuer with"
                    + " ca:<PEM file> (TlsTrust.caFile).";
        }
    }

    /** A trusted certificate issued for other names than the one connected to. */
    static final class HostNameMismatch extends SSLPeerUnverifiedException {
        private static final long serialVersionUID = 1L;

        private final String host;
        private final String fingerprint;
        private final List<String> names;

        HostNameMismatch(String host, X509Certificate certificate) {
            super("certificate " + describe(certificate) + " does not match host name " + host);
            this.host = host;
            this.fingerprint = TlsTrust.sha256Fingerprint(certificate);
            this.names = subjectAlternativeNames(certificate);
        }

        String explain(String hostAndPort) {
            return "the certificate of " + hostAndPort + " is trusted but issued for " + names + ", not for '" + host
                    + "' (SHA-256 " + fingerprint + "). Use one of those names in the URL, or pin the certificate"
                    + " with sha256:" + fingerprint + ".";
        }

        private static List<String> subjectAlternativeNames(X509Certificate certificate) {
            List<String> names = new ArrayList<>();
            try {
                Collection<List<?>> entries = certificate.getSubjectAlternativeNames();
                if (entries != null) {
                    for (List<?> entry : entries) {
                        Object type = entry.get(0);
                        String prefix = Integer.valueOf(2).equals(type) ? "DNS:"
                                : Integer.valueOf(7).equals(type) ? "IP:" : "";
                        names.add(prefix + entry.get(1));
                    }
                }
            } catch (CertificateParsingException e) {
                names.add("(unreadable subject alternative names)");
            }
            if (names.isEmpty()) {
                names.add(certificate.getSubjectX500Principal().getName());
            }
            return names;
        }
    }
}
