// Licensed under the Apache License, Version 2.0. See LICENSE in the project root.
package org.apache.cloudstack.managed.context;

public abstract class ManagedContextRunnable implements Runnable {
    @Override
    public void run() {
        throw new UnsupportedOperationException();
    }

    protected abstract void runInContext();
}
