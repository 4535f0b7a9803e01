// Licensed under the Apache License, Version 2.0. See LICENSE in the project root.
package io.elastisnap.cloudstack.agent;

import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertFalse;
import static org.junit.Assert.assertNotNull;
import static org.junit.Assert.assertNull;
import static org.junit.Assert.assertTrue;
import static org.mockito.Mockito.atLeastOnce;
import static org.mockito.Mockito.mock;
import static org.mockito.Mockito.verify;
import static org.mockito.Mockito.when;

import java.nio.file.Path;
import java.time.Duration;
import java.util.Arrays;
import java.util.Collections;
import java.util.List;
import java.util.Locale;
import java.util.regex.Pattern;
import java.util.stream.Collectors;

import org.apache.logging.log4j.Level;
import org.apache.logging.log4j.LogManager;
import org.apache.logging.log4j.core.config.Configurator;
import org.junit.After;
import org.junit.Before;
import org.junit.Rule;
import org.junit.Test;
import org.junit.rules.TemporaryFolder;
import org.libvirt.Connect;

import com.cloud.agent.api.Answer;
import com.cloud.agent.transport.Request;
import com.cloud.agent.transport.Response;
import com.cloud.hypervisor.kvm.resource.LibvirtComputingResource;
import com.cloud.hypervisor.kvm.resource.wrapper.LibvirtRequestWrapper;
import com.cloud.hypervisor.kvm.resource.wrapper.LibvirtUtilitiesHelper;
import com.cloud.serializer.GsonHelper;

import io.elastisnap.cloudstack.command.ElastiCenterEndpoint;
import io.elastisnap.cloudstack.command.TakeConsistentSnapshotAnswer;
import io.elastisnap.cloudstack.command.TakeConsistentSnapshotCommand;
import io.elastisnap.cloudstack.command.VolumeSnapshotResult;
import io.elastisnap.cloudstack.command.VolumeSnapshotSpec;
import io.elastisnap.elasticenter.Secret;
import io.elastisnap.elasticenter.TlsTrust;
import io.elastisnap.engine.FreezeLimits;
import io.elastisnap.engine.journal.FreezeJournal;
import io.elastisnap.simulator.ElastiCenterSimulator;
import io.elastisnap.simulator.SimVolume;

/**
 * Runs only in the cloudstack-jars profile, against CloudStack 4.22's own classes: the command crosses the real agent
 * wire format (core's Request), the real LibvirtRequestWrapper discovers and dispatches it to our wrapper, and the
 * wrapper runs the production runner (engine, freeze journal, libvirt guest agent through the agent's connection)
 * on libvirt's test driver against a simulated ElastiCenter over pinned HTTPS. The test driver has no guest agent,
 * so no freeze can succeed: BEST_EFFORT must fall back to crash-consistent snapshots, REQUIRED must fail cleanly.
 */
public class RealKvmAgentDispatchTest {
    private static final String TEST_DRIVER_URI = "test:///default";
    /** The one running domain libvirt's test driver defines. */
    private static final String TEST_DRIVER_DOMAIN = "test";
    private static final String API_KEY = "real-agent-Secret-0123456789";
    private static final long AGENT_ID = 7;
    private static final long MANAGEMENT_SERVER_ID = 1;

    @Rule
    public TemporaryFolder temp = new TemporaryFolder();

    private ElastiCenterSimulator elastiCenter;
    private Connect libvirt;
    private LibvirtUtilitiesHelper utilities;
    private LibvirtComputingResource agentResource;
    private Path journal;

    @Before
    public void setUp() throws Exception {
        elastiCenter = ElastiCenterSimulator.builder().apiKey(API_KEY).start();
        libvirt = new Connect(TEST_DRIVER_URI);
        utilities = mock(LibvirtUtilitiesHelper.class);
        when(utilities.getConnection()).thenReturn(libvirt);
        agentResource = mock(LibvirtComputingResource.class);
        when(agentResource.getLibvirtUtilitiesHelper()).thenReturn(utilities);
        journal = temp.newFolder("freeze-journal").toPath();
        installAgentRunnerWithJournalIn(journal);
    }

    /** The agent's own wiring (what the wrapper builds when the agent loads it), journal moved as an operator would. */
    private static void installAgentRunnerWithJournalIn(Path directory) {
        String previous = System.getProperty(EngineSnapshotRunner.JOURNAL_DIRECTORY_PROPERTY);
        System.setProperty(EngineSnapshotRunner.JOURNAL_DIRECTORY_PROPERTY, directory.toString());
        try {
            AgentSnapshotRuntime.install(EngineSnapshotRunner.forAgent());
        } finally {
            if (previous == null) {
                System.clearProperty(EngineSnapshotRunner.JOURNAL_DIRECTORY_PROPERTY);
            } else {
                System.setProperty(EngineSnapshotRunner.JOURNAL_DIRECTORY_PROPERTY, previous);
            }
        }
    }

    @After
    public void tearDown() throws Exception {
        elastiCenter.close();
        libvirt.close();
    }

    private TakeConsistentSnapshotCommand command(String policy, SimVolume... volumes) {
        List<VolumeSnapshotSpec> specs = Arrays.stream(volumes)
                .map(v -> new VolumeSnapshotSpec(v.id(), "cs-" + policy.toLowerCase(Locale.ROOT) + "-" + v.name()))
                .collect(Collectors.toList());
        return new TakeConsistentSnapshotCommand(TEST_DRIVER_DOMAIN, specs, policy, Collections.emptyList(),
                FreezeLimits.builder().maxFrozenWindow(Duration.ofSeconds(4)).freezeTimeout(Duration.ofSeconds(2))
                        .thawTimeout(Duration.ofSeconds(2)).build(), Duration.ofSeconds(30),
                new ElastiCenterEndpoint(elastiCenter.baseUrl().toString(), TlsTrust.pinnedSha256(elastiCenter.certificateSha256())),
                Secret.of(API_KEY));
    }

    /** Management server -> agent: CloudStack's wire format, then the agent's dispatch, then the answer's way back. */
    private TakeConsistentSnapshotAnswer sendToAgent(TakeConsistentSnapshotCommand command) throws Exception {
        Request received = Request.parse(new Request(AGENT_ID, MANAGEMENT_SERVER_ID, command, true).getBytes());
        Answer answer = LibvirtRequestWrapper.getInstance().execute(received.getCommand(), agentResource);
        assertEquals("dispatched to our wrapper, not answered as unsupported", TakeConsistentSnapshotAnswer.class, answer.getClass());
        verify(utilities, atLeastOnce()).getConnection();
        Response back = Response.parse(new Response(received, answer).getBytes());
        return (TakeConsistentSnapshotAnswer) back.getAnswer();
    }

    @Test
    public void bestEffortTakesCrashConsistentSnapshotsOfEveryVolumeAndSaysTheFreezeFailed() throws Exception {
        SimVolume root = elastiCenter.provisionVolume("root", 1L << 30);
        SimVolume data = elastiCenter.provisionVolume("data", 1L << 30);

        TakeConsistentSnapshotAnswer answer = sendToAgent(command("BEST_EFFORT", root, data));

        assertTrue(answer.getDetails(), answer.getResult());
        assertEquals("QUIESCE_FAILED", answer.getConsistencyLevel());
        assertNull(answer.getFailureReason());
        assertEquals(Arrays.asList(root.zfsPath() + "@cs-best_effort-root", data.zfsPath() + "@cs-best_effort-data"),
                answer.getSnapshots().stream().map(VolumeSnapshotResult::getPath).collect(Collectors.toList()));
        assertEquals(Collections.singletonList(root.zfsPath() + "@cs-best_effort-root"), elastiCenter.snapshotPaths(root.id()));
        assertEquals(Collections.singletonList(data.zfsPath() + "@cs-best_effort-data"), elastiCenter.snapshotPaths(data.id()));
        assertFalse("no freeze left in the journal", new FreezeJournal(journal).read(TEST_DRIVER_DOMAIN).isPresent());
    }

    @Test
    public void requiredFailsWithTheReasonAndLeavesNothingOnTheArray() throws Exception {
        SimVolume root = elastiCenter.provisionVolume("root", 1L << 30);
        SimVolume data = elastiCenter.provisionVolume("data", 1L << 30);

        TakeConsistentSnapshotAnswer answer = sendToAgent(command("REQUIRED", root, data));

        assertFalse(answer.getResult());
        assertEquals(answer.getDetails(), "FREEZE_UNSUPPORTED", answer.getFailureReason());
        assertTrue("names the domain: " + answer.getDetails(), Pattern.compile("\\bdomain " + Pattern.quote(TEST_DRIVER_DOMAIN) + "\\b")
                .matcher(answer.getDetails()).find());
        assertFalse(answer.getDetails().contains(API_KEY));
        assertTrue(answer.getSnapshots().isEmpty());
        assertTrue(elastiCenter.snapshotPaths(root.id()).isEmpty());
        assertTrue(elastiCenter.snapshotPaths(data.id()).isEmpty());
        assertFalse("no freeze left in the journal", new FreezeJournal(journal).read(TEST_DRIVER_DOMAIN).isPresent());
    }

    /**
     * Request.toString() renders what Request.logD/logT write for every command on both sides; the exclusion strategy
     * behind it asks GsonHelper's logger which levels are on, so the most revealing setting (TRACE) is the one to check.
     */
    @Test
    public void cloudStacksCommandLogLineCarriesTheDomainButNeverTheKey() throws Exception {
        SimVolume root = elastiCenter.provisionVolume("root", 1L << 30);
        TakeConsistentSnapshotCommand command = command("BEST_EFFORT", root);
        Request sent = new Request(AGENT_ID, MANAGEMENT_SERVER_ID, command, true);
        Request received = Request.parse(sent.getBytes());
        String gsonLogger = GsonHelper.class.getName();
        Level previous = LogManager.getLogger(gsonLogger).getLevel();
        Configurator.setLevel(gsonLogger, Level.TRACE);
        try {
            for (String logged : Arrays.asList(sent.toString(), received.toString())) {
                assertNotNull("Request logs nothing unless GsonHelper's logger enables the command's level", logged);
                assertFalse(logged, logged.contains(API_KEY));
                assertTrue(logged, logged.contains("\"domainName\":\"" + TEST_DRIVER_DOMAIN + "\""));
                assertTrue(logged, logged.contains(root.id()));
            }
        } finally {
            Configurator.setLevel(gsonLogger, previous);
        }
        assertEquals("the key still reaches the agent", Secret.of(API_KEY), ((TakeConsistentSnapshotCommand) received.getCommand()).getApiKey());
    }
}
