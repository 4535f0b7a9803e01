// Licensed under the Apache License, Version 2.0. See LICENSE in the project root.
package io.elastisnap.cloudstack.command;

import java.util.Objects;

import io.elastisnap.elasticenter.TlsTrust;

/**
 * Where and how to reach an ElastiCenter: base URL and TLS trust, the trust kept in the client's one-line form
 * ({@link TlsTrust#spec()}) so it crosses the wire as plain text. The API key is deliberately not part of this value
 * (it travels in its own log-excluded command field and is never printed).
 */
public final class ElastiCenterEndpoint {
    private String url;
    private String tls;

    /** For Gson. */
    ElastiCenterEndpoint() {
    }

    public ElastiCenterEndpoint(String url, TlsTrust trust) {
        this.url = VolumeSnapshotSpec.requireText(url, "ElastiCenter URL");
        this.tls = Objects.requireNonNull(trust, "TLS trust").spec();
    }

    public String getUrl() {
        return url;
    }

    public TlsTrust trust() {
        return TlsTrust.fromSpec(tls);
    }

    /** The pool-detail form, read back by {@link TlsTrust#fromSpec}. */
    public String tlsSpec() {
        return tls;
    }

    @Override
    public boolean equals(Object o) {
        if (!(o instanceof ElastiCenterEndpoint)) {
            return false;
        }
        ElastiCenterEndpoint other = (ElastiCenterEndpoint) o;
        return url.equals(other.url) && tls.equals(other.tls);
    }

    @Override
    public int hashCode() {
        return Objects.hash(url, tls);
    }

    @Override
    public String toString() {
        return url + " (tls " + tls + ")";
    }
}
