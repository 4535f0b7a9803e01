// Licensed under the Apache License, Version 2.0. See LICENSE in the project root.
package io.elastisnap.engine;

import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertFalse;
import static org.junit.Assert.assertTrue;

import com.google.gson.Gson;
import io.elastisnap.engine.FreezeLimits.Setting;
import java.time.Duration;
import java.util.Collections;
import java.util.List;
import java.util.Optional;
import org.junit.Test;

/** The one form of the limits: defaults, the derived freeze timeout, layering, problems in the caller's words, Gson. */
public class FreezeLimitsTest {
    @Test
    public void nothingGivenIsTheDefaultsWithTheDefaultFreezeTimeout() {
        FreezeLimits limits = FreezeLimits.defaults();
        for (Setting setting : Setting.values()) {
            assertEquals(setting.defaultValue(), limits.get(setting));
            assertEquals(Optional.empty(), limits.given(setting));
        }
        assertEquals(Duration.ofSeconds(8), limits.maxFrozenWindow());
        assertEquals(Duration.ofSeconds(5), limits.freezeTimeout());
        assertFalse(limits.freezeTimeoutDerivedFromWindow());
        assertEquals(Collections.emptyList(), limits.problems());
    }

    @Test
    public void aShortWindowAloneDerivesItsFreezeTimeoutAndIsValid() {
        FreezeLimits limits = FreezeLimits.builder().maxFrozenWindow(Duration.ofSeconds(3)).build();

        assertEquals(Duration.ofMillis(1875), limits.freezeTimeout());
        assertTrue(limits.freezeTimeoutDerivedFromWindow());
        assertEquals(Collections.emptyList(), limits.problems());
        assertEquals(Optional.empty(), limits.given(Setting.FREEZE_TIMEOUT));
    }

    @Test
    public void aLongWindowKeepsTheDefaultFreezeTimeout() {
        FreezeLimits limits = FreezeLimits.builder().maxFrozenWindow(Duration.ofSeconds(20)).build();
        assertEquals(Duration.ofSeconds(5), limits.freezeTimeout());
        assertFalse(limits.freezeTimeoutDerivedFromWindow());
    }

    @Test
    public void aGivenFreezeTimeoutIsKeptAndChecked() {
        FreezeLimits limits = FreezeLimits.builder().maxFrozenWindow(Duration.ofSeconds(3)).freezeTimeout(Duration.ofSeconds(5)).build();

        assertEquals(Duration.ofSeconds(5), limits.freezeTimeout());
        assertFalse(limits.freezeTimeoutDerivedFromWindow());
        assertEquals(List.of("freezeTimeout (5000 ms) must be shorter than maxFrozenWindow (3000 ms): the snapshots need time"
                + " inside the window (without freezeTimeout, 5/8 of the window is used)"), limits.problems());
    }

    @Test
    public void problemsNameTheSettingsInTheCallersWords() {
        FreezeLimits limits = FreezeLimits.builder().maxFrozenWindow(Duration.ofSeconds(3)).freezeTimeout(Duration.ofSeconds(4))
                .thawTimeout(Duration.ofMinutes(4)).build();

        List<String> problems = limits.problems(setting -> "--" + setting.key());

        assertEquals(2, problems.size());
        assertTrue(problems.get(0), problems.get(0).startsWith("--freeze-timeout (4000 ms) must be shorter than --max-frozen-window"
                + " (3000 ms)"));
        assertTrue(problems.get(1), problems.get(1).startsWith("--thaw-retry-for (180000 ms) must be at least --thaw-timeout"));
        assertEquals(List.of("--preflight-timeout must be positive, is 0 ms"),
                FreezeLimits.builder().preflightTimeout(Duration.ZERO).build().problems(s -> "--" + s.key()));
    }

    @Test
    public void layersOverrideOnlyWhatTheyGive() {
        FreezeLimits global = FreezeLimits.builder().maxFrozenWindow(Duration.ofSeconds(6)).thawTimeout(Duration.ofSeconds(4)).build();
        FreezeLimits domain = FreezeLimits.builder().thawTimeout(Duration.ofSeconds(7)).build();
        FreezeLimits flags = FreezeLimits.builder().maxFrozenWindow(Duration.ofSeconds(2)).build();

        FreezeLimits merged = global.overriddenBy(domain).overriddenBy(flags);

        assertEquals(Duration.ofSeconds(2), merged.maxFrozenWindow());
        assertEquals(Duration.ofSeconds(7), merged.thawTimeout());
        assertEquals(Duration.ofMillis(1250), merged.freezeTimeout());
        assertEquals(Optional.empty(), merged.given(Setting.PREFLIGHT_TIMEOUT));
        assertEquals(Duration.ofSeconds(6), global.maxFrozenWindow());
    }

    @Test
    public void settingNullReturnsAValueToItsDefault() {
        FreezeLimits limits = FreezeLimits.builder().thawTimeout(Duration.ofSeconds(1)).build().toBuilder().thawTimeout(null).build();
        assertEquals(FreezeLimits.defaults(), limits);
        assertEquals("thaw-retry-for", Setting.THAW_RETRY_FOR.key());
    }

    @Test
    public void gsonCarriesOnlyTheGivenMillisAndReadsThemBack() {
        FreezeLimits limits = FreezeLimits.builder().maxFrozenWindow(Duration.ofSeconds(3)).thawTimeout(Duration.ofMillis(1500)).build();
        Gson gson = new Gson();

        String json = gson.toJson(limits);
        FreezeLimits back = gson.fromJson(json, FreezeLimits.class);

        assertEquals("{\"givenMillis\":{\"MAX_FROZEN_WINDOW\":3000,\"THAW_TIMEOUT\":1500}}", json);
        assertEquals(limits, back);
        assertEquals(Duration.ofMillis(1875), back.freezeTimeout());
        assertTrue(back.freezeTimeoutDerivedFromWindow());
        assertEquals(FreezeLimits.defaults(), gson.fromJson("{}", FreezeLimits.class));
    }
}
