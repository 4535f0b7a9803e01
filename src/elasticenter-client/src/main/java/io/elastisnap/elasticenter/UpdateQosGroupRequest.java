// Licensed under the Apache License, Version 2.0. See LICENSE in the project root.
package io.elastisnap.elasticenter;

import java.util.LinkedHashMap;
import java.util.Map;

/** Parameters of updateQosGroup; at least one must be set. */
public final class UpdateQosGroupRequest extends ChangeRequest {
    private UpdateQosGroupRequest(Map<String, String> parameters) {
        super("updateQosGroup", parameters);
    }

    public static Builder builder() {
        return new Builder();
    }

    /** Builder of {@link UpdateQosGroupRequest}. */
    public static final class Builder {
        private final Map<String, String> parameters = new LinkedHashMap<>();

        private Builder() {
        }

        public Builder iops(long value) {
            parameters.put("iops", Long.toString(Arguments.requirePositive("iops", value)));
            return this;
        }

        public Builder latency(long value) {
            parameters.put("latency", Long.toString(Arguments.requirePositive("latency", value)));
            return this;
        }

        public Builder throughput(long value) {
            parameters.put("throughput", Long.toString(Arguments.requireNotNegative("throughput", value)));
            return this;
        }

        public Builder graceAllowed(boolean value) {
            parameters.put("graceallowed", Boolean.toString(value));
            return this;
        }

        public UpdateQosGroupRequest build() {
            return new UpdateQosGroupRequest(parameters);
        }
    }
}
