// Licensed under the Apache License, Version 2.0. See LICENSE in the project root.
package io.elastisnap.elasticenter;

/** {@code listCapabilities}: the capability map; {@code cloudByteVersion} is required (CloudStack requires it too). */
public final class Capabilities {
    private final String cloudByteVersion;
    private final ApiRecord record;

    private Capabilities(ApiRecord record) {
        this.cloudByteVersion = record.requireString("cloudByteVersion");
        this.record = record;
    }

    public static Capabilities from(ApiRecord record) {
        return new Capabilities(record);
    }

    /** E.g. {@code 1.4.0.1008}. */
    public String cloudByteVersion() {
        return cloudByteVersion;
    }

    /** Every capability as sent. */
    public ApiRecord record() {
        return record;
    }

    @Override
    public String toString() {
        return "Capabilities[cloudByteVersion=" + cloudByteVersion + ", " + record.values().size() + " entries]";
    }
}
