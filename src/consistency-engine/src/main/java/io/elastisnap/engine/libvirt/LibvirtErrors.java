// Licensed under the Apache License, Version 2.0. See LICENSE in the project root.
package io.elastisnap.engine.libvirt;

import io.elastisnap.engine.GuestAgentException;
import io.elastisnap.engine.GuestAgentException.Kind;
import java.util.Locale;
import org.libvirt.Error;
import org.libvirt.Error.ErrorNumber;
import org.libvirt.LibvirtException;

/**
 * Maps libvirt errors to {@link Kind}s. Error codes come first; the texts (libvirt 9.0, QEMU/qemu-ga 7.2) refine them
 * where libvirt uses one code for different situations (e.g. AGENT_UNRESPONSIVE for "not connected" and for a
 * timed-out command). Texts are English unless libvirt runs with a translated locale; the codes still work then.
 */
public final class LibvirtErrors {
    private LibvirtErrors() {
    }

    public static GuestAgentException classify(LibvirtException e, String what) {
        Error error = e.getError();
        ErrorNumber code = error == null ? null : error.getCode();
        String message = error == null || error.getMessage() == null ? e.getMessage() : error.getMessage();
        Kind kind = kindOf(code, message);
        return new GuestAgentException(kind, what + " failed: " + explain(kind, message), e);
    }

    static Kind kindOf(ErrorNumber code, String message) {
        String text = message == null ? "" : message.toLowerCase(Locale.ROOT);
        Kind fromText = classifyAgentDescription(text);
        if (fromText == Kind.AGENT_FROZEN) {
            return fromText;
        }
        if (code != null) {
            switch (code) {
                case VIR_ERR_NO_DOMAIN:
                    return Kind.DOMAIN_NOT_FOUND;
                case VIR_ERR_AGENT_UNRESPONSIVE:
                    return text.contains("not available for now") ? Kind.TIMEOUT : Kind.AGENT_NOT_RESPONDING;
                case VIR_ERR_AGENT_UNSYNCED:
                    return Kind.AGENT_NOT_RESPONDING;
                case VIR_ERR_OPERATION_TIMEOUT:
                    return Kind.TIMEOUT;
                case VIR_ERR_NO_SUPPORT:
                    return Kind.COMMAND_UNSUPPORTED;
                case VIR_ERR_ARGUMENT_UNSUPPORTED:
                case VIR_ERR_OPERATION_UNSUPPORTED:
                    return text.contains("agent is not configured") ? Kind.AGENT_NOT_CONFIGURED : Kind.COMMAND_UNSUPPORTED;
                case VIR_ERR_OPERATION_INVALID:
                    if (text.contains("not running")) {
                        return Kind.DOMAIN_NOT_RUNNING;
                    }
                    break;
                default:
                    break;
            }
        }
        if (text.contains("agent is not configured")) {
            return Kind.AGENT_NOT_CONFIGURED;
        }
        if (text.contains("domain is not running")) {
            return Kind.DOMAIN_NOT_RUNNING;
        }
        if (text.contains("domain not found") || text.contains("no domain with matching")) {
            return Kind.DOMAIN_NOT_FOUND;
        }
        if (text.contains("not available for now")) {
            return Kind.TIMEOUT;
        }
        if (text.contains("agent is not connected") || text.contains("agent is not responding")
                || text.contains("agent disappeared")) {
            return Kind.AGENT_NOT_RESPONDING;
        }
        if (fromText != null) {
            return fromText;
        }
        if (text.contains("unable to execute qemu agent command")) {
            return Kind.COMMAND_FAILED;
        }
        return Kind.FAILED;
    }

    /** Kind of a qemu-ga error description ({@code error.desc}), or null when it says nothing specific. */
    static Kind classifyAgentDescription(String description) {
        String text = description == null ? "" : description.toLowerCase(Locale.ROOT);
        if (text.contains("frozen state")) {
            return Kind.AGENT_FROZEN;
        }
        if (text.contains("has been disabled") || text.contains("has not been found")
                || text.contains("command is not currently supported") || text.contains("not supported by the connection driver")) {
            return Kind.COMMAND_UNSUPPORTED;
        }
        return null;
    }

    /** The libvirt text plus, where the text alone is cryptic, what it means for a snapshot. */
    static String explain(Kind kind, String message) {
        String text = message == null ? "(no message)" : message;
        switch (kind) {
            case AGENT_NOT_CONFIGURED:
                return text + " (the domain XML has no org.qemu.guest_agent.0 channel)";
            case AGENT_NOT_RESPONDING:
                return text + " (is qemu-guest-agent installed and running in the guest?)";
            case TIMEOUT:
                return text + " (the guest agent did not answer in time; it may still execute the command later)";
            case AGENT_FROZEN:
                return text + " (the guest file systems are frozen)";
            case COMMAND_UNSUPPORTED:
                return text.contains("virDomainQemuAgentCommand")
                        ? text + " (this libvirt driver cannot pass commands to a QEMU guest agent)"
                        : text;
            default:
                return text;
        }
    }
}
