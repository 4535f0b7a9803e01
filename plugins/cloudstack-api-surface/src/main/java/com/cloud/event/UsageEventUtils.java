// Licensed under the Apache License, Version 2.0. See LICENSE in the project root.
package com.cloud.event;

public class UsageEventUtils {
    public static void publishUsageEvent(String usageType, long accountId, long zoneId, long resourceId, String resourceName, Long offeringId,
            Long templateId, Long size, Long virtualSize, String entityType, String entityUUID) {
        throw new UnsupportedOperationException();
    }
}
