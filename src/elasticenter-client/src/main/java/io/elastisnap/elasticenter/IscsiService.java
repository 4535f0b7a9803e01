// Licensed under the Apache License, Version 2.0. See LICENSE in the project root.
package io.elastisnap.elasticenter;

import java.util.Optional;
import java.util.OptionalLong;

/** A volume's iSCSI service ({@code listVolumeiSCSIService} / {@code updateVolumeiSCSIService viscsioptions}). */
public final class IscsiService {
    private final String id;
    private final Optional<String> volumeId;
    private final Optional<String> initiatorGroupId;
    private final Optional<String> authGroupId;
    private final Optional<String> authMethod;
    private final Optional<String> iqn;
    private final Optional<Boolean> enabled;
    private final OptionalLong queueDepth;
    private final ApiRecord record;

    private IscsiService(ApiRecord r) {
        this.id = r.requireString("id");
        this.volumeId = r.string("volume_id");
        this.initiatorGroupId = r.string("ig_id");
        this.authGroupId = r.string("ag_id");
        this.authMethod = r.string("authmethod");
        this.iqn = r.string("iqnname");
        this.enabled = r.bool("status");
        this.queueDepth = r.integer("queuedepth");
        this.record = r;
    }

    public static IscsiService from(ApiRecord record) {
        return new IscsiService(record);
    }

    /** The service id that updateVolumeiSCSIService takes. */
    public String id() {
        return id;
    }

    public Optional<String> volumeId() {
        return volumeId;
    }

    public Optional<String> initiatorGroupId() {
        return initiatorGroupId;
    }

    public Optional<String> authGroupId() {
        return authGroupId;
    }

    /** {@code None} or {@code CHAP}. */
    public Optional<String> authMethod() {
        return authMethod;
    }

    public Optional<String> iqn() {
        return iqn;
    }

    public Optional<Boolean> enabled() {
        return enabled;
    }

    public OptionalLong queueDepth() {
        return queueDepth;
    }

    public ApiRecord record() {
        return record;
    }

    @Override
    public String toString() {
        return "IscsiService[" + id + volumeId.map(v -> ", volume " + v).orElse("")
                + initiatorGroupId.map(g -> ", initiator group " + g).orElse("") + "]";
    }
}
