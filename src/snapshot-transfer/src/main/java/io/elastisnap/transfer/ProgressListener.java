// Licensed under the Apache License, Version 2.0. See LICENSE in the project root.
package io.elastisnap.transfer;

/** Told how far a copy has got, 0-100, as qemu-img reports it. */
@FunctionalInterface
public interface ProgressListener {
    ProgressListener NONE = percent -> { };

    void percent(double percent);
}
