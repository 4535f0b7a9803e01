// Licensed under the Apache License, Version 2.0. See LICENSE in the project root.
package io.elastisnap.cli;

import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Locale;

/** Command names a mistyped one may have meant. */
final class Suggestions {
    private Suggestions() {
    }

    /**
     * The names one typo away from {@code typed} (a letter wrong, missing or extra, or two neighbours swapped), or
     * that start with it (at least three letters), in the order given.
     */
    static List<String> closeTo(String typed, Collection<String> names) {
        String t = typed.toLowerCase(Locale.ROOT);
        List<String> close = new ArrayList<>();
        for (String name : names) {
            if (distance(t, name) <= 1 || (t.length() >= 3 && name.startsWith(t))) {
                close.add(name);
            }
        }
        return close;
    }

    /** Optimal string alignment distance: insertions, deletions, substitutions and adjacent transpositions. */
    private static int distance(String a, String b) {
        int[][] d = new int[a.length() + 1][b.length() + 1];
        for (int i = 0; i <= a.length(); i++) {
            d[i][0] = i;
        }
        for (int j = 0; j <= b.length(); j++) {
            d[0][j] = j;
        }
        for (int i = 1; i <= a.length(); i++) {
            for (int j = 1; j <= b.length(); j++) {
                int cost = a.charAt(i - 1) == b.charAt(j - 1) ? 0 : 1;
                d[i][j] = Math.min(Math.min(d[i - 1][j] + 1, d[i][j - 1] + 1), d[i - 1][j - 1] + cost);
                if (i > 1 && j > 1 && a.charAt(i - 1) == b.charAt(j - 2) && a.charAt(i - 2) == b.charAt(j - 1)) {
                    d[i][j] = Math.min(d[i][j], d[i - 2][j - 2] + 1);
                }
            }
        }
        return d[a.length()][b.length()];
    }
}
