// Licensed under the Apache License, Version 2.0. See LICENSE in the project root.
package io.elastisnap.cloudstack.agent;

import java.nio.file.Path;
import java.time.Duration;

/** The image conversions of a backup and a restore (qemu-img on a KVM host). Failures are unchecked and say why. */
public interface DiskImages {
    /** Reads a raw disk (a path, or a URL QEMU opens such as {@code iscsi://...}) into a new sparse qcow2 file. */
    void toQcow2(String rawSource, Path qcow2, boolean compress, Duration timeout);

    /** Writes a qcow2 file's content into an existing raw disk of at least its virtual size. */
    void writeInto(Path qcow2, String rawTarget, Duration timeout);

    /** The qcow2 file's virtual size in bytes. */
    long virtualSize(Path qcow2);
}
