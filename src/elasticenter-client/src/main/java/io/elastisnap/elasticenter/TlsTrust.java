// Licensed under the Apache License, Version 2.0. See LICENSE in the project root.
package io.elastisnap.elasticenter;

import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.cert.CertificateEncodingException;
import java.security.cert.X509Certificate;
import java.util.Locale;
import java.util.Objects;
import java.util.Optional;
import java.util.regex.Pattern;

/**
 * How the client decides to trust the ElastiCenter certificate. Verification is on unless {@link #insecure()} is
 * chosen explicitly.
 * <ul>
 *   <li>{@link #systemDefault()}: the JVM's trust store plus host name verification.</li>
 *   <li>{@link #caFile(Path)}: only the certificates in a PEM/DER file or a PKCS12/JKS trust store, plus host name
 *       verification.</li>
 *   <li>{@link #pinnedSha256(String)}: exactly the server (leaf) certificate with this SHA-256 fingerprint. The pin
 *       identifies the certificate, so host name and expiry are not checked; this fits the appliance's self-signed
 *       certificate.</li>
 *   <li>{@link #insecure()}: any certificate; every new connection logs a warning with the fingerprint to pin.</li>
 * </ul>
 */
public final class TlsTrust {

    /** The trust decision in use. */
    public enum Mode { SYSTEM_DEFAULT, CA_FILE, PINNED_SHA256, INSECURE }

    private static final int SHA256_HEX_LENGTH = 64;
    private static final Pattern HEX_SHA256 = Pattern.compile("[0-9a-f]{64}");
    private static final String SYSTEM_SPEC = "system";
    private static final String INSECURE_SPEC = "insecure";
    private static final String CA_PREFIX = "ca:";
    private static final String SHA256_PREFIX = "sha256:";
    private static final String FORMS = "use system, ca:<file>, sha256:<fingerprint> or insecure";

    private final Mode mode;
    private final Path caFile;
    private final Secret trustStorePassword;
    private final String pin;

    private TlsTrust(Mode mode, Path caFile, Secret trustStorePassword, String pin) {
        this.mode = mode;
        this.caFile = caFile;
        this.trustStorePassword = trustStorePassword;
        this.pin = pin;
    }

    public static TlsTrust systemDefault() {
        return new TlsTrust(Mode.SYSTEM_DEFAULT, null, null, null);
    }

    /** Trusts the CA or self-signed certificates in {@code file}: PEM/DER, or a PKCS12/JKS store without password. */
    public static TlsTrust caFile(Path file) {
        return new TlsTrust(Mode.CA_FILE, Objects.requireNonNull(file, "CA file"), null, null);
    }

    /** Trusts the certificates of a password-protected PKCS12/JKS trust store. */
    public static TlsTrust caFile(Path file, Secret trustStorePassword) {
        return new TlsTrust(Mode.CA_FILE, Objects.requireNonNull(file, "CA file"),
                Objects.requireNonNull(trustStorePassword, "trust store password"), null);
    }

    /**
     * Trusts only the server certificate with this SHA-256 fingerprint: 64 hex digits, any case, with or without
     * ':' (or space) separators, e.g. as printed by {@code openssl x509 -noout -fingerprint -sha256}.
     */
    public static TlsTrust pinnedSha256(String fingerprint) {
        return new TlsTrust(Mode.PINNED_SHA256, null, null, normalizeFingerprint(fingerprint));
    }

    /** Accepts any certificate; for lab use only, loudly logged on every new connection. */
    public static TlsTrust insecure() {
        return new TlsTrust(Mode.INSECURE, null, null, null);
    }

    /**
     * The one parser of the one-line form that configuration files, pool details and command lines use:
     * {@code system}, {@code insecure}, {@code ca:<path>} or {@code sha256:<fingerprint>} (keywords in any case,
     * surrounding blanks ignored). {@link #spec()} writes it back.
     *
     * @throws IllegalArgumentException naming the problem and the accepted forms
     */
    public static TlsTrust fromSpec(String spec) {
        String trimmed = spec == null ? "" : spec.trim();
        String lower = trimmed.toLowerCase(Locale.ROOT);
        if (lower.equals(SYSTEM_SPEC)) {
            return systemDefault();
        }
        if (lower.equals(INSECURE_SPEC)) {
            return insecure();
        }
        if (lower.startsWith(CA_PREFIX)) {
            String path = trimmed.substring(CA_PREFIX.length()).trim();
            if (path.isEmpty()) {
                throw new IllegalArgumentException("TLS trust 'ca:' names no file: write ca:<path of the PEM/DER file or"
                        + " PKCS12/JKS trust store>, e.g. ca:/etc/elastisnap/elasticenter.pem");
            }
            return caFile(Path.of(path));
        }
        if (lower.startsWith(SHA256_PREFIX)) {
            return pinnedSha256(trimmed.substring(SHA256_PREFIX.length()));
        }
        if (trimmed.isEmpty()) {
            throw new IllegalArgumentException("the TLS trust setting is empty: " + FORMS);
        }
        throw new IllegalArgumentException("unknown TLS trust setting '" + trimmed + "': " + FORMS);
    }

    /** The one-line form {@link #fromSpec} reads: {@code system}, {@code insecure}, {@code ca:<path>} or {@code sha256:<hex>}. */
    public String spec() {
        switch (mode) {
            case CA_FILE:
                // A trust-store password is configured apart from the spec, never written into it.
                return CA_PREFIX + caFile;
            case PINNED_SHA256:
                return SHA256_PREFIX + pin;
            case INSECURE:
                return INSECURE_SPEC;
            default:
                return SYSTEM_SPEC;
        }
    }

    public Mode mode() {
        return mode;
    }

    /** The CA file of {@link Mode#CA_FILE}. */
    public Optional<Path> caFilePath() {
        return Optional.ofNullable(caFile);
    }

    Optional<Secret> trustStorePassword() {
        return Optional.ofNullable(trustStorePassword);
    }

    /** The pinned fingerprint of {@link Mode#PINNED_SHA256}: 64 lower-case hex digits. */
    public Optional<String> pinnedFingerprint() {
        return Optional.ofNullable(pin);
    }

    /** SHA-256 of the certificate's DER encoding, 64 lower-case hex digits (the form {@link #pinnedSha256} takes). */
    public static String sha256Fingerprint(X509Certificate certificate) {
        try {
            byte[] digest = MessageDigest.getInstance("SHA-256").digest(certificate.getEncoded());
            StringBuilder hex = new StringBuilder(SHA256_HEX_LENGTH);
            for (byte b : digest) {
                hex.append(Character.forDigit((b >> 4) & 0xf, 16)).append(Character.forDigit(b & 0xf, 16));
            }
            return hex.toString();
        } catch (NoSuchAlgorithmException | CertificateEncodingException e) {
            throw new IllegalStateException("cannot fingerprint certificate "
                    + certificate.getSubjectX500Principal(), e);
        }
    }

    private static String normalizeFingerprint(String fingerprint) {
        Objects.requireNonNull(fingerprint, "fingerprint");
        String hex = fingerprint.trim().replace(":", "").replace(" ", "").toLowerCase(Locale.ROOT);
        if (!HEX_SHA256.matcher(hex).matches()) {
            throw new IllegalArgumentException("a SHA-256 fingerprint has 64 hex digits (colons optional), got '"
                    + fingerprint + "'");
        }
        return hex;
    }

    @Override
    public String toString() {
        switch (mode) {
            case CA_FILE:
                return "TlsTrust[CA_FILE " + caFile + "]";
            case PINNED_SHA256:
                return "TlsTrust[PINNED_SHA256 " + pin + "]";
            default:
                return "TlsTrust[" + mode + "]";
        }
    }
}
