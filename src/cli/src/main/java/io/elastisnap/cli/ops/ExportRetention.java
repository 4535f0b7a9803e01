// Licensed under the Apache License, Version 2.0. See LICENSE in the project root.
package io.elastisnap.cli.ops;

import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.time.temporal.IsoFields;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Function;

/**
 * Which exports of one domain retention keeps: the newest {@code keepLast}; the newest of each of the last
 * {@code keepDaily} days that have one; the newest of each of the last {@code keepWeekly} ISO weeks (UTC); and then
 * every base an export being kept is an increment on (transitively), so no kept export ever loses its base.
 */
final class ExportRetention {
    private ExportRetention() {
    }

    /** An export as retention sees it: its name, when its snapshot was taken, and the exports it is based on. */
    static final class Item {
        final String name;
        final Instant created;
        final Set<String> bases;

        Item(String name, Instant created, Set<String> bases) {
            this.name = name;
            this.created = created;
            this.bases = bases;
        }
    }

    /** The decision: names kept because a rule wants them, kept only as a needed base, and deleted. */
    static final class Decision {
        final List<String> keptByRule = new ArrayList<>();
        final List<String> keptAsBase = new ArrayList<>();
        final List<String> delete = new ArrayList<>();
    }

    static Decision decide(List<Item> items, int keepLast, int keepDaily, int keepWeekly) {
        List<Item> newestFirst = new ArrayList<>(items);
        newestFirst.sort(Comparator.comparing((Item i) -> i.created).thenComparing(i -> i.name).reversed());
        Set<String> keep = new HashSet<>();
        newestFirst.stream().limit(Math.max(0, keepLast)).forEach(i -> keep.add(i.name));
        keepNewestPerPeriod(newestFirst, keepDaily, i -> LocalDate.ofInstant(i.created, ZoneOffset.UTC).toString(), keep);
        keepNewestPerPeriod(newestFirst, keepWeekly, i -> {
            LocalDate d = LocalDate.ofInstant(i.created, ZoneOffset.UTC);
            return d.get(IsoFields.WEEK_BASED_YEAR) + "-W" + d.get(IsoFields.WEEK_OF_WEEK_BASED_YEAR);
        }, keep);
        Map<String, Item> byName = new LinkedHashMap<>();
        items.forEach(i -> byName.put(i.name, i));
        Set<String> needed = new HashSet<>();
        for (String kept : keep) {
            addBases(byName, byName.get(kept), needed);
        }
        Decision d = new Decision();
        for (Item i : newestFirst) {
            if (keep.contains(i.name)) {
                d.keptByRule.add(i.name);
            } else if (needed.contains(i.name)) {
                d.keptAsBase.add(i.name);
            } else {
                d.delete.add(i.name);
            }
        }
        return d;
    }

    private static void keepNewestPerPeriod(List<Item> newestFirst, int periods, Function<Item, String> period,
                                            Set<String> keep) {
        Set<String> seen = new HashSet<>();
        for (Item i : newestFirst) {
            if (seen.size() >= periods) {
                return;
            }
            if (seen.add(period.apply(i))) {
                keep.add(i.name);
            }
        }
    }

    private static void addBases(Map<String, Item> byName, Item item, Set<String> needed) {
        if (item == null) {
            return;
        }
        for (String base : item.bases) {
            if (needed.add(base)) {
                addBases(byName, byName.get(base), needed);
            }
        }
    }
}
