// Licensed under the Apache License, Version 2.0. See LICENSE in the project root.
package io.elastisnap.elasticenter;

/** The server failed to carry out the command: errorcode 530 and other 5xx answers, failed async jobs. */
public class ElastiCenterServerException extends ElastiCenterException {
    private static final long serialVersionUID = 1L;

    public ElastiCenterServerException(String message, Details details, Throwable cause) {
        super(message, details, cause);
    }

    public ElastiCenterServerException(String message, Details details) {
        super(message, details, null);
    }
}
