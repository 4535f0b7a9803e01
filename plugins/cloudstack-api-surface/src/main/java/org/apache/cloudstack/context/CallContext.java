// Licensed under the Apache License, Version 2.0. See LICENSE in the project root.
package org.apache.cloudstack.context;

public class CallContext {
    protected CallContext() {
    }

    public static CallContext current() {
        throw new UnsupportedOperationException();
    }

    public long getCallingUserId() {
        throw new UnsupportedOperationException();
    }

    public long getCallingAccountId() {
        throw new UnsupportedOperationException();
    }
}
