// Licensed under the Apache License, Version 2.0. See LICENSE in the project root.
package io.elastisnap.elasticenter;

/** 431 "... due to missing parameter ...": the server wants a parameter this client did not send. */
public class ElastiCenterMissingParameterException extends ElastiCenterBadRequestException {
    private static final long serialVersionUID = 1L;

    public ElastiCenterMissingParameterException(String message, Details details, Throwable cause) {
        super(message, details, cause);
    }

    public ElastiCenterMissingParameterException(String message, Details details) {
        super(message, details, null);
    }
}
