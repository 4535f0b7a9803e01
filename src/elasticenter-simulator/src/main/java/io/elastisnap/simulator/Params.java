// Licensed under the Apache License, Version 2.0. See LICENSE in the project root.
package io.elastisnap.simulator;

import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;

/** Query parameters of one request, names matched case-insensitively ([INFERRED] as CloudStack does). */
final class Params {
    /** Parameters that authenticate a request or carry a secret; they are never recorded or logged. */
    static final Set<String> CREDENTIALS = Set.of("apikey", "signature", "signatureversion", "expires", "sessionkey",
            "chappassword", "mutualchappassword");

    private final String command;
    private final Map<String, String> values;

    private Params(String command, Map<String, String> values) {
        this.command = command;
        this.values = values;
    }

    /** Decodes {@code a=b&c=d}; percent escapes and '+' as space. The first occurrence of a name wins. */
    static Map<String, String> decode(String query) {
        Map<String, String> values = new TreeMap<>(String.CASE_INSENSITIVE_ORDER);
        if (query == null || query.isEmpty()) {
            return values;
        }
        for (String pair : query.split("&")) {
            if (pair.isEmpty()) {
                continue;
            }
            int eq = pair.indexOf('=');
            String name = URLDecoder.decode(eq < 0 ? pair : pair.substring(0, eq), StandardCharsets.UTF_8);
            String value = eq < 0 ? "" : URLDecoder.decode(pair.substring(eq + 1), StandardCharsets.UTF_8);
            values.putIfAbsent(name, value);
        }
        return values;
    }

    static Params of(String command, Map<String, String> values) {
        return new Params(command, values);
    }

    String command() {
        return command;
    }

    /** The value, or null when absent or empty (clients drop null parameters; an empty one is as good as none). */
    String optional(String name) {
        String value = values.get(name);
        return value == null || value.isEmpty() ? null : value;
    }

    String optional(String name, String fallback) {
        String value = optional(name);
        return value == null ? fallback : value;
    }

    String required(String name) {
        String value = optional(name);
        if (value == null) {
            throw ApiException.missingParameter(command, name);
        }
        return value;
    }

    Boolean optionalBoolean(String name) {
        String value = optional(name);
        if (value == null) {
            return null;
        }
        String lower = value.toLowerCase(Locale.ROOT);
        if (lower.equals("true") || lower.equals("false")) {
            return Boolean.valueOf(lower);
        }
        throw ApiException.invalidParameter(command, name, value);
    }

    boolean optionalBoolean(String name, boolean fallback) {
        Boolean value = optionalBoolean(name);
        return value == null ? fallback : value;
    }

    Long optionalLong(String name) {
        String value = optional(name);
        if (value == null) {
            return null;
        }
        try {
            long parsed = Long.parseLong(value.trim());
            if (parsed < 0) {
                throw ApiException.invalidParameter(command, name, value);
            }
            return parsed;
        } catch (NumberFormatException e) {
            throw ApiException.invalidParameter(command, name, value);
        }
    }

    /** Parses a size such as {@code 10G}, {@code 1T} or {@code 93697M} into bytes; zero and garbage are refused. */
    long requiredSize(String name) {
        String value = required(name);
        long bytes = SizeUnits.parse(value);
        if (bytes <= 0) {
            // [INFERRED] CloudStack sends "0T" for <= 1 GiB and "nullG" in one path; the real answer is unknown.
            throw ApiException.invalidParameter(command, name, value);
        }
        return bytes;
    }

    Map<String, String> all() {
        return values;
    }
}
