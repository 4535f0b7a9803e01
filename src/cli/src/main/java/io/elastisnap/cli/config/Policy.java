// Licensed under the Apache License, Version 2.0. See LICENSE in the project root.
package io.elastisnap.cli.config;

import io.elastisnap.engine.ConsistencyPolicy;
import java.util.Locale;

/** Parses the consistency policy the way operators write it (required, best-effort, BEST_EFFORT, off). */
public final class Policy {
    private Policy() {
    }

    /** @throws IllegalArgumentException naming the accepted values */
    public static ConsistencyPolicy parse(String text) {
        String normalized = text == null ? "" : text.trim().toUpperCase(Locale.ROOT).replace('-', '_');
        for (ConsistencyPolicy p : ConsistencyPolicy.values()) {
            if (p.name().equals(normalized)) {
                return p;
            }
        }
        throw new IllegalArgumentException("'" + text + "' is not a consistency policy (use required, best-effort or off)");
    }
}
