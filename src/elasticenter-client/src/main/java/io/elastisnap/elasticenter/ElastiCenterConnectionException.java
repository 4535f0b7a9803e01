// Licensed under the Apache License, Version 2.0. See LICENSE in the project root.
package io.elastisnap.elasticenter;

/** The connection failed without an answer: refused, reset, closed early, host not resolvable. */
public class ElastiCenterConnectionException extends ElastiCenterException {
    private static final long serialVersionUID = 1L;

    public ElastiCenterConnectionException(String message, Details details, Throwable cause) {
        super(message, details, cause);
    }

    public ElastiCenterConnectionException(String message, Details details) {
        super(message, details, null);
    }
}
