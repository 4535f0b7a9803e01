// Licensed under the Apache License, Version 2.0. See LICENSE in the project root.
package io.elastisnap.simulator;

import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** ElastiCenter size strings ("10G", "1T", "93697M") and MiB figures. */
final class SizeUnits {
    static final long MIB = 1024L * 1024;
    static final long GIB = 1024 * MIB;
    static final long TIB = 1024 * GIB;
    private static final Pattern SIZE = Pattern.compile("(\\d{1,12})\\s*([MGT])B?");

    private SizeUnits() {
    }

    /** Bytes of a size string, or -1 when it is not one. */
    static long parse(String text) {
        Matcher m = SIZE.matcher(text.trim().toUpperCase(Locale.ROOT));
        if (!m.matches()) {
            return -1;
        }
        long amount = Long.parseLong(m.group(1));
        switch (m.group(2)) {
            case "M":
                return amount * MIB;
            case "G":
                return amount * GIB;
            default:
                return amount * TIB;
        }
    }

    /** The server's quota string: the largest unit that divides the size exactly ("10G", "1T", else MiB rounded up). */
    static String format(long bytes) {
        if (bytes % TIB == 0) {
            return bytes / TIB + "T";
        }
        if (bytes % GIB == 0) {
            return bytes / GIB + "G";
        }
        return mib(bytes) + "M";
    }

    static long mib(long bytes) {
        return (bytes + MIB - 1) / MIB;
    }
}
