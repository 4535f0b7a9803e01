// Licensed under the Apache License, Version 2.0. See LICENSE in the project root.
package io.elastisnap.elasticenter;

import java.util.Optional;

/**
 * An iSCSI auth group of an account ({@code listiSCSIAuthGroup}, {@code addiSCSIAuthGroup}): the CHAP user a volume's
 * iSCSI service requires when updateVolumeiSCSIService sets {@code authmethod=CHAP&authgroupid=<id>}. Every account
 * has the built-in group {@code None}.
 */
public final class IscsiAuthGroup {
    /** The built-in group that stands for "no CHAP". */
    public static final String NONE = "None";

    private final String id;
    private final Optional<String> name;
    private final Optional<String> comment;
    private final ApiRecord record;

    private IscsiAuthGroup(ApiRecord r) {
        this.id = r.requireString("id");
        this.name = r.string("name");
        this.comment = r.string("comment");
        this.record = r;
    }

    public static IscsiAuthGroup from(ApiRecord record) {
        return new IscsiAuthGroup(record);
    }

    /** The id updateVolumeiSCSIService takes as {@code authgroupid}. */
    public String id() {
        return id;
    }

    public Optional<String> name() {
        return name;
    }

    public Optional<String> comment() {
        return comment;
    }

    public boolean isNamed(String groupName) {
        return name.map(groupName::equals).orElse(false);
    }

    public ApiRecord record() {
        return record;
    }

    @Override
    public String toString() {
        return "IscsiAuthGroup[" + name.orElse("?") + " " + id + "]";
    }
}
