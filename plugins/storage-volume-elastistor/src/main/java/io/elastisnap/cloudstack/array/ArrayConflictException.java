// Licensed under the Apache License, Version 2.0. See LICENSE in the project root.
package io.elastisnap.cloudstack.array;

/** The array refused because of a dependent object (a clone of the snapshot). The message names the object. */
public class ArrayConflictException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    public ArrayConflictException(String message) {
        super(message);
    }
}
