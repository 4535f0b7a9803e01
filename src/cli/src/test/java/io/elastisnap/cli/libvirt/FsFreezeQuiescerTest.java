// Licensed under the Apache License, Version 2.0. See LICENSE in the project root.
package io.elastisnap.cli.libvirt;

import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertThrows;
import static org.junit.Assert.assertTrue;

import io.elastisnap.cli.CliException;
import io.elastisnap.cli.ExitCode;
import io.elastisnap.engine.AgentCapabilities;
import io.elastisnap.engine.DomainRunState;
import io.elastisnap.engine.FreezeStatus;
import io.elastisnap.engine.GuestAgentException;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.stream.Collectors;
import org.junit.After;
import org.junit.Before;
import org.junit.Rule;
import org.junit.Test;
import org.junit.rules.TemporaryFolder;

/**
 * Against libvirt's test driver with a node file of its own per test (test:///default keeps its state for the whole
 * process, a node file starts fresh): domain "test", whose fake guest has / and /boot on vda.
 */
public class FsFreezeQuiescerTest {
    private static final Duration T = Duration.ofSeconds(5);

    @Rule
    public TemporaryFolder tmp = new TemporaryFolder();

    private LibvirtHost host;
    private FsFreezeQuiescer quiescer;
    private String uri;

    @Before
    public void connect() throws IOException {
        Path node = tmp.getRoot().toPath().resolve("node.xml");
        Files.writeString(node, "<node><domain type='test'><name>test</name><memory>524288</memory><vcpu>1</vcpu>"
                + "<os><type>hvm</type></os><devices><disk type='file' device='disk'><source file='/dev/null'/>"
                + "<target dev='vda' bus='virtio'/></disk></devices></domain></node>");
        uri = "test://" + node.toAbsolutePath();
        host = LibvirtHost.connect(uri);
        quiescer = new FsFreezeQuiescer(host.connection());
    }

    @After
    public void close() {
        host.close();
    }

    @Test
    public void freezesAndThawsThroughTheFsApiAndTracksTheStatus() throws Exception {
        assertEquals(DomainRunState.RUNNING, quiescer.runState("test", T));
        quiescer.ping("test", T);
        AgentCapabilities caps = quiescer.capabilities("test", T);
        assertTrue(caps.isEnabled(AgentCapabilities.FREEZE) && caps.isEnabled(AgentCapabilities.THAW));
        assertEquals(FreezeStatus.THAWED, quiescer.freezeStatus("test", T));

        assertEquals(2, quiescer.freeze("test", List.of(), T));
        assertEquals(FreezeStatus.FROZEN, quiescer.freezeStatus("test", T));
        assertEquals(2, quiescer.thaw("test", T));
        assertEquals(FreezeStatus.THAWED, quiescer.freezeStatus("test", T));
        assertEquals("thaw is idempotent", 0, quiescer.thaw("test", T));
    }

    @Test
    public void freezesOnlyTheGivenMountPoints() throws Exception {
        assertEquals(1, quiescer.freeze("test", List.of("/boot"), T));
        assertEquals(1, quiescer.thaw("test", T));
    }

    @Test
    public void failuresCarryTheKindTheEngineActsOn() throws Exception {
        GuestAgentException unknown = assertThrows(GuestAgentException.class, () -> quiescer.runState("nope", T));
        assertEquals(GuestAgentException.Kind.DOMAIN_NOT_FOUND, unknown.kind());

        GuestAgentException badMount = assertThrows(GuestAgentException.class,
                () -> quiescer.freeze("test", List.of("/nonexistent"), T));
        assertEquals(GuestAgentException.Kind.COMMAND_FAILED, badMount.kind());
        assertTrue(badMount.getMessage(), badMount.getMessage().contains("mount point not found"));

        host.domain("test").destroy();
        assertEquals(DomainRunState.SHUT_OFF, quiescer.runState("test", T));
        assertEquals(GuestAgentException.Kind.DOMAIN_NOT_RUNNING,
                assertThrows(GuestAgentException.class, () -> quiescer.freeze("test", List.of(), T)).kind());
    }

    @Test
    public void readsTheGuestFileSystems() throws Exception {
        List<FsFreezeApi.FsInfo> fs = FsFreezeApi.fsInfo(host.domain("test"));
        assertEquals(List.of("/", "/boot"), fs.stream().map(FsFreezeApi.FsInfo::mountPoint).collect(Collectors.toList()));
        assertEquals(List.of("vda"), fs.get(0).devices());
        assertEquals("ext4", fs.get(0).type());
    }

    @Test
    public void hostLookupsTurnIntoOperatorErrors() {
        CliException unknown = assertThrows(CliException.class, () -> host.domain("i-9-99-VM"));
        assertEquals(ExitCode.USAGE, unknown.exitCode());
        assertTrue(unknown.fix(), unknown.fix().contains("virsh -c " + uri + " list --all"));
        assertEquals(ExitCode.UNREACHABLE,
                assertThrows(CliException.class, () -> LibvirtHost.connect("qemu+tcp://127.0.0.1:1/system")).exitCode());
        assertTrue(host.isTestDriver());
        assertEquals(List.of("vda"), host.disks(host.domain("test")).stream().map(LibvirtHost.Disk::target)
                .collect(Collectors.toList()));
    }
}
