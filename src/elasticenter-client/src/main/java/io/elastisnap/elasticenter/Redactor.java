// Licensed under the Apache License, Version 2.0. See LICENSE in the project root.
package io.elastisnap.elasticenter;

import java.io.IOException;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.util.Collections;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * Removes the API key from text that may have seen a request URL: server texts, HttpClient exception messages.
 * Our own log lines and messages never insert the key in the first place; this is the second line of defence.
 */
final class Redactor {
    private final List<String> forms;

    Redactor(Secret apiKey) {
        String raw = apiKey.reveal();
        String encoded = URLEncoder.encode(raw, StandardCharsets.UTF_8);
        this.forms = encoded.equals(raw) ? List.of(raw) : List.of(raw, encoded, encoded.replace("+", "%20"));
    }

    // listiSCSIAuthUser answers CHAP secrets in clear ("chappassword", "mutualchappassword").
    private static final Pattern CHAP_SECRET_FIELD = Pattern.compile(
            "(\"(?:mutual)?chappassword\"\\s*:\\s*)\"(?:[^\"\\\\]|\\\\.)*\"", Pattern.CASE_INSENSITIVE);

    /** A JSON text with the value of every CHAP secret field masked. */
    static String maskChapSecrets(String json) {
        return CHAP_SECRET_FIELD.matcher(json).replaceAll("$1\"" + Secret.mask() + "\"");
    }

    String redact(String text) {
        if (text == null) {
            return null;
        }
        String result = text;
        for (String form : forms) {
            result = result.replace(form, Secret.mask());
        }
        return result;
    }

    /**
     * {@code error} itself when no message in its cause chain (or suppressed list) holds the key, else a copy of the
     * chain with redacted messages and the original stack traces, so nothing that logs it can leak the key.
     */
    Throwable sanitize(Throwable error) {
        if (error == null || !leaks(error, Collections.newSetFromMap(new IdentityHashMap<>()))) {
            return error;
        }
        return copy(error, Collections.newSetFromMap(new IdentityHashMap<>()));
    }

    private boolean leaks(Throwable t, Set<Throwable> seen) {
        if (t == null || !seen.add(t)) {
            return false;
        }
        if (!redact(String.valueOf(t.getMessage())).equals(String.valueOf(t.getMessage()))) {
            return true;
        }
        for (Throwable suppressed : t.getSuppressed()) {
            if (leaks(suppressed, seen)) {
                return true;
            }
        }
        return leaks(t.getCause(), seen);
    }

    private Throwable copy(Throwable t, Set<Throwable> seen) {
        if (t == null || !seen.add(t)) {
            return null;
        }
        RedactedException copy = new RedactedException(t.getClass().getName() + ": " + redact(t.getMessage()),
                copy(t.getCause(), seen));
        copy.setStackTrace(t.getStackTrace());
        for (Throwable suppressed : t.getSuppressed()) {
            Throwable redacted = copy(suppressed, seen);
            if (redacted != null) {
                copy.addSuppressed(redacted);
            }
        }
        return copy;
    }

    /** Stands in for an exception whose message contained the key; names the original class in its message. */
    static final class RedactedException extends IOException {
        private static final long serialVersionUID = 1L;

        RedactedException(String message, Throwable cause) {
            super(message, cause);
        }
    }
}
