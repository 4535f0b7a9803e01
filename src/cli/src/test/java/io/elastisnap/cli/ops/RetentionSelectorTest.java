// Licensed under the Apache License, Version 2.0. See LICENSE in the project root.
package io.elastisnap.cli.ops;

import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertThrows;

import io.elastisnap.cli.store.SnapshotSet;
import io.elastisnap.cli.store.VolumeRecord;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Collectors;
import org.junit.Test;

public class RetentionSelectorTest {
    private static final Instant NOW = Instant.parse("2025-11-21T12:00:00Z");

    /** Sets created 1..6 days ago (ids d1..d6), plus a pending one from 10 days ago. */
    private static List<SnapshotSet> sets() {
        List<SnapshotSet> sets = new ArrayList<>();
        for (int days = 1; days <= 6; days++) {
            sets.add(set("d" + days, days, true));
        }
        sets.add(set("pending", 10, false));
        return sets;
    }

    private static SnapshotSet set(String id, int daysAgo, boolean complete) {
        SnapshotSet s = new SnapshotSet(id, "vm", NOW.minus(Duration.ofDays(daysAgo)), "REQUIRED",
                List.of(new VolumeRecord("vda", "vol", "esnap-" + id, null)));
        if (complete) {
            s.complete("FS_FROZEN", 100L, 50L, 30L, 20L);
        }
        return s;
    }

    private static List<String> ids(List<SnapshotSet> sets) {
        return sets.stream().map(SnapshotSet::id).collect(Collectors.toList());
    }

    @Test
    public void olderThanSelectsByAgeOldestFirst() {
        assertEquals(List.of("d6", "d5", "d4"), ids(RetentionSelector.select(sets(), Duration.ofDays(3).plusHours(1), null, NOW)));
    }

    @Test
    public void keepNewestSelectsEverythingBeyondTheNewestK() {
        assertEquals(List.of("d6", "d5", "d4", "d3"), ids(RetentionSelector.select(sets(), null, 2, NOW)));
        assertEquals(List.of(), ids(RetentionSelector.select(sets(), null, 10, NOW)));
    }

    @Test
    public void bothRulesMustMatchSoTheNewestKAlwaysSurvive() {
        assertEquals(List.of("d6", "d5"), ids(RetentionSelector.select(sets(), Duration.ofDays(1), 4, NOW)));
    }

    @Test
    public void pendingSetsAreNeverSelected() {
        assertEquals(6, RetentionSelector.select(sets(), Duration.ofHours(1), null, NOW).size());
    }

    @Test
    public void aRuleIsRequired() {
        assertThrows(IllegalArgumentException.class, () -> RetentionSelector.select(sets(), null, null, NOW));
    }
}
