// Licensed under the Apache License, Version 2.0. See LICENSE in the project root.
package com.cloud.vm;

public class VMInstanceVO implements VirtualMachine {

    public long getId() {
        throw new UnsupportedOperationException();
    }

    public String getUuid() {
        throw new UnsupportedOperationException();
    }

    public String getInstanceName() {
        throw new UnsupportedOperationException();
    }

    public State getState() {
        throw new UnsupportedOperationException();
    }

    public Long getHostId() {
        throw new UnsupportedOperationException();
    }

    public Long getLastHostId() {
        throw new UnsupportedOperationException();
    }
}
