// Licensed under the Apache License, Version 2.0. See LICENSE in the project root.
package io.elastisnap.engine;

/** The answer of {@code guest-fsfreeze-status}. */
public enum FreezeStatus {
    THAWED,
    FROZEN
}
