// Licensed under the Apache License, Version 2.0. See LICENSE in the project root.
package io.elastisnap.chaos;

import java.nio.file.Path;
import java.time.Duration;

/**
 * The suite's knobs, all system properties so the CI profile (defaults) and the soak differ only in flags:
 * {@code -Dchaos.seed=N -Dchaos.ops=N -Dchaos.duration=PT30M -Dchaos.fuzz=N -Dchaos.crashes=N -Dchaos.realOps=N}.
 */
final class ChaosSettings {
    static final long SEED = Long.getLong("chaos.seed", 20261121L);
    /** Operations of the in-process fault schedule (engine track + CLI track together). */
    static final int OPS = Integer.getInteger("chaos.ops", 200);
    /** Wall-clock bound of the in-process schedule; it stops early (and says so) when this passes. */
    static final Duration DURATION = Duration.parse(System.getProperty("chaos.duration", "PT3M"));
    static final int FUZZ_CASES = Integer.getInteger("chaos.fuzz", 150);
    /** kill -9 rounds (child JVMs) per crash test. */
    static final int CRASHES = Integer.getInteger("chaos.crashes", 4);
    /** Operations on the e2e fixture's real QEMU guest (only with -Delastisnap.e2e=true). */
    static final int REAL_GUEST_OPS = Integer.getInteger("chaos.realOps", 200);
    static final boolean E2E = Boolean.getBoolean("elastisnap.e2e");

    private ChaosSettings() {
    }

    static Path repoRoot() {
        String root = System.getProperty("elastisnap.repo.root");
        return root == null ? Path.of("../..").toAbsolutePath().normalize() : Path.of(root);
    }

    static Path targetDirectory() {
        return Path.of(System.getProperty("chaos.target", "target")).toAbsolutePath();
    }
}
