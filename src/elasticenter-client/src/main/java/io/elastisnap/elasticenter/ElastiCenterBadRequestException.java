// Licensed under the Apache License, Version 2.0. See LICENSE in the project root.
package io.elastisnap.elasticenter;

/** The server refused the request's parameters (431 and other 4xx answers without a more specific type). */
public class ElastiCenterBadRequestException extends ElastiCenterException {
    private static final long serialVersionUID = 1L;

    public ElastiCenterBadRequestException(String message, Details details, Throwable cause) {
        super(message, details, cause);
    }

    public ElastiCenterBadRequestException(String message, Details details) {
        super(message, details, null);
    }
}
