// Licensed under the Apache License, Version 2.0. See LICENSE in the project root.
package io.elastisnap.engine;

/** How a thaw loop ended. */
final class ThawConfirmation {
    enum Kind {
        /** The agent reported status {@code thawed}. */
        THAWED,
        /** Nothing can be frozen any more (domain gone or shut off, no agent channel). */
        NOTHING_FROZEN,
        /** Not confirmed within the retry period; see {@link #knownFrozen}. */
        NOT_CONFIRMED
    }

    final Kind kind;
    final String detail;
    /** The agent said {@code frozen} at some point (or the freeze was confirmed): the guest may well still be frozen. */
    final boolean knownFrozen;
    final int thawCalls;
    final long atNanos;

    ThawConfirmation(Kind kind, String detail, boolean knownFrozen, int thawCalls) {
        this.kind = kind;
        this.detail = detail;
        this.knownFrozen = knownFrozen;
        this.thawCalls = thawCalls;
        this.atNanos = System.nanoTime();
    }

    boolean isThawed() {
        return kind != Kind.NOT_CONFIRMED;
    }

    String describe() {
        switch (kind) {
            case THAWED:
                return "guest thaw confirmed";
            case NOTHING_FROZEN:
                return "guest cannot be frozen any more (" + detail + ")";
            default:
                return "guest thaw NOT confirmed" + (knownFrozen ? " and the guest was seen frozen" : "")
                        + (detail == null ? "" : " (last problem: " + detail + ")");
        }
    }
}
