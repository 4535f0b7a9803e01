// Licensed under the Apache License, Version 2.0. See LICENSE in the project root.
package io.elastisnap.elasticenter;

/** The TLS connection was refused: untrusted certificate, pin mismatch, host name mismatch, unusable trust settings. */
public class ElastiCenterTlsException extends ElastiCenterException {
    private static final long serialVersionUID = 1L;

    public ElastiCenterTlsException(String message, Details details, Throwable cause) {
        super(message, details, cause);
    }

    public ElastiCenterTlsException(String message, Details details) {
        super(message, details, null);
    }
}
