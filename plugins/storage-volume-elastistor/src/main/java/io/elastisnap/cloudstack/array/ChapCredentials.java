// Licensed under the Apache License, Version 2.0. See LICENSE in the project root.
package io.elastisnap.cloudstack.array;

import java.util.Objects;

import io.elastisnap.elasticenter.Secret;

/**
 * A pool's CHAP: the ElastiStor auth group its volumes' iSCSI services name, and that group's user and secret, which a
 * host logs in with. The secret is a {@link Secret}: {@link #toString()} never shows it.
 */
public final class ChapCredentials {
    private final String authGroupId;
    private final String user;
    private final Secret secret;

    public ChapCredentials(String authGroupId, String user, Secret secret) {
        this.authGroupId = Objects.requireNonNull(authGroupId, "authGroupId");
        this.user = Objects.requireNonNull(user, "user");
        this.secret = Objects.requireNonNull(secret, "secret");
    }

    /** The id updateVolumeiSCSIService takes as {@code authgroupid}. */
    public String authGroupId() {
        return authGroupId;
    }

    public String user() {
        return user;
    }

    public Secret secret() {
        return secret;
    }

    @Override
    public String toString() {
        return "ChapCredentials[auth group " + authGroupId + ", user " + user + ", secret " + Secret.mask() + "]";
    }
}
