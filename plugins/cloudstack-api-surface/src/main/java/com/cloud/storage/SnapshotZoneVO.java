// Licensed under the Apache License, Version 2.0. See LICENSE in the project root.
package com.cloud.storage;

public class SnapshotZoneVO {
    protected SnapshotZoneVO() {
    }
}
