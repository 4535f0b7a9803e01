// Licensed under the Apache License, Version 2.0. See LICENSE in the project root.
package com.cloud.event;

public class EventTypes {
    public static final String EVENT_SNAPSHOT_CREATE = "SNAPSHOT.CREATE";
}
