// Licensed under the Apache License, Version 2.0. See LICENSE in the project root.
package io.elastisnap.cloudstack.testsupport;

import java.time.Duration;
import java.util.Arrays;
import java.util.Collections;

import io.elastisnap.cloudstack.command.ElastiCenterEndpoint;
import io.elastisnap.cloudstack.command.TakeConsistentSnapshotCommand;
import io.elastisnap.cloudstack.command.VolumeSnapshotSpec;
import io.elastisnap.elasticenter.Secret;
import io.elastisnap.elasticenter.TlsTrust;
import io.elastisnap.engine.FreezeLimits;

/** A fully populated consistent-snapshot command, for the wire and wrapper tests. */
public final class SampleCommand {
    /** The API key it carries: a value no log line, message or toString may show. */
    public static final String KEY = "k3y-Secret-0123456789";
    /** The pinned certificate, as an admin copies it from openssl (upper case, colons). */
    public static final String FINGERPRINT = "AB:".repeat(31) + "AB";

    private SampleCommand() {
    }

    public static TakeConsistentSnapshotCommand create() {
        return new TakeConsistentSnapshotCommand("i-2-10-VM",
                Arrays.asList(new VolumeSnapshotSpec("es-vol-1", "cs-a"), new VolumeSnapshotSpec("es-vol-2", "cs-b")), "REQUIRED",
                Collections.singletonList("/data"), FreezeLimits.builder().freezeTimeout(Duration.ofSeconds(4)).build(),
                Duration.ofMinutes(10),
                new ElastiCenterEndpoint("https://ec.example:443", TlsTrust.fromSpec("sha256:" + FINGERPRINT)), Secret.of(KEY));
    }
}
