// Licensed under the Apache License, Version 2.0. See LICENSE in the project root.
package io.elastisnap.cloudstack.array;

/** A snapshot as the array lists it (oldest first in listings). */
public final class ArraySnapshotRef {
    private final String name;
    private final String path;
    private final boolean hasClones;

    public ArraySnapshotRef(String name, String path, boolean hasClones) {
        this.name = name;
        this.path = path;
        this.hasClones = hasClones;
    }

    public String name() {
        return name;
    }

    public String path() {
        return path;
    }

    public boolean hasClones() {
        return hasClones;
    }

    @Override
    public String toString() {
        return name + " (" + path + ")";
    }
}
