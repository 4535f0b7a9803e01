// Licensed under the Apache License, Version 2.0. See LICENSE in the project root.
package io.elastisnap.cli.config;

import io.elastisnap.engine.ConsistencyPolicy;
import io.elastisnap.engine.FreezeLimits;
import io.elastisnap.engine.FreezeLimits.Setting;
import java.time.Duration;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** One domain's section of the config file: its disk to ElastiStor volume map and its overrides. */
public final class DomainConfig {
    private final String name;
    private final Map<String, String> volumeIdByDisk = new LinkedHashMap<>();
    private FreezeLimits limits = FreezeLimits.defaults();
    private ConsistencyPolicy policy;
    private List<String> mountPoints;

    DomainConfig(String name) {
        this.name = name;
    }

    public String name() {
        return name;
    }

    /** Disk target (vda, sdb, ...) to ElastiStor volume id, in config order. */
    public Map<String, String> volumeIdByDisk() {
        return Collections.unmodifiableMap(volumeIdByDisk);
    }

    /** Null when the domain uses the global policy. */
    public ConsistencyPolicy policy() {
        return policy;
    }

    /** Null when the domain uses the global mount points. */
    public List<String> mountPoints() {
        return mountPoints;
    }

    /** The limits this domain's lines give (the others come from the global lines, then the engine's defaults). */
    public FreezeLimits limits() {
        return limits;
    }

    void putDisk(String disk, String volumeId) {
        volumeIdByDisk.put(disk, volumeId);
    }

    void policy(ConsistencyPolicy value) {
        policy = value;
    }

    void mountPoints(List<String> value) {
        mountPoints = value;
    }

    void limit(Setting limit, Duration value) {
        limits = limits.toBuilder().set(limit, value).build();
    }
}
