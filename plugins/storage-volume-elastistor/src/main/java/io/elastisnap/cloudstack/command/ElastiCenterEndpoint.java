// Licensed under the Apache License, Version 2.0. See LICENSE in the project root.
package io.elastisnap.cloudstack.command;

import java.util.Locale;
import java.util.Objects;

/**
 * Where and how to reach an ElastiCenter: base URL and TLS trust. The API key is deliberately not part of this value
 * (it travels in its own log-excluded command field and is never printed).
 */
public final class ElastiCenterEndpoint {
    /** TLS trust modes; {@code value} holds the CA file path or the pinned SHA-256 fingerprint. */
    public enum TlsMode { SYSTEM, CA_FILE, PINNED_SHA256, INSECURE }

    private String url;
    private TlsMode tlsMode;
    private String tlsValue;

    /** For Gson. */
    ElastiCenterEndpoint() {
    }

    public ElastiCenterEndpoint(String url, TlsMode tlsMode, String tlsValue) {
        this.url = VolumeSnapshotSpec.requireText(url, "ElastiCenter URL");
        this.tlsMode = Objects.requireNonNull(tlsMode, "TLS mode");
        boolean needsValue = tlsMode == TlsMode.CA_FILE || tlsMode == TlsMode.PINNED_SHA256;
        if (needsValue) {
            VolumeSnapshotSpec.requireText(tlsValue, "TLS " + tlsMode.name().toLowerCase(Locale.ROOT).replace('_', ' ') + " value");
        }
        this.tlsValue = needsValue ? tlsValue : null;
    }

    /**
     * Parses the pool-detail form, the client's one-line TLS spec: {@code system}, {@code insecure},
     * {@code ca:/path/ca.pem} or {@code sha256:<fingerprint>} ({@code pin:<fingerprint>} is accepted too).
     */
    public static ElastiCenterEndpoint parse(String url, String tls) {
        String spec = tls == null || tls.trim().isEmpty() ? "system" : tls.trim();
        String lower = spec.toLowerCase(Locale.ROOT);
        if (lower.equals("system")) {
            return new ElastiCenterEndpoint(url, TlsMode.SYSTEM, null);
        }
        if (lower.equals("insecure")) {
            return new ElastiCenterEndpoint(url, TlsMode.INSECURE, null);
        }
        if (lower.startsWith("ca:")) {
            return new ElastiCenterEndpoint(url, TlsMode.CA_FILE, spec.substring(3));
        }
        if (lower.startsWith("sha256:")) {
            return new ElastiCenterEndpoint(url, TlsMode.PINNED_SHA256, spec.substring(7));
        }
        if (lower.startsWith("pin:")) {
            return new ElastiCenterEndpoint(url, TlsMode.PINNED_SHA256, spec.substring(4));
        }
        throw new IllegalArgumentException("Unknown TLS trust '" + spec + "': use system, insecure, ca:<file> or sha256:<fingerprint>");
    }

    public String getUrl() {
        return url;
    }

    public TlsMode getTlsMode() {
        return tlsMode;
    }

    public String getTlsValue() {
        return tlsValue;
    }

    /** The pool-detail form accepted by {@link #parse}. */
    public String tlsSpec() {
        switch (tlsMode) {
            case CA_FILE: return "ca:" + tlsValue;
            case PINNED_SHA256: return "sha256:" + tlsValue;
            case INSECURE: return "insecure";
            default: return "system";
        }
    }

    @Override
    public boolean equals(Object o) {
        if (!(o instanceof ElastiCenterEndpoint)) {
            return false;
        }
        ElastiCenterEndpoint other = (ElastiCenterEndpoint) o;
        return url.equals(other.url) && tlsMode == other.tlsMode && Objects.equals(tlsValue, other.tlsValue);
    }

    @Override
    public int hashCode() {
        return Objects.hash(url, tlsMode, tlsValue);
    }

    @Override
    public String toString() {
        return url + " (tls " + tlsSpec() + ")";
    }
}
