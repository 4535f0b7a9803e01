// Licensed under the Apache License, Version 2.0. See LICENSE in the project root.
package io.elastisnap.elasticenter;

import java.util.Optional;
import java.util.OptionalLong;

/**
 * A QoS group ({@code addQosGroup}, {@code updateQosGroup}). The server appends {@code <account><tsm>} to the
 * requested name; a volume's {@code groupid} is its QoS group id.
 */
public final class QosGroup {
    private final String id;
    private final Optional<String> name;
    private final Optional<String> tsmId;
    private final OptionalLong iops;
    private final OptionalLong latency;
    private final OptionalLong throughput;
    private final Optional<Boolean> graceAllowed;
    private final ApiRecord record;

    private QosGroup(ApiRecord r) {
        this.id = r.requireString("id");
        this.name = r.string("name");
        this.tsmId = r.string("tsmid");
        this.iops = r.integer("iops");
        this.latency = r.integer("latency");
        this.throughput = r.integer("throughput");
        this.graceAllowed = r.bool("graceallowed");
        this.record = r;
    }

    public static QosGroup from(ApiRecord record) {
        return new QosGroup(record);
    }

    public String id() {
        return id;
    }

    /** The decorated name as stored by the server. */
    public Optional<String> name() {
        return name;
    }

    public Optional<String> tsmId() {
        return tsmId;
    }

    public OptionalLong iops() {
        return iops;
    }

    public OptionalLong latency() {
        return latency;
    }

    public OptionalLong throughput() {
        return throughput;
    }

    public Optional<Boolean> graceAllowed() {
        return graceAllowed;
    }

    public ApiRecord record() {
        return record;
    }

    @Override
    public String toString() {
        return "QosGroup[" + name.orElse("?") + " " + id + (iops.isPresent() ? ", iops " + iops.getAsLong() : "")
                + "]";
    }
}
