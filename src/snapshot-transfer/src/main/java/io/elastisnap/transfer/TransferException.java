// Licensed under the Apache License, Version 2.0. See LICENSE in the project root.
package io.elastisnap.transfer;

import java.util.Objects;

/**
 * A transfer failed or was refused. The message names what (the file, the clone, the volume) and {@link #fix()} what
 * to do. Messages are built from names, paths and ids only: never an API key or CHAP secret.
 */
public class TransferException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    /** Why, for callers that map failures to exit codes or CloudStack answers. */
    public enum Kind {
        /** A checksum, size or format check failed: the data is not what the manifest says. */
        CORRUPT,
        /** The target has no room left. */
        NO_SPACE,
        /** Reading the source failed (the iSCSI connection dropped, the device vanished). */
        SOURCE_FAILED,
        /** The array refused or failed a call (clone, delete). */
        ARRAY_FAILED,
        /** The request makes no sense (missing export, wrong path, size mismatch). */
        BAD_INPUT,
        /** Anything else (qemu-img missing, I/O error on the target). */
        FAILED
    }

    private final Kind kind;
    private final String fix;

    public TransferException(Kind kind, String problem, String fix) {
        this(kind, problem, fix, null);
    }

    public TransferException(Kind kind, String problem, String fix, Throwable cause) {
        super(Objects.requireNonNull(problem), cause);
        this.kind = Objects.requireNonNull(kind);
        this.fix = fix;
    }

    public Kind kind() {
        return kind;
    }

    /** What to do about it; null when there is nothing better to say than the problem. */
    public String fix() {
        return fix;
    }
}
