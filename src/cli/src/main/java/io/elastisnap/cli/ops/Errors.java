// Licensed under the Apache License, Version 2.0. See LICENSE in the project root.
package io.elastisnap.cli.ops;

import io.elastisnap.cli.CliException;
import io.elastisnap.cli.ExitCode;
import io.elastisnap.elasticenter.ElastiCenterAuthException;
import io.elastisnap.elasticenter.ElastiCenterConnectionException;
import io.elastisnap.elasticenter.ElastiCenterException;
import io.elastisnap.elasticenter.ElastiCenterTimeoutException;
import io.elastisnap.elasticenter.ElastiCenterTlsException;
import io.elastisnap.engine.ConsistentSnapshotException;
import java.net.URI;

/** Turns library exceptions into the operator's one-line problem + fix and an exit code. */
public final class Errors {
    private Errors() {
    }

    /**
     * @param doing what the CLI was doing, e.g. "listing snapshots of volume X"
     */
    public static CliException elastiCenter(ElastiCenterException e, URI endpoint, String doing) {
        if (e instanceof ElastiCenterTlsException) {
            return new CliException(ExitCode.UNREACHABLE, "ElastiCenter at " + endpoint + " presented a certificate this"
                    + " host does not trust (" + e.getMessage() + ")",
                    "trust it with --ca-file CERT.pem or --pin-sha256 FINGERPRINT ('elastisnap doctor' prints the fingerprint)", e);
        }
        if (e instanceof ElastiCenterAuthException) {
            return new CliException(ExitCode.UNREACHABLE, "ElastiCenter at " + endpoint + " rejected the API key",
                    "put a valid admin API key in the key file (--api-key-file) or ELASTICENTER_API_KEY", e);
        }
        if (e instanceof ElastiCenterConnectionException) {
            return new CliException(ExitCode.UNREACHABLE, "cannot reach ElastiCenter at " + endpoint + " while " + doing
                    + " (" + e.getMessage() + ")", "check the URL (--url), DNS, routing and firewall to the ElastiCenter port", e);
        }
        if (e instanceof ElastiCenterTimeoutException) {
            return new CliException(ExitCode.UNREACHABLE, "ElastiCenter at " + endpoint + " did not answer in time while "
                    + doing + " (" + e.getMessage() + ")", "check ElastiCenter's load and the network; retry", e);
        }
        return new CliException(ExitCode.FAILED, "ElastiCenter failed while " + doing + ": " + e.getMessage(),
                "see ElastiCenter's event log for " + (e.command() == null ? "the command" : e.command()), e);
    }

    /** The exit code and advice for a failed consistent snapshot. */
    public static CliException snapshot(ConsistentSnapshotException e, URI endpoint) {
        Throwable cause = e.getCause();
        if (cause instanceof ElastiCenterException
                && (e.reason() == ConsistentSnapshotException.Reason.SNAPSHOT_FAILED
                || e.reason() == ConsistentSnapshotException.Reason.SNAPSHOT_TIMEOUT)) {
            CliException mapped = elastiCenter((ElastiCenterException) cause, endpoint, "taking the array snapshots");
            if (mapped.exitCode() == ExitCode.UNREACHABLE) {
                return mapped;
            }
        }
        String domain = e.domainName();
        String msg = e.getMessage();
        switch (e.reason()) {
            case INVALID_REQUEST:
                return new CliException(ExitCode.USAGE, msg, "correct the flags or the config file", e);
            case DOMAIN_NOT_FOUND:
                return new CliException(ExitCode.USAGE, msg, "check the name with: virsh list --all", e);
            case DOMAIN_NOT_RUNNING:
                return new CliException(ExitCode.REFUSED, msg, "start the domain (virsh start " + domain + ") and retry", e);
            case DOMAIN_BUSY:
            case ENGINE_BUSY:
                return new CliException(ExitCode.REFUSED, msg, "wait for the other snapshot of " + domain + " to finish, then retry", e);
            case AGENT_NOT_CONFIGURED:
                return consistency(e, "add the channel <channel type='unix'><target type='virtio' name='org.qemu.guest_agent.0'/>"
                        + "</channel> to the domain, or use --policy best-effort");
            case AGENT_NOT_RESPONDING:
            case FREEZE_UNSUPPORTED:
                return consistency(e, "install and start qemu-guest-agent in the guest ('elastisnap doctor " + domain
                        + "' checks it), or use --policy best-effort");
            case ALREADY_FROZEN:
                return consistency(e, "find who froze it (another backup tool?); thaw with: virsh domfsthaw " + domain);
            case FREEZE_FAILED:
            case FREEZE_TIMEOUT:
                return consistency(e, "check the guest agent and fsfreeze hooks in the guest, limit the freeze with"
                        + " --mount-point, or use --policy best-effort");
            case JOURNAL_FAILED:
                return new CliException(ExitCode.FAILED, msg, "make the state directory writable (--state-dir)", e);
            case THAW_GUARD_FAILED:
                return consistency(e, "install bash, virsh (libvirt-clients) and setsid (util-linux), make the state"
                        + " directory writable (--state-dir), or use --policy best-effort");
            case WINDOW_EXCEEDED:
                return new CliException(ExitCode.FAILED, msg, "the array answered too slowly; check ElastiCenter's load,"
                        + " or raise --max-frozen-window (keep it under 10 s for Windows guests)", e);
            case THAW_FAILED:
                return new CliException(ExitCode.FAILED, msg + " — THE GUEST MAY STILL BE FROZEN",
                        "thaw now: virsh domfsthaw " + domain + "; then check the guest agent", e);
            default:
                return new CliException(ExitCode.FAILED, msg, "rerun with --debug for the details", e);
        }
    }

    private static CliException consistency(ConsistentSnapshotException e, String fix) {
        return new CliException(ExitCode.CONSISTENCY, e.getMessage() + " (policy REQUIRED: no snapshot kept)", fix, e);
    }
}
