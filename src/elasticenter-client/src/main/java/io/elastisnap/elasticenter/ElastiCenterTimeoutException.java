// Licensed under the Apache License, Version 2.0. See LICENSE in the project root.
package io.elastisnap.elasticenter;

/** No answer in time: connect, connection-pool or read timeout, or an async job still pending at its deadline. */
public class ElastiCenterTimeoutException extends ElastiCenterException {
    private static final long serialVersionUID = 1L;

    public ElastiCenterTimeoutException(String message, Details details, Throwable cause) {
        super(message, details, cause);
    }

    public ElastiCenterTimeoutException(String message, Details details) {
        super(message, details, null);
    }
}
