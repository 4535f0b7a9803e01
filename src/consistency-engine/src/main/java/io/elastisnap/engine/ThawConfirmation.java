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
    /** libvirt refused a thaw because the domain was paused: its file systems stayed frozen for the pause. */
    final boolean pausedWhileFrozen;
    final long atNanos;

    ThawConfirmation(Kind kind, String detail, boolean knownFrozen, int thawCalls) {
        this(kind, detail, knownFrozen, thawCalls, false);
    }

    ThawConfirmation(Kind kind, String detail, boolean knownFrozen, int thawCalls, boolean pausedWhileFrozen) {
        this.kind = kind;
        this.detail = detail;
        this.knownFrozen = knownFrozen;
        this.thawCalls = thawCalls;
        this.pausedWhileFrozen = pausedWhileFrozen;
        this.atNanos = System.nanoTime();
    }

    boolean isThawed() {
        return kind != Kind.NOT_CONFIRMED;
    }

    String describe() {
        switch (kind) {
            case THAWED:
                return "guest thaw confirmed" + (pausedWhileFrozen
                        ? " (the domain had been paused while frozen: the guest stayed frozen for the pause too)" : "");
            case NOTHING_FROZEN:
                return "guest cannot be frozen any more (" + detail + ")";
            default:
                return "guest thaw NOT confirmed" + (knownFrozen ? " and the guest was seen frozen" : "")
                        + (pausedWhileFrozen ? " (the domain is paused with its file systems frozen; they stay frozen until"
                        + " it runs again, and the thaw goes on until then)" : "")
                        + (detail == null ? "" : " (last problem: " + detail + ")");
        }
    }
}
