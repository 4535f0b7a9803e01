// Licensed under the Apache License, Version 2.0. See LICENSE in the project root.
package org.apache.cloudstack.api;

public abstract class BaseAsyncCmd extends BaseCmd {
    public abstract String getEventType();

    public abstract String getEventDescription();

    public Long getStartEventId() {
        throw new UnsupportedOperationException();
    }
}
