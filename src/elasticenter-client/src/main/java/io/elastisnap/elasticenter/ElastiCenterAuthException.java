// Licensed under the Apache License, Version 2.0. See LICENSE in the project root.
package io.elastisnap.elasticenter;

/** The API key was refused (HTTP/errorcode 401). */
public class ElastiCenterAuthException extends ElastiCenterException {
    private static final long serialVersionUID = 1L;

    public ElastiCenterAuthException(String message, Details details, Throwable cause) {
        super(message, details, cause);
    }

    public ElastiCenterAuthException(String message, Details details) {
        super(message, details, null);
    }
}
