// Licensed under the Apache License, Version 2.0. See LICENSE in the project root.
package io.elastisnap.elasticenter;

import java.util.Optional;

/**
 * The CHAP user of an auth group ({@code listiSCSIAuthUser}). The appliance answers the secrets in clear; here they
 * are {@link Secret}s from the moment they are read, and the raw record is not exposed, so nothing that prints this
 * object or its fields can show them.
 */
public final class IscsiAuthUser {
    private final String id;
    private final Optional<String> accountId;
    private final Optional<String> authGroupId;
    private final String chapUser;
    private final Secret chapSecret;
    private final Optional<String> mutualChapUser;
    private final Optional<Secret> mutualChapSecret;

    private IscsiAuthUser(ApiRecord r) {
        this.id = r.requireString("id");
        this.accountId = r.string("accountid");
        this.authGroupId = r.string("authgroupid");
        this.chapUser = r.requireString("chapusername");
        this.chapSecret = Secret.of(r.requireString("chappassword"));
        this.mutualChapUser = r.string("mutualchapusername").filter(u -> !u.isEmpty());
        this.mutualChapSecret = r.string("mutualchappassword").filter(s -> !s.isEmpty()).map(Secret::of);
    }

    public static IscsiAuthUser from(ApiRecord record) {
        return new IscsiAuthUser(record);
    }

    public String id() {
        return id;
    }

    public Optional<String> accountId() {
        return accountId;
    }

    public Optional<String> authGroupId() {
        return authGroupId;
    }

    /** The CHAP user name an initiator logs in with. */
    public String chapUser() {
        return chapUser;
    }

    public Secret chapSecret() {
        return chapSecret;
    }

    public Optional<String> mutualChapUser() {
        return mutualChapUser;
    }

    public Optional<Secret> mutualChapSecret() {
        return mutualChapSecret;
    }

    @Override
    public String toString() {
        return "IscsiAuthUser[" + chapUser + ", secret " + Secret.mask() + authGroupId.map(g -> ", group " + g)
                .orElse("") + "]";
    }
}
