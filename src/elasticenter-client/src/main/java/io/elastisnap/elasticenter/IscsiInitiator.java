// Licensed under the Apache License, Version 2.0. See LICENSE in the project root.
package io.elastisnap.elasticenter;

import java.util.Optional;

/**
 * An initiator group of an account ({@code listiSCSIInitiator}). Every account has the built-in groups {@code ALL}
 * and {@code None}; a volume is exported to the group whose id updateVolumeiSCSIService gets.
 */
public final class IscsiInitiator {
    private final String id;
    private final Optional<String> accountId;
    private final Optional<String> name;
    private final Optional<String> netmask;
    private final Optional<String> initiatorGroup;
    private final ApiRecord record;

    private IscsiInitiator(ApiRecord r) {
        this.id = r.requireString("id");
        this.accountId = r.string("accountid");
        this.name = r.string("name");
        this.netmask = r.string("netmask");
        this.initiatorGroup = r.string("initiatorgroup");
        this.record = r;
    }

    public static IscsiInitiator from(ApiRecord record) {
        return new IscsiInitiator(record);
    }

    /** The initiator group id that updateVolumeiSCSIService takes as {@code igid}. */
    public String id() {
        return id;
    }

    public Optional<String> accountId() {
        return accountId;
    }

    public Optional<String> name() {
        return name;
    }

    public Optional<String> netmask() {
        return netmask;
    }

    /** The group's name, e.g. {@code ALL} or {@code None}. */
    public Optional<String> initiatorGroup() {
        return initiatorGroup;
    }

    /** Whether this is the group named {@code groupName} (by {@code initiatorgroup}, else {@code name}). */
    public boolean isGroup(String groupName) {
        return initiatorGroup.or(() -> name).map(groupName::equalsIgnoreCase).orElse(false);
    }

    public ApiRecord record() {
        return record;
    }

    @Override
    public String toString() {
        return "IscsiInitiator[" + initiatorGroup.or(() -> name).orElse("?") + " " + id + "]";
    }
}
