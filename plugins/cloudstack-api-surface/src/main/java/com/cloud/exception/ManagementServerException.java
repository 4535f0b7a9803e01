// Licensed under the Apache License, Version 2.0. See LICENSE in the project root.
package com.cloud.exception;

public class ManagementServerException extends CloudException {
    public ManagementServerException(String message) {
        super(message);
    }
}
