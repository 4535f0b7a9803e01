// Licensed under the Apache License, Version 2.0. See LICENSE in the project root.
package io.elastisnap.transfer;

import java.nio.file.Path;
import java.util.Objects;

/** A copy as its record knows it: the file and the SHA-256 recorded when it was written. */
public final class ExpectedImage {
    private final Path file;
    private final String sha256;

    public ExpectedImage(Path file, String sha256) {
        this.file = Objects.requireNonNull(file, "file").toAbsolutePath().normalize();
        this.sha256 = Objects.requireNonNull(sha256, "sha256");
    }

    public Path file() {
        return file;
    }

    public String sha256() {
        return sha256;
    }

    @Override
    public String toString() {
        return file + " (sha256 " + sha256 + ")";
    }
}
