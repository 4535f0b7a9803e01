// Licensed under the Apache License, Version 2.0. See LICENSE in the project root.
package io.elastisnap.cloudstackit;

import static org.junit.Assert.fail;

import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashSet;
import java.util.Base64;
import java.util.Set;

/** The forms a key could leak in: as typed, URL-encoded, Base64 (of its bytes), and their counting. */
final class KeyForms {
    private final Set<String> forms = new LinkedHashSet<>();

    KeyForms(String key) {
        forms.add(key);
        forms.add(URLEncoder.encode(key, StandardCharsets.UTF_8));
        forms.add(Base64.getEncoder().encodeToString(key.getBytes(StandardCharsets.UTF_8)));
        forms.add(Base64.getUrlEncoder().withoutPadding().encodeToString(key.getBytes(StandardCharsets.UTF_8)));
    }

    /** Occurrences of any form of the key in the text. */
    int count(String text) {
        int total = 0;
        for (String form : forms) {
            for (int at = text.indexOf(form); at >= 0; at = text.indexOf(form, at + form.length())) {
                total++;
            }
        }
        return total;
    }

    void assertAbsent(String where, String text) {
        int count = count(text);
        if (count > 0) {
            // never print the text: it holds the key
            fail(where + " carries the ElastiCenter API key (" + count + " occurrence(s))");
        }
    }
}
