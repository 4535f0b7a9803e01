// Licensed under the Apache License, Version 2.0. See LICENSE in the project root.
package io.elastisnap.engine.libvirt;

import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertFalse;
import static org.junit.Assert.assertTrue;
import static org.junit.Assert.fail;

import com.google.gson.JsonParser;
import io.elastisnap.engine.AgentCapabilities;
import io.elastisnap.engine.FreezeStatus;
import io.elastisnap.engine.GuestAgentException;
import io.elastisnap.engine.GuestAgentException.Kind;
import java.util.Arrays;
import org.junit.Test;

/** Replies as qemu-ga 7.2 sends them (through libvirt's qemuAgentCommand). */
public class AgentRepliesTest {
    private static final String GUEST_INFO = "{\"return\":{\"version\":\"7.2.22\",\"supported_commands\":["
            + "{\"enabled\":true,\"name\":\"guest-ping\",\"success-response\":true},"
            + "{\"enabled\":true,\"name\":\"guest-fsfreeze-freeze\",\"success-response\":true},"
            + "{\"enabled\":false,\"name\":\"guest-fsfreeze-freeze-list\",\"success-response\":true},"
            + "{\"enabled\":true,\"name\":\"guest-fsfreeze-thaw\",\"success-response\":true},"
            + "{\"name\":\"guest-exec\"},"
            + "{\"enabled\":true,\"name\":\"guest-fsfreeze-status\",\"success-response\":true}]}}";

    @Test
    public void commandsAreJson() {
        assertEquals(JsonParser.parseString("{\"execute\":\"guest-fsfreeze-status\"}"),
                JsonParser.parseString(AgentReplies.command("guest-fsfreeze-status")));
        assertEquals(JsonParser.parseString("{\"execute\":\"guest-fsfreeze-freeze-list\",\"arguments\":{\"mountpoints\":[\"/data\",\"C:\\\\\",\"/a \\\"b\\\"\"]}}"),
                JsonParser.parseString(AgentReplies.freezeList(Arrays.asList("/data", "C:\\", "/a \"b\""))));
    }

    @Test
    public void guestInfoListsOnlyEnabledCommands() throws GuestAgentException {
        AgentCapabilities capabilities = AgentReplies.capabilities(GUEST_INFO);

        assertEquals("7.2.22", capabilities.version());
        assertTrue(capabilities.isEnabled(AgentCapabilities.FREEZE));
        assertTrue(capabilities.isEnabled(AgentCapabilities.THAW));
        assertTrue(capabilities.isEnabled(AgentCapabilities.STATUS));
        assertFalse("disabled", capabilities.isEnabled(AgentCapabilities.FREEZE_LIST));
        assertFalse("no enabled flag", capabilities.isEnabled("guest-exec"));
    }

    @Test
    public void freezeStatus() throws GuestAgentException {
        assertEquals(FreezeStatus.THAWED, AgentReplies.freezeStatus("{\"return\":\"thawed\"}"));
        assertEquals(FreezeStatus.FROZEN, AgentReplies.freezeStatus("{\"return\": \"frozen\"}"));
        assertKind(Kind.PROTOCOL, () -> AgentReplies.freezeStatus("{\"return\":\"thawing\"}"));
        assertKind(Kind.PROTOCOL, () -> AgentReplies.freezeStatus("{\"return\":1}"));
    }

    @Test
    public void countsOfFreezeAndThaw() throws GuestAgentException {
        assertEquals(2, AgentReplies.count("guest-fsfreeze-freeze", "{\"return\":2}"));
        assertEquals(0, AgentReplies.count("guest-fsfreeze-thaw", "{\"return\":0}"));
        assertKind(Kind.PROTOCOL, () -> AgentReplies.count("guest-fsfreeze-freeze", "{\"return\":\"2\"}"));
        assertKind(Kind.PROTOCOL, () -> AgentReplies.count("guest-fsfreeze-freeze", "{\"return\":99999999999}"));
    }

    @Test
    public void errorRepliesAreClassifiedNotMistakenForSuccess() {
        GuestAgentException frozen = assertKind(Kind.AGENT_FROZEN, () -> AgentReplies.count("guest-fsfreeze-freeze",
                "{\"error\":{\"class\":\"GenericError\",\"desc\":\"Command guest-fsfreeze-freeze has been disabled: the agent is in frozen state\"}}"));
        assertTrue(frozen.getMessage(), frozen.getMessage().contains("GenericError: Command guest-fsfreeze-freeze has been disabled"));
        assertKind(Kind.COMMAND_UNSUPPORTED, () -> AgentReplies.returnValue("guest-fsfreeze-freeze-list",
                "{\"error\":{\"class\":\"CommandNotFound\",\"desc\":\"The command guest-fsfreeze-freeze-list has not been found\"}}"));
        assertKind(Kind.COMMAND_UNSUPPORTED, () -> AgentReplies.returnValue("guest-fsfreeze-freeze",
                "{\"error\":{\"class\":\"GenericError\",\"desc\":\"Command guest-fsfreeze-freeze has been disabled\"}}"));
        GuestAgentException failed = assertKind(Kind.COMMAND_FAILED, () -> AgentReplies.count("guest-fsfreeze-freeze",
                "{\"error\":{\"class\":\"GenericError\",\"desc\":\"failed to freeze /data: Device or resource busy\"}}"));
        assertTrue(failed.getMessage(), failed.getMessage().contains("Device or resource busy"));
        assertKind(Kind.COMMAND_FAILED, () -> AgentReplies.returnValue("guest-ping", "{\"error\":\"odd\"}"));
    }

    @Test
    public void anythingElseIsAProtocolError() {
        assertKind(Kind.PROTOCOL, () -> AgentReplies.returnValue("guest-ping", null));
        assertKind(Kind.PROTOCOL, () -> AgentReplies.returnValue("guest-ping", ""));
        assertKind(Kind.PROTOCOL, () -> AgentReplies.returnValue("guest-ping", "error: something"));
        assertKind(Kind.PROTOCOL, () -> AgentReplies.returnValue("guest-ping", "[1,2]"));
        assertKind(Kind.PROTOCOL, () -> AgentReplies.returnValue("guest-ping", "{\"return\":"));
        assertKind(Kind.PROTOCOL, () -> AgentReplies.returnValue("guest-ping", "{\"id\":1}"));
        assertKind(Kind.PROTOCOL, () -> AgentReplies.capabilities("{\"return\":{\"version\":\"7.2\"}}"));
        char[] huge = new char[5000];
        Arrays.fill(huge, 'x');
        GuestAgentException e = assertKind(Kind.PROTOCOL, () -> AgentReplies.returnValue("guest-ping", new String(huge)));
        assertTrue("long replies are cut in messages", e.getMessage().length() < 400);
    }

    @Test
    public void pingReturnsAnEmptyObject() throws GuestAgentException {
        assertTrue(AgentReplies.returnValue("guest-ping", "{\"return\":{}}").isJsonObject());
    }

    interface AgentCall {
        Object run() throws GuestAgentException;
    }

    static GuestAgentException assertKind(Kind expected, AgentCall call) {
        try {
            Object result = call.run();
            fail("expected " + expected + ", got " + result);
            return null;
        } catch (GuestAgentException e) {
            assertEquals(e.getMessage(), expected, e.kind());
            return e;
        }
    }
}
