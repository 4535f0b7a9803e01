// Licensed under the Apache License, Version 2.0. See LICENSE in the project root.
package io.elastisnap.demo;

import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertFalse;
import static org.junit.Assert.assertTrue;

import java.util.List;
import org.junit.Test;

/** Reading the guest's heartbeat and freeze hook log: only a stall that spans the freeze and a resume count. */
public class GuestObservationTest {
    private static final List<String> FROZEN_ONCE = List.of("freeze 9.04", "thaw 10.76");

    @Test
    public void aGapSpanningTheFreezeWithBeatsAfterTheThawShowsTheFreeze() {
        GuestObservation seen = GuestObservation.parse(
                List.of("8.58", "8.82", "9.05", "9.32", "10.98", "11.22"), FROZEN_ONCE, 8.5);

        assertTrue(seen.writesStoppedAndResumed());
        assertEquals(1.66, seen.longestGapSeconds(), 1e-9);
        assertEquals(1.72, seen.frozenSeconds().getAsDouble(), 1e-9);
        List<String> lines = seen.describe();
        assertEquals("heartbeats  8.58 8.82 9.05 9.32  | no write for 1.66 s |  10.98 11.22", lines.get(0));
        assertTrue(lines.get(1), lines.get(1).contains("\"freeze\" at 9.04 s") && lines.get(1).endsWith(": 1.72 s"));
        assertTrue(lines.get(2), lines.get(2).startsWith("=> the guest's writes stopped"));
        assertEquals(1660, seen.toJson().get("longestHeartbeatGapMs").getAsLong());
    }

    @Test
    public void heartbeatsThatKeptComingWhileTheHookSaysFrozenDoNotShowAFreeze() {
        GuestObservation seen = GuestObservation.parse(
                List.of("9.0", "9.2", "9.4", "9.6", "9.8", "10.0", "10.2", "10.4", "10.6", "10.8"), FROZEN_ONCE, 0);

        assertFalse(seen.writesStoppedAndResumed());
        assertTrue(seen.describe().get(2).startsWith("=> NOT SHOWN"));
        assertFalse(seen.toJson().get("writesStoppedAndResumed").getAsBoolean());
    }

    @Test
    public void noHeartbeatAfterTheThawIsNoResume() {
        GuestObservation seen = GuestObservation.parse(List.of("8.8", "9.0"), FROZEN_ONCE, 0);

        assertFalse(seen.writesStoppedAndResumed());
    }

    @Test
    public void anythingButOneFreezeAndOneThawIsNotEvidence() {
        List<String> beats = List.of("8.8", "9.0", "10.9");
        assertFalse(GuestObservation.parse(beats, List.of("freeze 9.04"), 0).writesStoppedAndResumed());
        assertFalse(GuestObservation.parse(beats, List.of("freeze 9.04", "thaw 9.5", "freeze 9.6", "thaw 10.76"), 0)
                .writesStoppedAndResumed());
        assertTrue(GuestObservation.parse(beats, List.of(), 0).describe().get(1).contains("0 freeze(s) and 0 thaw(s)"));
    }

    @Test
    public void heartbeatsBeforeTheWatchBeganAreIgnored() {
        // an old gap (a boot, an earlier freeze) must not stand in for this one
        GuestObservation seen = GuestObservation.parse(List.of("1.0", "5.0", "9.0", "9.2", "9.4"), FROZEN_ONCE, 8.9);

        assertEquals(0.2, seen.longestGapSeconds(), 1e-9);
        assertFalse(seen.writesStoppedAndResumed());
    }
}
