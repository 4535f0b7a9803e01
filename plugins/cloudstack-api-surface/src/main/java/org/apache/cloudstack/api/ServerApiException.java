// Licensed under the Apache License, Version 2.0. See LICENSE in the project root.
package org.apache.cloudstack.api;

import com.cloud.utils.exception.CloudRuntimeException;

public class ServerApiException extends CloudRuntimeException {
    private final ApiErrorCode errorCode;

    public ServerApiException(ApiErrorCode errorCode, String description) {
        super(description);
        this.errorCode = errorCode;
    }

    public ApiErrorCode getErrorCode() {
        return errorCode;
    }

    public String getDescription() {
        throw new UnsupportedOperationException();
    }
}
