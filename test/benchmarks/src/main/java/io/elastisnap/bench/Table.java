// Licensed under the Apache License, Version 2.0. See LICENSE in the project root.
package io.elastisnap.bench;

import java.io.PrintStream;
import java.util.ArrayList;
import java.util.List;

/** A Markdown table, ready to paste into the README. */
final class Table {
    private final String[] header;
    private final List<String[]> rows = new ArrayList<>();

    Table(String... header) {
        this.header = header;
    }

    Table row(Object... cells) {
        String[] r = new String[cells.length];
        for (int i = 0; i < cells.length; i++) {
            r[i] = String.valueOf(cells[i]);
        }
        rows.add(r);
        return this;
    }

    void print(PrintStream out) {
        int[] w = new int[header.length];
        for (int i = 0; i < header.length; i++) {
            w[i] = header[i].length();
            for (String[] r : rows) {
                w[i] = Math.max(w[i], r[i].length());
            }
        }
        line(out, header, w);
        StringBuilder sep = new StringBuilder("|");
        for (int width : w) {
            sep.append("-".repeat(width + 2)).append('|');
        }
        out.println(sep);
        rows.forEach(r -> line(out, r, w));
        out.flush();
    }

    private static void line(PrintStream out, String[] cells, int[] w) {
        StringBuilder b = new StringBuilder("|");
        for (int i = 0; i < cells.length; i++) {
            b.append(' ').append(cells[i]).append(" ".repeat(w[i] - cells[i].length())).append(" |");
        }
        out.println(b);
    }
}
