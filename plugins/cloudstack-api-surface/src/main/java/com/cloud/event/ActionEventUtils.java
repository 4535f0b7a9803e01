// Licensed under the Apache License, Version 2.0. See LICENSE in the project root.
package com.cloud.event;

public class ActionEventUtils {
    public static Long onCompletedActionEvent(Long userId, Long accountId, String level, String type, String description, Long resourceId,
                                              String resourceType, long startEventId) {
        throw new UnsupportedOperationException();
    }
}
