// Licensed under the Apache License, Version 2.0. See LICENSE in the project root.
package io.elastisnap.chaos;

import java.io.IOException;
import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.KeyStore;
import java.security.SecureRandom;
import java.security.cert.X509Certificate;
import java.security.spec.ECGenParameterSpec;
import java.time.Duration;
import java.time.Instant;
import java.util.Base64;
import java.util.Date;
import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SSLContext;
import org.bouncycastle.asn1.x500.X500Name;
import org.bouncycastle.asn1.x509.BasicConstraints;
import org.bouncycastle.asn1.x509.Extension;
import org.bouncycastle.asn1.x509.GeneralName;
import org.bouncycastle.asn1.x509.GeneralNames;
import org.bouncycastle.cert.jcajce.JcaX509CertificateConverter;
import org.bouncycastle.cert.jcajce.JcaX509v3CertificateBuilder;
import org.bouncycastle.operator.jcajce.JcaContentSignerBuilder;

/** Self-signed server certificates made with BouncyCastle: valid, expired, or for another host name. */
final class TestCertificates {
    /** One server identity: key, certificate and an SSLContext serving it. */
    static final class Identity {
        final KeyPair keys;
        final X509Certificate certificate;
        final X509Certificate issuer;

        Identity(KeyPair keys, X509Certificate certificate, X509Certificate issuer) {
            this.keys = keys;
            this.certificate = certificate;
            this.issuer = issuer;
        }

        SSLContext serverContext() {
            try {
                KeyStore store = KeyStore.getInstance("PKCS12");
                store.load(null, null);
                char[] password = "chaos".toCharArray();
                store.setKeyEntry("server", keys.getPrivate(), password, issuer == null
                        ? new X509Certificate[] {certificate} : new X509Certificate[] {certificate, issuer});
                KeyManagerFactory kmf = KeyManagerFactory.getInstance(KeyManagerFactory.getDefaultAlgorithm());
                kmf.init(store, password);
                SSLContext context = SSLContext.getInstance("TLS");
                context.init(kmf.getKeyManagers(), null, new SecureRandom());
                return context;
            } catch (GeneralSecurityException | IOException e) {
                throw new IllegalStateException("cannot build the test server's TLS context", e);
            }
        }

        Path writePem(Path file) throws IOException {
            try {
                String pem = "-----BEGIN CERTIFICATE-----\n"
                        + Base64.getMimeEncoder(64, "\n".getBytes(StandardCharsets.US_ASCII)).encodeToString(certificate.getEncoded())
                        + "\n-----END CERTIFICATE-----\n";
                Files.writeString(file, pem, StandardCharsets.US_ASCII);
                return file;
            } catch (java.security.cert.CertificateEncodingException e) {
                throw new IOException(e);
            }
        }

        String sha256() {
            return io.elastisnap.elasticenter.TlsTrust.sha256Fingerprint(certificate);
        }
    }

    private TestCertificates() {
    }

    private static final GeneralName[] LOOPBACK = {
        new GeneralName(GeneralName.iPAddress, "127.0.0.1"), new GeneralName(GeneralName.dNSName, "localhost")};

    /** Self-signed, valid now, for 127.0.0.1 and localhost. */
    static Identity valid() {
        return create("CN=127.0.0.1", Instant.now().minus(Duration.ofDays(1)), Instant.now().plus(Duration.ofDays(30)),
                null, LOOPBACK);
    }

    /** Self-signed for 127.0.0.1, expired yesterday. */
    static Identity expired() {
        return create("CN=127.0.0.1", Instant.now().minus(Duration.ofDays(60)), Instant.now().minus(Duration.ofDays(1)),
                null, LOOPBACK);
    }

    /** Self-signed, valid now, for another host only. */
    static Identity wrongHost() {
        return create("CN=elasticenter.other.invalid", Instant.now().minus(Duration.ofDays(1)),
                Instant.now().plus(Duration.ofDays(30)), null, new GeneralName(GeneralName.dNSName, "elasticenter.other.invalid"));
    }

    /** A certificate authority (its own certificate is the trust anchor a ca: file names). */
    static Identity authority() {
        return create("CN=Chaos Test CA", Instant.now().minus(Duration.ofDays(1)), Instant.now().plus(Duration.ofDays(365)),
                null);
    }

    /** Issued by {@code ca} for 127.0.0.1, expired yesterday. */
    static Identity expiredIssuedBy(Identity ca) {
        return create("CN=127.0.0.1", Instant.now().minus(Duration.ofDays(60)), Instant.now().minus(Duration.ofDays(1)),
                ca, LOOPBACK);
    }

    /** Issued by {@code ca}, valid now, for another host only. */
    static Identity wrongHostIssuedBy(Identity ca) {
        return create("CN=elasticenter.other.invalid", Instant.now().minus(Duration.ofDays(1)),
                Instant.now().plus(Duration.ofDays(30)), ca, new GeneralName(GeneralName.dNSName, "elasticenter.other.invalid"));
    }

    /** Issued by {@code ca}, valid now, for 127.0.0.1. */
    static Identity validIssuedBy(Identity ca) {
        return create("CN=127.0.0.1", Instant.now().minus(Duration.ofDays(1)), Instant.now().plus(Duration.ofDays(30)),
                ca, LOOPBACK);
    }

    private static Identity create(String subject, Instant notBefore, Instant notAfter, Identity ca, GeneralName... names) {
        try {
            KeyPairGenerator generator = KeyPairGenerator.getInstance("EC");
            generator.initialize(new ECGenParameterSpec("secp256r1"));
            KeyPair keys = generator.generateKeyPair();
            X500Name name = new X500Name(subject);
            X500Name issuerName = ca == null ? name : new X500Name(ca.certificate.getSubjectX500Principal().getName());
            JcaX509v3CertificateBuilder builder = new JcaX509v3CertificateBuilder(issuerName,
                    new BigInteger(64, new SecureRandom()), Date.from(notBefore), Date.from(notAfter), name, keys.getPublic());
            if (names.length > 0) {
                builder.addExtension(Extension.subjectAlternativeName, false, new GeneralNames(names));
            }
            // self-signed ones are CA certificates too, so their own file works as trust anchor ("ca:" trust)
            builder.addExtension(Extension.basicConstraints, true, new BasicConstraints(ca == null));
            X509Certificate certificate = new JcaX509CertificateConverter().getCertificate(builder.build(
                    new JcaContentSignerBuilder("SHA256withECDSA").build((ca == null ? keys : ca.keys).getPrivate())));
            return new Identity(keys, certificate, ca == null ? null : ca.certificate);
        } catch (GeneralSecurityException | org.bouncycastle.operator.OperatorCreationException
                | org.bouncycastle.cert.CertIOException e) {
            throw new IllegalStateException("cannot create a test certificate", e);
        }
    }
}
