// Licensed under the Apache License, Version 2.0. See LICENSE in the project root.
package io.elastisnap.cli.output;

import io.elastisnap.transfer.ProgressListener;
import java.io.PrintStream;

/** A one-line progress bar on stderr, redrawn in place; only on a terminal, never in --json mode. */
public final class ProgressBar implements ProgressListener {
    private static final int WIDTH = 30;
    private final PrintStream err;
    private final String label;
    private int shown = -1;

    private ProgressBar(PrintStream err, String label) {
        this.err = err;
        this.label = label;
    }

    /** A bar when {@code terminal} and not JSON output, else a listener that prints nothing. */
    public static ProgressListener forTerminal(Output output, PrintStream err, boolean terminal, String label) {
        return terminal && !output.json() ? new ProgressBar(err, label) : ProgressListener.NONE;
    }

    @Override
    public synchronized void percent(double percent) {
        int whole = (int) Math.floor(percent);
        if (whole == shown) {
            return;
        }
        shown = whole;
        int filled = whole * WIDTH / 100;
        err.print("\r  " + label + " [" + "#".repeat(filled) + " ".repeat(WIDTH - filled) + "] " + whole + "%");
        if (whole >= 100) {
            err.println();
        }
        err.flush();
    }
}
