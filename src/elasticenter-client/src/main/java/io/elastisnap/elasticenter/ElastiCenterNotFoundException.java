// Licensed under the Apache License, Version 2.0. See LICENSE in the project root.
package io.elastisnap.elasticenter;

/** The addressed object does not exist (e.g. 431 "could not find any snapshots to destroy", an unknown id). */
public class ElastiCenterNotFoundException extends ElastiCenterException {
    private static final long serialVersionUID = 1L;

    public ElastiCenterNotFoundException(String message, Details details, Throwable cause) {
        super(message, details, cause);
    }

    public ElastiCenterNotFoundException(String message, Details details) {
        super(message, details, null);
    }
}
