// Licensed under the Apache License, Version 2.0. See LICENSE in the project root.
package com.cloud.utils.exception;

public class CloudRuntimeException extends RuntimeException {
    public CloudRuntimeException(String message) {
        super(message);
    }

    public CloudRuntimeException(String message, Throwable th) {
        super(message, th);
    }
}
