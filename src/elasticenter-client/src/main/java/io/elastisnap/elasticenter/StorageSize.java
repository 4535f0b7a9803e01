// Licensed under the Apache License, Version 2.0. See LICENSE in the project root.
package io.elastisnap.elasticenter;

import java.math.BigDecimal;
import java.math.BigInteger;
import java.math.RoundingMode;
import java.util.Locale;
import java.util.OptionalLong;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * ElastiCenter size notation. The server writes quotas as {@code "10G"}, {@code "1T"}, {@code "93697M"} (binary
 * units), space figures such as {@code numericquota} or {@code currentTotalSpace} as MiB numbers, and takes sizes as
 * {@code <n>G} / {@code <n>T}.
 */
public final class StorageSize {
    public static final long KIB = 1024L;
    public static final long MIB = 1024L * KIB;
    public static final long GIB = 1024L * MIB;
    public static final long TIB = 1024L * GIB;

    // A number, an optional binary unit letter, an optional "B"/"iB": 10G, 1.5T, 26K, 512B, 10 GiB, 4096.
    private static final Pattern SIZE = Pattern.compile("(\\d{1,15}(?:\\.\\d{1,9})?)\\s*(?:([BKMGTP])(?:I?B)?)?");

    private StorageSize() {
    }

    /** Bytes of a size string such as {@code 10G}, {@code 1.5T}, {@code 26K} or {@code 512B}; empty if it is none. */
    public static OptionalLong parseBytes(String text) {
        if (text == null) {
            return OptionalLong.empty();
        }
        Matcher m = SIZE.matcher(text.trim().toUpperCase(Locale.ROOT));
        if (!m.matches()) {
            return OptionalLong.empty();
        }
        long unit = unitBytes(m.group(2));
        BigInteger bytes = new BigDecimal(m.group(1)).multiply(BigDecimal.valueOf(unit))
                .setScale(0, RoundingMode.CEILING).toBigIntegerExact();
        return bytes.bitLength() < Long.SIZE ? OptionalLong.of(bytes.longValueExact()) : OptionalLong.empty();
    }

    /** Bytes of a MiB figure such as {@code numericquota} 10240.0; empty for negative or absurd values. */
    public static OptionalLong mebibytesToBytes(double mebibytes) {
        double bytes = Math.ceil(mebibytes * MIB);
        if (!Double.isFinite(bytes) || bytes < 0 || bytes >= Long.MAX_VALUE) {
            return OptionalLong.empty();
        }
        return OptionalLong.of((long) bytes);
    }

    /**
     * The {@code quotasize} value for at least {@code bytes}: whole TiB as {@code <n>T}, else rounded up to whole GiB
     * as {@code <n>G} (the units the server is known to take).
     */
    public static String toQuotaSize(long bytes) {
        if (bytes <= 0) {
            throw new IllegalArgumentException("a volume size must be positive, got " + bytes + " bytes");
        }
        if (bytes % TIB == 0) {
            return bytes / TIB + "T";
        }
        return ((bytes - 1) / GIB + 1) + "G";
    }

    private static long unitBytes(String letter) {
        if (letter == null) {
            return 1;
        }
        switch (letter) {
            case "K":
                return KIB;
            case "M":
                return MIB;
            case "G":
                return GIB;
            case "T":
                return TIB;
            case "P":
                return TIB * 1024;
            default:
                return 1;
        }
    }
}
