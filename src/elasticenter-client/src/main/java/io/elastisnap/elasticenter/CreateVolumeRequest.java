// Licensed under the Apache License, Version 2.0. See LICENSE in the project root.
package io.elastisnap.elasticenter;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;

/**
 * Parameters of createVolume. The size is sent as {@code quotasize} in whole GiB (rounded up) or whole TiB. Unset
 * options take the values Cinder's driver sends: block length 512B (iSCSI), record size 16k, compression,
 * deduplication off, sync always.
 */
public final class CreateVolumeRequest {
    private final Map<String, String> parameters;

    private CreateVolumeRequest(Builder b) {
        if (b.tsmId == null || b.qosGroupId == null) {
            throw new IllegalArgumentException("createVolume of '" + b.name + "' needs "
                    + (b.tsmId == null ? "the TSM (tsm(...))" : "a QoS group (qosGroupId(...))"));
        }
        Map<String, String> p = new LinkedHashMap<>();
        p.put("name", b.name);
        p.put("tsmid", b.tsmId);
        if (b.datasetId != null) {
            p.put("datasetid", b.datasetId);
        }
        p.put("qosgroupid", b.qosGroupId);
        p.put("quotasize", StorageSize.toQuotaSize(b.sizeBytes));
        p.put("protocoltype", b.protocol.name());
        if (b.protocol == VolumeProtocol.ISCSI) {
            p.put("blocklength", b.blockLength);
        }
        p.put("recordsize", b.recordSize);
        p.put("compression", b.compression);
        p.put("deduplication", b.deduplication);
        p.put("sync", b.sync);
        if (b.mountpoint != null) {
            p.put("mountpoint", b.mountpoint);
        }
        this.parameters = Collections.unmodifiableMap(p);
    }

    /** A volume named {@code name} of at least {@code sizeBytes}. */
    public static Builder builder(String name, long sizeBytes) {
        return new Builder(name, sizeBytes);
    }

    Map<String, String> parameters() {
        return parameters;
    }

    public String name() {
        return parameters.get("name");
    }

    /** The {@code quotasize} sent, e.g. {@code 10G}. */
    public String quotaSize() {
        return parameters.get("quotasize");
    }

    @Override
    public String toString() {
        return "CreateVolumeRequest" + parameters;
    }

    /** Builder of {@link CreateVolumeRequest}; the TSM and the QoS group are required. */
    public static final class Builder {
        private final String name;
        private final long sizeBytes;
        private String tsmId;
        private String datasetId;
        private String qosGroupId;
        private VolumeProtocol protocol = VolumeProtocol.ISCSI;
        private String blockLength = "512B";
        private String recordSize = "16k";
        private String compression = "off";
        private String deduplication = "off";
        private String sync = "always";
        private String mountpoint;

        private Builder(String name, long sizeBytes) {
            this.name = Arguments.requireText("name", name);
            this.sizeBytes = Arguments.requirePositive("sizeBytes", sizeBytes);
        }

        /** The TSM and its dataset ({@link Tsm#id()}, {@link Tsm#datasetId()}). */
        public Builder tsm(String tsmIdValue, String datasetIdValue) {
            this.tsmId = Arguments.requireText("tsmId", tsmIdValue);
            this.datasetId = Arguments.requireText("datasetId", datasetIdValue);
            return this;
        }

        /** The TSM, taking its dataset id when the listing had one. */
        public Builder tsm(Tsm tsm) {
            this.tsmId = tsm.id();
            this.datasetId = tsm.datasetId().orElse(null);
            return this;
        }

        public Builder qosGroupId(String value) {
            this.qosGroupId = Arguments.requireText("qosGroupId", value);
            return this;
        }

        public Builder protocol(VolumeProtocol value) {
            this.protocol = Objects.requireNonNull(value, "protocol");
            return this;
        }

        /** iSCSI logical block size, e.g. {@code 512B} or {@code 4K}. */
        public Builder blockLength(String value) {
            this.blockLength = Arguments.requireText("blockLength", value);
            return this;
        }

        public Builder recordSize(String value) {
            this.recordSize = Arguments.requireText("recordSize", value);
            return this;
        }

        public Builder compression(String value) {
            this.compression = Arguments.requireText("compression", value);
            return this;
        }

        public Builder deduplication(String value) {
            this.deduplication = Arguments.requireText("deduplication", value);
            return this;
        }

        public Builder sync(String value) {
            this.sync = Arguments.requireText("sync", value);
            return this;
        }

        /** The export name for NFS; the server derives one when unset. */
        public Builder mountpoint(String value) {
            this.mountpoint = Arguments.requireText("mountpoint", value);
            return this;
        }

        public CreateVolumeRequest build() {
            return new CreateVolumeRequest(this);
        }
    }
}
