// Licensed under the Apache License, Version 2.0. See LICENSE in the project root.
package io.elastisnap.cli;

import java.util.Objects;

/**
 * A failure the operator can act on: one line naming the problem and one naming the fix. Messages must never contain
 * the API key (they are built from names, ids and URLs only).
 */
public class CliException extends RuntimeException {
    private static final long serialVersionUID = 1L;
    private final ExitCode exitCode;
    private final String fix;

    public CliException(ExitCode exitCode, String problem, String fix) {
        this(exitCode, problem, fix, null);
    }

    public CliException(ExitCode exitCode, String problem, String fix, Throwable cause) {
        super(Objects.requireNonNull(problem), cause);
        this.exitCode = Objects.requireNonNull(exitCode);
        this.fix = fix;
    }

    public ExitCode exitCode() {
        return exitCode;
    }

    /** What to do about it; may be null when there is nothing better to say than the problem itself. */
    public String fix() {
        return fix;
    }

    /** The single line shown to humans. */
    public String oneLine() {
        return fix == null ? getMessage() : getMessage() + " — fix: " + fix;
    }
}
