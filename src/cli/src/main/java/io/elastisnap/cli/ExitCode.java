// Licensed under the Apache License, Version 2.0. See LICENSE in the project root.
package io.elastisnap.cli;

/** The process exit codes; part of the CLI's stable interface for scripts (documented in the README and in --help). */
public enum ExitCode {
    OK(0, "ok", "success"),
    FAILED(1, "failed", "the operation failed (array or libvirt error, doctor check failed, drift left unresolved)"),
    USAGE(2, "usage", "bad input: flags, config file, unknown domain, disk, volume or snapshot"),
    UNREACHABLE(3, "unreachable", "ElastiCenter or libvirt unreachable, TLS trust refused, API key rejected"),
    CONSISTENCY(4, "consistency", "policy REQUIRED and the guest file systems could not be frozen; nothing was kept"),
    REFUSED(5, "refused", "refused by a safety guard (running domain, newer snapshots) or another run holds the lock");

    private final int code;
    private final String kind;
    private final String meaning;

    ExitCode(int code, String kind, String meaning) {
        this.code = code;
        this.kind = kind;
        this.meaning = meaning;
    }

    public int code() {
        return code;
    }

    /** Stable machine-readable name used in --json error objects. */
    public String kind() {
        return kind;
    }

    public String meaning() {
        return meaning;
    }

    /** The table printed at the end of --help. */
    public static String helpTable() {
        StringBuilder sb = new StringBuilder();
        for (ExitCode c : values()) {
            sb.append(String.format("  %d  %-12s %s%n", c.code(), c.kind(), c.meaning()));
        }
        return sb.toString();
    }
}
