// Licensed under the Apache License, Version 2.0. See LICENSE in the project root.
package io.elastisnap.cloudstack.config;

import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertFalse;
import static org.junit.Assert.assertTrue;
import static org.junit.Assert.fail;

import java.time.Duration;

import org.junit.Test;

import com.cloud.utils.exception.CloudRuntimeException;

import io.elastisnap.engine.FreezeLimits;

/** The global settings become the engine's FreezeLimits once, on the management server, and are checked as they are read. */
public class ElastiSnapConfigurationTest {
    @Test
    public void theDefaultSettingsAreTheEnginesDefaults() {
        FreezeLimits limits = ElastiSnapConfiguration.limits(Integer.parseInt(ElastiSnapConfiguration.MAX_FROZEN_WINDOW_MS.defaultValue()),
                Integer.parseInt(ElastiSnapConfiguration.FREEZE_TIMEOUT_MS.defaultValue()),
                Integer.parseInt(ElastiSnapConfiguration.THAW_TIMEOUT_MS.defaultValue()));

        assertEquals(FreezeLimits.defaults().maxFrozenWindow(), limits.maxFrozenWindow());
        assertEquals(FreezeLimits.defaults().freezeTimeout(), limits.freezeTimeout());
        assertEquals(FreezeLimits.defaults().thawTimeout(), limits.thawTimeout());
    }

    @Test
    public void aShortWindowAloneIsAcceptedWithADerivedFreezeTimeout() {
        FreezeLimits limits = ElastiSnapConfiguration.limits(3000, 0, 10000);

        assertEquals(Duration.ofMillis(1875), limits.freezeTimeout());
        assertTrue(limits.freezeTimeoutDerivedFromWindow());
    }

    @Test
    public void contradictingSettingsFailOnTheManagementServerNamingThemAndTheFix() {
        try {
            ElastiSnapConfiguration.limits(3000, 5000, 10000);
            fail();
        } catch (CloudRuntimeException e) {
            assertTrue(e.getMessage(), e.getMessage().contains("elastistor.freeze.timeout.ms (5000 ms) must be shorter than"
                    + " elastistor.max.frozen.window.ms (3000 ms)"));
            assertTrue(e.getMessage(), e.getMessage().contains("elastistor.freeze.timeout.ms=0 derives"));
            assertFalse(e.getMessage(), e.getMessage().contains("freezeTimeout"));
        }
        try {
            ElastiSnapConfiguration.limits(8000, 0, 600000);
            fail();
        } catch (CloudRuntimeException e) {
            assertTrue(e.getMessage(), e.getMessage().contains("the built-in thaw-retry-for (180000 ms) must be at least"
                    + " elastistor.thaw.timeout.ms (600000 ms)"));
        }
        try {
            ElastiSnapConfiguration.limits(0, 0, 10000);
            fail();
        } catch (CloudRuntimeException e) {
            assertTrue(e.getMessage(), e.getMessage().contains("elastistor.max.frozen.window.ms must be positive, is 0 ms"));
        }
    }
}
