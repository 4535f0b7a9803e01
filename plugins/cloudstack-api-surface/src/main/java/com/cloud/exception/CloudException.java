// Licensed under the Apache License, Version 2.0. See LICENSE in the project root.
package com.cloud.exception;

public class CloudException extends Exception {
    public CloudException(String message) {
        super(message);
    }
}
