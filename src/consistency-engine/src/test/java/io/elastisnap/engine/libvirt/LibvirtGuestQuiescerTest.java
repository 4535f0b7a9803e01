// Licensed under the Apache License, Version 2.0. See LICENSE in the project root.
package io.elastisnap.engine.libvirt;

import static io.elastisnap.engine.libvirt.AgentRepliesTest.assertKind;
import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertTrue;

import com.google.gson.JsonParser;
import io.elastisnap.engine.DomainRunState;
import io.elastisnap.engine.FreezeStatus;
import io.elastisnap.engine.GuestAgentException;
import io.elastisnap.engine.GuestAgentException.Kind;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.Deque;
import java.util.List;
import org.junit.Test;
import org.libvirt.DomainInfo.DomainState;

public class LibvirtGuestQuiescerTest {

    /** Answers agent commands with canned replies and records what was sent. */
    private static final class CannedDomain implements DomainAccess {
        final Deque<Object> replies = new ArrayDeque<>();
        final List<String> sent = new ArrayList<>();
        final List<Integer> timeouts = new ArrayList<>();
        DomainRunState state = DomainRunState.RUNNING;

        CannedDomain reply(Object replyOrException) {
            replies.add(replyOrException);
            return this;
        }

        @Override
        public DomainRunState runState(String domainName) {
            return state;
        }

        @Override
        public String domainXml(String domainName) {
            return (String) replies.remove();
        }

        @Override
        public String agentCommand(String domainName, String commandJson, String commandName, int timeoutSeconds)
                throws GuestAgentException {
            sent.add(commandJson);
            timeouts.add(timeoutSeconds);
            Object reply = replies.remove();
            if (reply instanceof GuestAgentException) {
                throw (GuestAgentException) reply;
            }
            return (String) reply;
        }
    }

    @Test
    public void readsTheDomainDisksFromItsDefinitionAndTheFileSystemsWithGuestGetFsinfo() throws GuestAgentException {
        CannedDomain domain = new CannedDomain().reply("<domain><devices><disk device='disk'><target dev='vdb' bus='virtio'/>"
                + "<serial>abc</serial></disk></devices></domain>").reply("{\"return\":[{\"mountpoint\":\"/data1\",\"type\":"
                + "\"ext4\",\"disk\":[{\"serial\":\"abc\",\"bus-type\":\"virtio\"}]}]}");
        LibvirtGuestQuiescer quiescer = new LibvirtGuestQuiescer(domain);

        assertEquals("vdb", quiescer.disks("d", Duration.ofSeconds(3)).get(0).target());
        assertEquals("/data1", quiescer.fileSystems("d", Duration.ofSeconds(3)).get(0).mountPoint());
        assertEquals(JsonParser.parseString("{\"execute\":\"guest-get-fsinfo\"}"), JsonParser.parseString(domain.sent.get(0)));
    }

    @Test
    public void sendsTheGuestAgentCommandsAsJson() throws GuestAgentException {
        CannedDomain domain = new CannedDomain().reply("{\"return\":{}}").reply("{\"return\":\"thawed\"}").reply("{\"return\":1}")
                .reply("{\"return\":2}").reply("{\"return\":2}");
        LibvirtGuestQuiescer quiescer = new LibvirtGuestQuiescer(domain);
        Duration timeout = Duration.ofSeconds(3);

        quiescer.ping("vm", timeout);
        assertEquals(FreezeStatus.THAWED, quiescer.freezeStatus("vm", timeout));
        assertEquals(1, quiescer.freeze("vm", Collections.singletonList("/data"), timeout));
        assertEquals(2, quiescer.freeze("vm", Collections.emptyList(), timeout));
        assertEquals(2, quiescer.thaw("vm", timeout));

        List<String> expected = Arrays.asList("{\"execute\":\"guest-ping\"}", "{\"execute\":\"guest-fsfreeze-status\"}",
                "{\"execute\":\"guest-fsfreeze-freeze-list\",\"arguments\":{\"mountpoints\":[\"/data\"]}}",
                "{\"execute\":\"guest-fsfreeze-freeze\"}", "{\"execute\":\"guest-fsfreeze-thaw\"}");
        for (int i = 0; i < expected.size(); i++) {
            assertEquals(JsonParser.parseString(expected.get(i)), JsonParser.parseString(domain.sent.get(i)));
        }
        assertEquals(Arrays.asList(3, 3, 3, 3, 3), domain.timeouts);
    }

    @Test
    public void timeoutsAreRoundedUpToWholeSecondsAndNeverZero() {
        assertEquals(1, LibvirtGuestQuiescer.agentTimeoutSeconds(Duration.ofMillis(1)));
        assertEquals(1, LibvirtGuestQuiescer.agentTimeoutSeconds(Duration.ZERO));
        assertEquals(1, LibvirtGuestQuiescer.agentTimeoutSeconds(Duration.ofMillis(1000)));
        assertEquals(2, LibvirtGuestQuiescer.agentTimeoutSeconds(Duration.ofMillis(1001)));
        assertEquals(5, LibvirtGuestQuiescer.agentTimeoutSeconds(Duration.ofMillis(4500)));
        assertEquals(Integer.MAX_VALUE, LibvirtGuestQuiescer.agentTimeoutSeconds(Duration.ofDays(365 * 100)));
    }

    @Test
    public void anAgentErrorReplyIsAFailureNotASuccess() {
        CannedDomain domain = new CannedDomain()
                .reply("{\"error\":{\"class\":\"GenericError\",\"desc\":\"failed to freeze /: Operation not supported\"}}");

        GuestAgentException e = assertKind(Kind.COMMAND_FAILED,
                () -> new LibvirtGuestQuiescer(domain).freeze("vm", Collections.emptyList(), Duration.ofSeconds(5)));
        assertTrue(e.getMessage(), e.getMessage().contains("Operation not supported"));
    }

    @Test
    public void libvirtFailuresPassThroughClassified() {
        CannedDomain domain = new CannedDomain().reply(new GuestAgentException(Kind.TIMEOUT, "guest-fsfreeze-thaw failed: timeout"));

        assertKind(Kind.TIMEOUT, () -> new LibvirtGuestQuiescer(domain).thaw("vm", Duration.ofSeconds(5)));
    }

    @Test
    public void guestInfoAndState() throws GuestAgentException {
        CannedDomain domain = new CannedDomain().reply("{\"return\":{\"version\":\"7.2.22\",\"supported_commands\":"
                + "[{\"enabled\":true,\"name\":\"guest-fsfreeze-freeze\"}]}}");
        domain.state = DomainRunState.PAUSED;
        LibvirtGuestQuiescer quiescer = new LibvirtGuestQuiescer(domain);

        assertTrue(quiescer.capabilities("vm", Duration.ofSeconds(1)).isEnabled("guest-fsfreeze-freeze"));
        assertEquals(DomainRunState.PAUSED, quiescer.runState("vm", Duration.ofSeconds(1)));
    }

    @Test
    public void libvirtStatesMapToRunStates() {
        assertEquals(DomainRunState.RUNNING, LibvirtStates.runState(DomainState.VIR_DOMAIN_RUNNING));
        assertEquals(DomainRunState.RUNNING, LibvirtStates.runState(DomainState.VIR_DOMAIN_BLOCKED));
        assertEquals(DomainRunState.PAUSED, LibvirtStates.runState(DomainState.VIR_DOMAIN_PAUSED));
        assertEquals(DomainRunState.SHUTTING_DOWN, LibvirtStates.runState(DomainState.VIR_DOMAIN_SHUTDOWN));
        assertEquals(DomainRunState.SHUT_OFF, LibvirtStates.runState(DomainState.VIR_DOMAIN_SHUTOFF));
        assertEquals(DomainRunState.CRASHED, LibvirtStates.runState(DomainState.VIR_DOMAIN_CRASHED));
        assertEquals(DomainRunState.UNKNOWN, LibvirtStates.runState(DomainState.VIR_DOMAIN_NOSTATE));
        assertEquals(DomainRunState.UNKNOWN, LibvirtStates.runState(null));
    }
}
