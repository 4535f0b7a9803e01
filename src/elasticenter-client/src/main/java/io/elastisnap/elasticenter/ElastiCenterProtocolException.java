// Licensed under the Apache License, Version 2.0. See LICENSE in the project root.
package io.elastisnap.elasticenter;

/**
 * The answer is not what the protocol promises: malformed, truncated, oversized or missing a required field, or an
 * unknown command (432).
 */
public class ElastiCenterProtocolException extends ElastiCenterException {
    private static final long serialVersionUID = 1L;

    public ElastiCenterProtocolException(String message, Details details, Throwable cause) {
        super(message, details, cause);
    }

    public ElastiCenterProtocolException(String message, Details details) {
        super(message, details, null);
    }
}
