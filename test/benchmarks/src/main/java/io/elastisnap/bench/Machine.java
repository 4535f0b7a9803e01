// Licensed under the Apache License, Version 2.0. See LICENSE in the project root.
package io.elastisnap.bench;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Locale;

/** One line describing where the numbers were measured. */
final class Machine {
    private Machine() {
    }

    /** The 1/5/15-minute load averages: other work on the machine skews latency numbers, so every table shows them. */
    static String load() {
        try {
            String[] f = Files.readString(Path.of("/proc/loadavg")).trim().split("\\s+");
            return "load average " + f[0] + " " + f[1] + " " + f[2];
        } catch (IOException e) {
            return "load average unknown";
        }
    }

    static String describe() {
        String cpu = "unknown CPU";
        try {
            cpu = Files.readAllLines(Path.of("/proc/cpuinfo")).stream().filter(l -> l.startsWith("model name"))
                    .findFirst().map(l -> l.substring(l.indexOf(':') + 1).trim()).orElse(cpu);
        } catch (IOException e) {
            // not Linux: keep the generic description
        }
        long memGiB = 0;
        try {
            String total = Files.readAllLines(Path.of("/proc/meminfo")).stream().filter(l -> l.startsWith("MemTotal"))
                    .findFirst().orElse("MemTotal: 0 kB");
            memGiB = Math.round(Long.parseLong(total.replaceAll("[^0-9]", "")) / 1024.0 / 1024.0);
        } catch (IOException | NumberFormatException e) {
            // unknown memory size stays 0
        }
        return String.format(Locale.ROOT, "%s, %d cores, %d GiB RAM, %s %s, Java %s (%s)", cpu,
                Runtime.getRuntime().availableProcessors(), memGiB, System.getProperty("os.name"),
                System.getProperty("os.version"), System.getProperty("java.version"), System.getProperty("java.vm.name"));
    }
}
