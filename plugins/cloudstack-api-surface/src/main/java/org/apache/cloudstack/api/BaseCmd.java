// Licensed under the Apache License, Version 2.0. See LICENSE in the project root.
package org.apache.cloudstack.api;

public abstract class BaseCmd {
    public static enum CommandType {
        BOOLEAN, DATE, FLOAT, DOUBLE, INTEGER, SHORT, LIST, LONG, OBJECT, MAP, STRING, UUID
    }

    public abstract void execute();

    public String getCommandName() {
        throw new UnsupportedOperationException();
    }

    public abstract long getEntityOwnerId();

    public Object getResponseObject() {
        throw new UnsupportedOperationException();
    }

    public void setResponseObject(final Object responseObject) {
        throw new UnsupportedOperationException();
    }
}
