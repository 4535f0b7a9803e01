// Licensed under the Apache License, Version 2.0. See LICENSE in the project root.
package com.cloud.utils.db;

/** CloudStack's cluster-wide named lock (MySQL GET_LOCK on a connection of its own), as its periodic managers use it. */
public class GlobalLock {
    private GlobalLock() {
    }

    public static GlobalLock getInternLock(String name) {
        throw new UnsupportedOperationException();
    }

    public int releaseRef() {
        throw new UnsupportedOperationException();
    }

    public boolean lock(int timeoutSeconds) {
        throw new UnsupportedOperationException();
    }

    public boolean unlock() {
        throw new UnsupportedOperationException();
    }

    public String getName() {
        throw new UnsupportedOperationException();
    }
}
