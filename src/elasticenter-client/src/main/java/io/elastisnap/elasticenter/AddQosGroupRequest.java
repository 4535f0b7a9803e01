// Licensed under the Apache License, Version 2.0. See LICENSE in the project root.
package io.elastisnap.elasticenter;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Parameters of addQosGroup. Unset options take the values CloudStack's and Cinder's drivers send: latency 15,
 * throughput 0, no grace, IOPS control on, throughput control off, memlimit and networkspeed 0.
 */
public final class AddQosGroupRequest {
    private final Map<String, String> parameters;

    private AddQosGroupRequest(Builder b) {
        Map<String, String> p = new LinkedHashMap<>();
        p.put("name", b.name);
        p.put("tsmid", b.tsmId);
        if (b.datasetId != null) {
            p.put("datasetid", b.datasetId);
        }
        p.put("iops", Long.toString(b.iops));
        p.put("latency", Long.toString(b.latency));
        p.put("throughput", Long.toString(b.throughput));
        p.put("graceallowed", Boolean.toString(b.graceAllowed));
        p.put("iopscontrol", Boolean.toString(b.iopsControl));
        p.put("tpcontrol", Boolean.toString(b.throughputControl));
        p.put("memlimit", "0");
        p.put("networkspeed", "0");
        if (b.blockSize != null) {
            p.put("blocksize", b.blockSize);
        }
        this.parameters = Collections.unmodifiableMap(p);
    }

    /**
     * A QoS group named {@code name} (the server appends {@code <account><tsm>}) in TSM {@code tsmId} with
     * {@code iops} IOPS.
     */
    public static Builder builder(String name, String tsmId, long iops) {
        return new Builder(name, tsmId, iops);
    }

    /** The wire parameters in sending order. */
    Map<String, String> parameters() {
        return parameters;
    }

    public String name() {
        return parameters.get("name");
    }

    public String tsmId() {
        return parameters.get("tsmid");
    }

    @Override
    public String toString() {
        return "AddQosGroupRequest" + parameters;
    }

    /** Builder of {@link AddQosGroupRequest}. */
    public static final class Builder {
        private final String name;
        private final String tsmId;
        private final long iops;
        private String datasetId;
        private long latency = 15;
        private long throughput;
        private boolean graceAllowed;
        private boolean iopsControl = true;
        private boolean throughputControl;
        private String blockSize;

        private Builder(String name, String tsmId, long iops) {
            this.name = Arguments.requireText("name", name);
            this.tsmId = Arguments.requireText("tsmId", tsmId);
            this.iops = Arguments.requirePositive("iops", iops);
        }

        /** The TSM's dataset id (CloudStack sends it; {@link Tsm#datasetId()}). */
        public Builder datasetId(String value) {
            this.datasetId = Arguments.requireText("datasetId", value);
            return this;
        }

        public Builder latency(long value) {
            this.latency = Arguments.requirePositive("latency", value);
            return this;
        }

        public Builder throughput(long value) {
            this.throughput = Arguments.requireNotNegative("throughput", value);
            return this;
        }

        public Builder graceAllowed(boolean value) {
            this.graceAllowed = value;
            return this;
        }

        public Builder iopsControl(boolean value) {
            this.iopsControl = value;
            return this;
        }

        public Builder throughputControl(boolean value) {
            this.throughputControl = value;
            return this;
        }

        /** E.g. {@code 4k}. */
        public Builder blockSize(String value) {
            this.blockSize = Arguments.requireText("blockSize", value);
            return this;
        }

        public AddQosGroupRequest build() {
            return new AddQosGroupRequest(this);
        }
    }
}
