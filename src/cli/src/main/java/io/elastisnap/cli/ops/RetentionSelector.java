// Licensed under the Apache License, Version 2.0. See LICENSE in the project root.
package io.elastisnap.cli.ops;

import io.elastisnap.cli.store.SnapshotSet;
import java.time.Duration;
import java.time.Instant;
import java.util.Comparator;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.stream.Collectors;

/**
 * Which of a domain's snapshot sets a retention rule deletes. With both rules a set goes only when it matches both
 * (older than N and not among the newest K), so "--older-than 30d --keep-newest 3" never leaves fewer than 3.
 */
public final class RetentionSelector {
    private RetentionSelector() {
    }

    /**
     * @param olderThan  null for no age rule
     * @param keepNewest null for no count rule
     * @return the sets to delete, oldest first; only complete sets are ever selected
     */
    public static List<SnapshotSet> select(List<SnapshotSet> sets, Duration olderThan, Integer keepNewest, Instant now) {
        if (olderThan == null && keepNewest == null) {
            throw new IllegalArgumentException("a retention rule needs --older-than or --keep-newest");
        }
        List<SnapshotSet> complete = sets.stream()
                .filter(s -> s.state() == SnapshotSet.State.COMPLETE)
                .sorted(Comparator.comparing(SnapshotSet::created).thenComparing(SnapshotSet::id).reversed())
                .collect(Collectors.toList());
        Set<String> protectedIds = new HashSet<>();
        if (keepNewest != null) {
            complete.stream().limit(keepNewest).forEach(s -> protectedIds.add(s.id()));
        }
        Instant cutoff = olderThan == null ? null : now.minus(olderThan);
        return complete.stream()
                .filter(s -> !protectedIds.contains(s.id()))
                .filter(s -> cutoff == null || s.created().isBefore(cutoff))
                .sorted(Comparator.comparing(SnapshotSet::created).thenComparing(SnapshotSet::id))
                .collect(Collectors.toList());
    }
}
