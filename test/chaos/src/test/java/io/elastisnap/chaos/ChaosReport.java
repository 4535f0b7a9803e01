// Licensed under the Apache License, Version 2.0. See LICENSE in the project root.
package io.elastisnap.chaos;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.StandardOpenOption;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.LongAdder;

/**
 * The measured counts of one suite run, printed at the end and appended to target/chaos-report.txt. Counters are
 * named "section.what" so one sorted listing reads as a report.
 */
final class ChaosReport {
    private static final Map<String, LongAdder> COUNTERS = new ConcurrentHashMap<>();
    private static final Map<String, AtomicLong> MAXIMA = new ConcurrentHashMap<>();

    private ChaosReport() {
    }

    static void count(String name) {
        add(name, 1);
    }

    static void add(String name, long amount) {
        COUNTERS.computeIfAbsent(name, k -> new LongAdder()).add(amount);
    }

    static long get(String name) {
        LongAdder a = COUNTERS.get(name);
        return a == null ? 0 : a.sum();
    }

    static void max(String name, long value) {
        MAXIMA.computeIfAbsent(name, k -> new AtomicLong(Long.MIN_VALUE)).accumulateAndGet(value, Math::max);
    }

    static long maxOf(String name) {
        AtomicLong m = MAXIMA.get(name);
        return m == null ? 0 : m.get();
    }

    /** All counters of one section ("fuzz.outcome."), without the prefix. */
    static Map<String, Long> section(String prefix) {
        Map<String, Long> out = new TreeMap<>();
        COUNTERS.forEach((k, v) -> {
            if (k.startsWith(prefix)) {
                out.put(k.substring(prefix.length()), v.sum());
            }
        });
        return out;
    }

    static String render(String title) {
        StringBuilder sb = new StringBuilder("==== ").append(title).append(" ====\n");
        Map<String, String> all = new TreeMap<>();
        COUNTERS.forEach((k, v) -> all.put(k, Long.toString(v.sum())));
        MAXIMA.forEach((k, v) -> all.put(k, v.get() + " (max)"));
        all.forEach((k, v) -> sb.append(String.format("%-60s %s%n", k, v)));
        return sb.toString();
    }

    /** Prints the report and appends it to target/chaos-report.txt (the closing note quotes it). */
    static void publish(String title) {
        String text = render(title);
        System.out.println(text);
        try {
            Files.createDirectories(ChaosSettings.targetDirectory());
            Files.writeString(ChaosSettings.targetDirectory().resolve("chaos-report.txt"), text, StandardCharsets.UTF_8,
                    StandardOpenOption.CREATE, StandardOpenOption.APPEND);
        } catch (IOException e) {
            System.out.println("cannot write target/chaos-report.txt: " + e.getMessage());
        }
    }
}
