// Licensed under the Apache License, Version 2.0. See LICENSE in the project root.
package io.elastisnap.elasticenter;

import java.util.LinkedHashMap;
import java.util.Map;

/** Parameters of updateFileSystem (resize and properties); at least one must be set. */
public final class UpdateFileSystemRequest extends ChangeRequest {
    private UpdateFileSystemRequest(Map<String, String> parameters) {
        super("updateFileSystem", parameters);
    }

    public static Builder builder() {
        return new Builder();
    }

    /** Builder of {@link UpdateFileSystemRequest}. */
    public static final class Builder {
        private final Map<String, String> parameters = new LinkedHashMap<>();

        private Builder() {
        }

        /** The new size, sent as whole GiB (rounded up) or whole TiB. */
        public Builder sizeBytes(long bytes) {
            parameters.put("quotasize", StorageSize.toQuotaSize(Arguments.requirePositive("sizeBytes", bytes)));
            return this;
        }

        public Builder compression(String value) {
            parameters.put("compression", Arguments.requireText("compression", value));
            return this;
        }

        public Builder deduplication(String value) {
            parameters.put("deduplication", Arguments.requireText("deduplication", value));
            return this;
        }

        public Builder sync(String value) {
            parameters.put("sync", Arguments.requireText("sync", value));
            return this;
        }

        public Builder readOnly(boolean value) {
            parameters.put("readonly", Boolean.toString(value));
            return this;
        }

        public Builder copies(int value) {
            parameters.put("noofcopies", Long.toString(Arguments.requirePositive("copies", value)));
            return this;
        }

        public UpdateFileSystemRequest build() {
            return new UpdateFileSystemRequest(parameters);
        }
    }
}
