// Licensed under the Apache License, Version 2.0. See LICENSE in the project root.
package io.elastisnap.elasticenter;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.Objects;

/**
 * A credential (the ElastiCenter API key) that never shows itself: {@link #toString()} is {@code Secret[****]} and
 * the value is {@code transient}, so neither Java serialization nor Gson writes it. Only {@link #reveal()} returns it.
 * Two secrets are equal when their values are (compared in constant time), so a secret can key a cache of clients
 * without a second copy or a digest of the value.
 */
public final class Secret {
    private static final String MASK = "****";

    private final transient String value;

    private Secret(String value) {
        this.value = value;
    }

    /**
     * Wraps a credential. Control characters are refused because they cannot travel in a URL query and usually mean
     * the value was read with a trailing newline; the message never echoes the value.
     */
    public static Secret of(String value) {
        Objects.requireNonNull(value, "secret value");
        if (value.isEmpty()) {
            throw new IllegalArgumentException("secret value must not be empty");
        }
        for (int i = 0; i < value.length(); i++) {
            if (Character.isISOControl(value.charAt(i))) {
                throw new IllegalArgumentException("secret value contains a control character at index " + i
                        + " (a trailing newline from a key file?)");
            }
        }
        return new Secret(value);
    }

    /** The credential itself; call only where it must travel, never to log or display. */
    public String reveal() {
        if (value == null) {
            throw new IllegalStateException("secret was deserialized and no longer holds a value");
        }
        return value;
    }

    /** The text shown in place of a secret. */
    public static String mask() {
        return MASK;
    }

    @Override
    public boolean equals(Object other) {
        return other instanceof Secret && value != null && ((Secret) other).value != null
                && MessageDigest.isEqual(value.getBytes(StandardCharsets.UTF_8), ((Secret) other).value.getBytes(StandardCharsets.UTF_8));
    }

    @Override
    public int hashCode() {
        return Objects.hashCode(value);
    }

    @Override
    public String toString() {
        return "Secret[" + MASK + "]";
    }
}
