// Licensed under the Apache License, Version 2.0. See LICENSE in the project root.
package org.apache.cloudstack.engine.subsystem.api.storage;

public class VMSnapshotOptions {

    public VMSnapshotOptions(boolean quiesceVM) {
        throw new UnsupportedOperationException();
    }

    public boolean needQuiesceVM() {
        throw new UnsupportedOperationException();
    }
}
