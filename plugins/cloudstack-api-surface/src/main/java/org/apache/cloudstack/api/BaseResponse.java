// Licensed under the Apache License, Version 2.0. See LICENSE in the project root.
package org.apache.cloudstack.api;

public abstract class BaseResponse {
    private transient String responseName;
    private transient String objectName;

    public BaseResponse() {
    }

    public final String getResponseName() {
        return responseName;
    }

    public final void setResponseName(String responseName) {
        this.responseName = responseName;
    }

    public final String getObjectName() {
        return objectName;
    }

    public final void setObjectName(String objectName) {
        this.objectName = objectName;
    }
}
