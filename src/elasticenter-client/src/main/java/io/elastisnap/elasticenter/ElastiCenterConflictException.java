// Licensed under the Apache License, Version 2.0. See LICENSE in the project root.
package io.elastisnap.elasticenter;

/** The array's state forbids the command: a snapshot that "has a clone", a name that already exists. */
public class ElastiCenterConflictException extends ElastiCenterException {
    private static final long serialVersionUID = 1L;

    public ElastiCenterConflictException(String message, Details details, Throwable cause) {
        super(message, details, cause);
    }

    public ElastiCenterConflictException(String message, Details details) {
        super(message, details, null);
    }
}
