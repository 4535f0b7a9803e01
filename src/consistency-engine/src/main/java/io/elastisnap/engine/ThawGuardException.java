// Licensed under the Apache License, Version 2.0. See LICENSE in the project root.
package io.elastisnap.engine;

/** A thaw guard could not be armed (or was gone before the freeze); the message names the cause and the fix. */
public final class ThawGuardException extends Exception {
    private static final long serialVersionUID = 1L;

    public ThawGuardException(String message) {
        super(message);
    }

    public ThawGuardException(String message, Throwable cause) {
        super(message, cause);
    }
}
