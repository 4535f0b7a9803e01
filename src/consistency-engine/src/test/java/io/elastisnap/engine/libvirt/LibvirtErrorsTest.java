// Licensed under the Apache License, Version 2.0. See LICENSE in the project root.
package io.elastisnap.engine.libvirt;

import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertTrue;

import io.elastisnap.engine.GuestAgentException.Kind;
import org.junit.Test;
import org.libvirt.Error.ErrorNumber;

/** Error codes and texts as libvirt 9.0 reports them with QEMU 7.2 and qemu-ga 7.2. */
public class LibvirtErrorsTest {

    @Test
    public void agentNotConfigured() {
        assertEquals(Kind.AGENT_NOT_CONFIGURED, LibvirtErrors.kindOf(ErrorNumber.VIR_ERR_ARGUMENT_UNSUPPORTED,
                "argument unsupported: QEMU guest agent is not configured"));
    }

    @Test
    public void agentNotConnectedIsNotResponding() {
        assertEquals(Kind.AGENT_NOT_RESPONDING, LibvirtErrors.kindOf(ErrorNumber.VIR_ERR_AGENT_UNRESPONSIVE,
                "Guest agent is not responding: QEMU guest agent is not connected"));
        assertEquals(Kind.AGENT_NOT_RESPONDING, LibvirtErrors.kindOf(ErrorNumber.VIR_ERR_AGENT_UNSYNCED,
                "guest agent replied with wrong id to guest-sync"));
    }

    @Test
    public void agentTimeoutIsATimeout() {
        assertEquals(Kind.TIMEOUT, LibvirtErrors.kindOf(ErrorNumber.VIR_ERR_AGENT_UNRESPONSIVE,
                "Guest agent is not responding: Guest agent not available for now"));
        assertEquals(Kind.TIMEOUT, LibvirtErrors.kindOf(ErrorNumber.VIR_ERR_OPERATION_TIMEOUT,
                "Timed out during operation: cannot acquire state change lock (held by agent=remoteDispatchDomainQemuAgentCommand)"));
    }

    @Test
    public void domainStates() {
        assertEquals(Kind.DOMAIN_NOT_RUNNING, LibvirtErrors.kindOf(ErrorNumber.VIR_ERR_OPERATION_INVALID,
                "Requested operation is not valid: domain is not running"));
        assertEquals(Kind.DOMAIN_NOT_FOUND, LibvirtErrors.kindOf(ErrorNumber.VIR_ERR_NO_DOMAIN,
                "Domain not found: no domain with matching name 'i-2-10-VM'"));
    }

    @Test
    public void frozenStateWinsOverTheGenericInternalError() {
        assertEquals(Kind.AGENT_FROZEN, LibvirtErrors.kindOf(ErrorNumber.VIR_ERR_INTERNAL_ERROR,
                "internal error: unable to execute QEMU agent command 'guest-fsfreeze-freeze': "
                        + "Command guest-fsfreeze-freeze has been disabled: the agent is in frozen state"));
    }

    @Test
    public void unsupportedCommands() {
        assertEquals(Kind.COMMAND_UNSUPPORTED, LibvirtErrors.kindOf(ErrorNumber.VIR_ERR_NO_SUPPORT,
                "this function is not supported by the connection driver: virDomainQemuAgentCommand"));
        assertEquals(Kind.COMMAND_UNSUPPORTED, LibvirtErrors.kindOf(ErrorNumber.VIR_ERR_INTERNAL_ERROR,
                "internal error: unable to execute QEMU agent command 'guest-fsfreeze-freeze-list': "
                        + "The command guest-fsfreeze-freeze-list has not been found"));
        assertEquals(Kind.COMMAND_UNSUPPORTED, LibvirtErrors.kindOf(ErrorNumber.VIR_ERR_INTERNAL_ERROR,
                "internal error: unable to execute QEMU agent command 'guest-fsfreeze-freeze': Command guest-fsfreeze-freeze has been disabled"));
        assertEquals(Kind.COMMAND_UNSUPPORTED, LibvirtErrors.kindOf(ErrorNumber.VIR_ERR_ARGUMENT_UNSUPPORTED,
                "argument unsupported: specifying mountpoints is not supported"));
    }

    @Test
    public void agentErrorsAndEverythingElse() {
        assertEquals(Kind.COMMAND_FAILED, LibvirtErrors.kindOf(ErrorNumber.VIR_ERR_INTERNAL_ERROR,
                "internal error: unable to execute QEMU agent command 'guest-fsfreeze-freeze': failed to freeze /data: Device or resource busy"));
        assertEquals("the file system cannot freeze: a failure, not an unsupported command", Kind.COMMAND_FAILED,
                LibvirtErrors.kindOf(ErrorNumber.VIR_ERR_INTERNAL_ERROR, "internal error: unable to execute QEMU agent command "
                        + "'guest-fsfreeze-freeze': failed to freeze /: Operation not supported"));
        assertEquals(Kind.FAILED, LibvirtErrors.kindOf(ErrorNumber.VIR_ERR_SYSTEM_ERROR, "Cannot recv data: Connection reset by peer"));
        assertEquals(Kind.FAILED, LibvirtErrors.kindOf(null, null));
    }

    @Test
    public void textsAloneStillClassifyWhenTheCodeIsUnexpected() {
        assertEquals(Kind.AGENT_NOT_CONFIGURED, LibvirtErrors.kindOf(ErrorNumber.VIR_ERR_UNKNOWN, "QEMU guest agent is not configured"));
        assertEquals(Kind.DOMAIN_NOT_RUNNING, LibvirtErrors.kindOf(null, "Requested operation is not valid: domain is not running"));
        assertEquals(Kind.TIMEOUT, LibvirtErrors.kindOf(null, "Guest agent is not responding: Guest agent not available for now"));
        assertEquals(Kind.AGENT_NOT_RESPONDING, LibvirtErrors.kindOf(null, "Guest agent disappeared while executing command"));
        assertEquals(Kind.DOMAIN_NOT_FOUND, LibvirtErrors.kindOf(null, "Domain not found: no domain with matching name 'x'"));
    }

    @Test
    public void explanationsSayWhatToDo() {
        assertTrue(LibvirtErrors.explain(Kind.AGENT_NOT_CONFIGURED, "QEMU guest agent is not configured").contains("org.qemu.guest_agent.0"));
        assertTrue(LibvirtErrors.explain(Kind.AGENT_NOT_RESPONDING, "not connected").contains("qemu-guest-agent"));
        assertTrue(LibvirtErrors.explain(Kind.COMMAND_UNSUPPORTED,
                "this function is not supported by the connection driver: virDomainQemuAgentCommand").contains("cannot pass commands"));
    }
}
