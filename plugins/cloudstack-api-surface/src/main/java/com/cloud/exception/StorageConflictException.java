// Licensed under the Apache License, Version 2.0. See LICENSE in the project root.
package com.cloud.exception;

public class StorageConflictException extends ManagementServerException {
    public StorageConflictException(String message) {
        super(message);
    }
}
