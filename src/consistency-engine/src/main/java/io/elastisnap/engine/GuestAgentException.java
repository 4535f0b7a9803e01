// Licensed under the Apache License, Version 2.0. See LICENSE in the project root.
package io.elastisnap.engine;

import java.util.Objects;

/** A {@link GuestQuiescer} call failed; {@link #kind()} says how, the message says it in words. */
public class GuestAgentException extends Exception {
    private static final long serialVersionUID = 1L;

    /** Failure classes the engine acts on. */
    public enum Kind {
        /** No domain with that name. */
        DOMAIN_NOT_FOUND(true),
        /** The domain is not running (shut off, crashed). */
        DOMAIN_NOT_RUNNING(true),
        /**
         * The domain is paused: libvirt refuses agent commands until it runs again, but a freeze in effect before the
         * pause is still in effect after it, so this proves nothing about the freeze.
         */
        DOMAIN_PAUSED(false),
        /** The domain has no guest agent channel. */
        AGENT_NOT_CONFIGURED(true),
        /** The agent channel exists but no agent is connected, or the agent failed to sync. */
        AGENT_NOT_RESPONDING(false),
        /** The call did not complete within its timeout (the agent may still execute it later). */
        TIMEOUT(false),
        /** The agent refuses the command because its file systems are frozen. */
        AGENT_FROZEN(false),
        /** The agent (or the libvirt driver) does not support or has disabled the command. */
        COMMAND_UNSUPPORTED(true),
        /** The agent executed the command and reported an error. */
        COMMAND_FAILED(false),
        /** The reply could not be understood. */
        PROTOCOL(false),
        /** Anything else. */
        FAILED(false);

        private final boolean guestCannotBeFrozenByUs;

        Kind(boolean guestCannotBeFrozenByUs) {
            this.guestCannotBeFrozenByUs = guestCannotBeFrozenByUs;
        }

        /** True when this failure proves no freeze sent through this channel can be in effect (nothing to thaw). */
        public boolean guestCannotBeFrozenByUs() {
            return guestCannotBeFrozenByUs;
        }
    }

    private final Kind kind;

    public GuestAgentException(Kind kind, String message) {
        this(kind, message, null);
    }

    public GuestAgentException(Kind kind, String message, Throwable cause) {
        super(message, cause);
        this.kind = Objects.requireNonNull(kind, "kind");
    }

    public Kind kind() {
        return kind;
    }
}
