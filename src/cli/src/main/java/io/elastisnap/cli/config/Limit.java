// Licensed under the Apache License, Version 2.0. See LICENSE in the project root.
package io.elastisnap.cli.config;

import java.util.Arrays;
import java.util.Optional;
import java.util.stream.Collectors;

/** The freeze limits an operator can set (config keys {@code limits.<key>}, flags {@code --<key>}). */
public enum Limit {
    MAX_FROZEN_WINDOW("max-frozen-window"),
    FREEZE_TIMEOUT("freeze-timeout"),
    THAW_TIMEOUT("thaw-timeout"),
    THAW_RETRY_FOR("thaw-retry-for"),
    PREFLIGHT_TIMEOUT("preflight-timeout");

    private final String key;

    Limit(String key) {
        this.key = key;
    }

    public String key() {
        return key;
    }

    public static Optional<Limit> byKey(String key) {
        return Arrays.stream(values()).filter(l -> l.key.equals(key)).findFirst();
    }

    public static String allKeys() {
        return Arrays.stream(values()).map(Limit::key).collect(Collectors.joining(", "));
    }
}
