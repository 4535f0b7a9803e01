// Licensed under the Apache License, Version 2.0. See LICENSE in the project root.
package io.elastisnap.cli;

import java.io.PrintStream;
import java.util.Map;

/** The process's streams and environment, injectable so tests run the CLI in-process. */
public final class RunEnvironment {
    private final PrintStream out;
    private final PrintStream err;
    private final Map<String, String> env;

    public RunEnvironment(PrintStream out, PrintStream err, Map<String, String> env) {
        this.out = out;
        this.err = err;
        this.env = env;
    }

    public PrintStream out() {
        return out;
    }

    public PrintStream err() {
        return err;
    }

    public Map<String, String> env() {
        return env;
    }
}
