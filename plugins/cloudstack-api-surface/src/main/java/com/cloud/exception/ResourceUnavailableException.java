// Licensed under the Apache License, Version 2.0. See LICENSE in the project root.
package com.cloud.exception;

public class ResourceUnavailableException extends CloudException {
    public ResourceUnavailableException(String msg, Class<?> scope, long resourceId) {
        super(msg);
    }
}
