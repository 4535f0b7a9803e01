// Licensed under the Apache License, Version 2.0. See LICENSE in the project root.
package io.elastisnap.transfer;

import java.util.Objects;

import io.elastisnap.elasticenter.Secret;

/**
 * The CHAP user and secret an initiator logs in to an iSCSI target with (one-way CHAP, as ElastiStor's auth groups
 * use it). The secret is a {@link Secret}; {@link #toString()} never shows it, and qemu-img gets it on its standard
 * input, never on its command line or in a file.
 */
public final class ChapLogin {
    private final String user;
    private final Secret secret;

    public ChapLogin(String user, Secret secret) {
        if (user == null || user.isBlank() || user.contains(",") || user.contains("\"")) {
            throw new IllegalArgumentException("CHAP user '" + user + "' is empty or contains a comma or a quote");
        }
        this.user = user;
        this.secret = Objects.requireNonNull(secret, "CHAP secret");
    }

    public String user() {
        return user;
    }

    public Secret secret() {
        return secret;
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof ChapLogin && user.equals(((ChapLogin) o).user) && secret.equals(((ChapLogin) o).secret);
    }

    @Override
    public int hashCode() {
        return user.hashCode();
    }

    @Override
    public String toString() {
        return "CHAP user " + user + " (secret " + Secret.mask() + ")";
    }
}
