// Licensed under the Apache License, Version 2.0. See LICENSE in the project root.
package io.elastisnap.simulator;

import org.bouncycastle.asn1.pkcs.PrivateKeyInfo;
import org.bouncycastle.asn1.x500.X500Name;
import org.bouncycastle.asn1.x509.BasicConstraints;
import org.bouncycastle.asn1.x509.ExtendedKeyUsage;
import org.bouncycastle.asn1.x509.Extension;
import org.bouncycastle.asn1.x509.GeneralName;
import org.bouncycastle.asn1.x509.GeneralNames;
import org.bouncycastle.asn1.x509.KeyPurposeId;
import org.bouncycastle.asn1.x509.KeyUsage;
import org.bouncycastle.cert.X509CertificateHolder;
import org.bouncycastle.cert.jcajce.JcaX509CertificateConverter;
import org.bouncycastle.cert.jcajce.JcaX509v3CertificateBuilder;
import org.bouncycastle.openssl.PEMParser;
import org.bouncycastle.openssl.jcajce.JcaPEMKeyConverter;
import org.bouncycastle.openssl.jcajce.JcaPEMWriter;
import org.bouncycastle.openssl.jcajce.JcaPKCS8Generator;
import org.bouncycastle.operator.OperatorCreationException;
import org.bouncycastle.operator.jcajce.JcaContentSignerBuilder;

import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SSLContext;
import java.io.IOException;
import java.io.StringWriter;
import java.io.Writer;
import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.GeneralSecurityException;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.KeyStore;
import java.security.MessageDigest;
import java.security.PrivateKey;
import java.security.SecureRandom;
import java.security.cert.X509Certificate;
import java.security.spec.ECGenParameterSpec;
import java.time.Duration;
import java.time.Instant;
import java.util.Date;

/**
 * The self-signed certificate the simulator serves, like the appliance's own. An EC P-256 key keeps start-up fast.
 * In data-directory mode the key and certificate are kept in {@code tls/} so a restart keeps the fingerprint.
 */
final class ServerCertificate {
    private static final Duration VALIDITY = Duration.ofDays(825);

    private final PrivateKey privateKey;
    private final X509Certificate certificate;

    private ServerCertificate(PrivateKey privateKey, X509Certificate certificate) {
        this.privateKey = privateKey;
        this.certificate = certificate;
    }

    /** Reuses {@code dir/server-key.pem} + {@code dir/server-cert.pem} when present, else generates and stores. */
    static ServerCertificate loadOrGenerate(Path dir) throws IOException, GeneralSecurityException {
        if (dir == null) {
            return generate();
        }
        Path keyFile = dir.resolve("server-key.pem");
        Path certFile = dir.resolve("server-cert.pem");
        if (Files.exists(keyFile) && Files.exists(certFile)) {
            ServerCertificate loaded = load(keyFile, certFile);
            if (loaded.certificate.getNotAfter().toInstant().isAfter(Instant.now().plus(Duration.ofDays(1)))) {
                return loaded;
            }
        }
        ServerCertificate generated = generate();
        Files.createDirectories(dir);
        Path partialKey = dir.resolve("server-key.pem.partial");
        Files.deleteIfExists(partialKey);
        Files.createFile(partialKey, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
        Files.writeString(partialKey, pem(new JcaPKCS8Generator(generated.privateKey, null)), StandardCharsets.US_ASCII);
        Files.move(partialKey, keyFile, StandardCopyOption.REPLACE_EXISTING);
        generated.writePem(certFile);
        return generated;
    }

    static ServerCertificate generate() throws GeneralSecurityException {
        KeyPairGenerator generator = KeyPairGenerator.getInstance("EC");
        generator.initialize(new ECGenParameterSpec("secp256r1"));
        KeyPair keys = generator.generateKeyPair();
        X500Name subject = new X500Name("CN=ElastiCenter Simulator,O=ElastiSnap");
        Instant now = Instant.now();
        BigInteger serial = new BigInteger(63, new SecureRandom()).add(BigInteger.ONE);
        try {
            JcaX509v3CertificateBuilder builder = new JcaX509v3CertificateBuilder(subject, serial,
                    Date.from(now.minus(Duration.ofDays(1))), Date.from(now.plus(VALIDITY)), subject, keys.getPublic());
            builder.addExtension(Extension.subjectAlternativeName, false, new GeneralNames(new GeneralName[]{
                    new GeneralName(GeneralName.iPAddress, "127.0.0.1"),
                    new GeneralName(GeneralName.dNSName, "localhost")}));
            // Self-signed like the appliance's: it is its own trust anchor for CA-file trust.
            builder.addExtension(Extension.basicConstraints, true, new BasicConstraints(true));
            builder.addExtension(Extension.keyUsage, true,
                    new KeyUsage(KeyUsage.digitalSignature | KeyUsage.keyCertSign));
            builder.addExtension(Extension.extendedKeyUsage, false, new ExtendedKeyUsage(KeyPurposeId.id_kp_serverAuth));
            X509CertificateHolder holder = builder.build(
                    new JcaContentSignerBuilder("SHA256withECDSA").build(keys.getPrivate()));
            return new ServerCertificate(keys.getPrivate(), new JcaX509CertificateConverter().getCertificate(holder));
        } catch (OperatorCreationException | IOException e) {
            throw new GeneralSecurityException("cannot build the simulator certificate", e);
        }
    }

    private static ServerCertificate load(Path keyFile, Path certFile) throws IOException, GeneralSecurityException {
        PrivateKey key;
        try (PEMParser parser = new PEMParser(Files.newBufferedReader(keyFile, StandardCharsets.US_ASCII))) {
            key = new JcaPEMKeyConverter().getPrivateKey((PrivateKeyInfo) parser.readObject());
        }
        try (PEMParser parser = new PEMParser(Files.newBufferedReader(certFile, StandardCharsets.US_ASCII))) {
            X509CertificateHolder holder = (X509CertificateHolder) parser.readObject();
            return new ServerCertificate(key, new JcaX509CertificateConverter().getCertificate(holder));
        }
    }

    X509Certificate certificate() {
        return certificate;
    }

    /** SHA-256 of the DER certificate, lower-case hex without colons. */
    String sha256() {
        try {
            byte[] digest = MessageDigest.getInstance("SHA-256").digest(certificate.getEncoded());
            StringBuilder hex = new StringBuilder(digest.length * 2);
            for (byte b : digest) {
                hex.append(Character.forDigit((b >> 4) & 0xf, 16)).append(Character.forDigit(b & 0xf, 16));
            }
            return hex.toString();
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("SHA-256 unavailable", e);
        }
    }

    void writePem(Path file) throws IOException {
        Files.writeString(file, pem(certificate), StandardCharsets.US_ASCII);
    }

    SSLContext sslContext() throws GeneralSecurityException, IOException {
        char[] password = new char[0]; // in-memory store only
        KeyStore store = KeyStore.getInstance("PKCS12");
        store.load(null, null);
        store.setKeyEntry("server", privateKey, password, new X509Certificate[]{certificate});
        KeyManagerFactory keyManagers = KeyManagerFactory.getInstance(KeyManagerFactory.getDefaultAlgorithm());
        keyManagers.init(store, password);
        SSLContext context = SSLContext.getInstance("TLS");
        context.init(keyManagers.getKeyManagers(), null, new SecureRandom());
        return context;
    }

    private static String pem(Object object) throws IOException {
        Writer text = new StringWriter();
        try (JcaPEMWriter writer = new JcaPEMWriter(text)) {
            writer.writeObject(object);
        }
        return text.toString();
    }
}
