// Licensed under the Apache License, Version 2.0. See LICENSE in the project root.
package io.elastisnap.engine.libvirt;

import static io.elastisnap.engine.libvirt.AgentRepliesTest.assertKind;
import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertTrue;

import io.elastisnap.engine.ArraySnapshot;
import io.elastisnap.engine.ArraySnapshotter;
import io.elastisnap.engine.ConsistencyEngine;
import io.elastisnap.engine.ConsistencyEngineListener;
import io.elastisnap.engine.ConsistencyLevel;
import io.elastisnap.engine.ConsistencyPolicy;
import io.elastisnap.engine.ConsistentSnapshotException;
import io.elastisnap.engine.ConsistentSnapshotException.Reason;
import io.elastisnap.engine.ConsistentSnapshotRequest;
import io.elastisnap.engine.ConsistentSnapshotResult;
import io.elastisnap.engine.DomainRunState;
import io.elastisnap.engine.EngineRuntime;
import io.elastisnap.engine.GuestAgentException;
import io.elastisnap.engine.GuestAgentException.Kind;
import io.elastisnap.engine.journal.FreezeJournal;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.After;
import org.junit.Assume;
import org.junit.Before;
import org.junit.Rule;
import org.junit.Test;
import org.junit.rules.TemporaryFolder;
import org.libvirt.Connect;
import org.libvirt.Domain;
import org.libvirt.DomainInfo.DomainState;
import org.libvirt.LibvirtException;

/**
 * Against libvirt's built-in test driver ({@code test:///default}, no daemon; libvirt0 must be installed). It has a
 * running domain "test" but no guest agent support, so it proves lookups, run states and the mapping of the "not
 * supported" error; real agent behaviour is proven by the end-to-end tests with QEMU.
 */
public class LibvirtTestDriverTest {
    private static final Duration TIMEOUT = Duration.ofSeconds(2);

    @Rule
    public final TemporaryFolder folder = new TemporaryFolder();

    private LibvirtUriConnection connection;
    private LibvirtGuestQuiescer quiescer;

    @Before
    public void connect() throws LibvirtException {
        connection = new LibvirtUriConnection("test:///default");
        try {
            connection.connect();
        } catch (Exception | LinkageError e) {
            Assume.assumeNoException("libvirt client library not available", e);
        }
        quiescer = new LibvirtGuestQuiescer(connection);
        startTestDomain();
    }

    /** The test driver's state lives as long as the process, so undo what an earlier test did to domain "test". */
    private void startTestDomain() throws LibvirtException {
        Domain domain = connection.connect().domainLookupByName("test");
        try {
            DomainState state = domain.getInfo().state;
            if (state == DomainState.VIR_DOMAIN_PAUSED) {
                domain.resume();
            } else if (state == DomainState.VIR_DOMAIN_SHUTOFF) {
                domain.create();
            }
        } finally {
            domain.free();
        }
    }

    @After
    public void close() {
        if (connection != null) {
            connection.close();
        }
    }

    @Test
    public void runStatesOfARealDomain() throws Exception {
        assertEquals(DomainRunState.RUNNING, quiescer.runState("test", TIMEOUT));

        Connect libvirt = connection.connect();
        libvirt.domainLookupByName("test").suspend();
        assertEquals(DomainRunState.PAUSED, quiescer.runState("test", TIMEOUT));
        libvirt.domainLookupByName("test").destroy();
        assertEquals(DomainRunState.SHUT_OFF, quiescer.runState("test", TIMEOUT));
    }

    @Test
    public void anUnknownDomainIsNotFound() {
        GuestAgentException e = assertKind(Kind.DOMAIN_NOT_FOUND, () -> quiescer.runState("no-such-vm", TIMEOUT));
        assertTrue(e.getMessage(), e.getMessage().contains("no-such-vm"));
        assertKind(Kind.DOMAIN_NOT_FOUND, () -> {
            quiescer.ping("no-such-vm", TIMEOUT);
            return null;
        });
    }

    @Test
    public void theTestDriverCannotTalkToAGuestAgentAndSaysSoClearly() {
        GuestAgentException e = assertKind(Kind.COMMAND_UNSUPPORTED, () -> {
            quiescer.ping("test", TIMEOUT);
            return null;
        });
        assertTrue(e.getMessage(), e.getMessage().contains("virDomainQemuAgentCommand"));
        assertTrue(e.getMessage(), e.getMessage().contains("cannot pass commands to a QEMU guest agent"));
    }

    @Test
    public void theEngineOnTheTestDriver() throws Exception {
        List<String> created = new CopyOnWriteArrayList<>();
        ArraySnapshotter array = new ArraySnapshotter() {
            @Override
            public ArraySnapshot create(String volumeId, String snapshotName) {
                created.add(volumeId);
                return new ArraySnapshot(volumeId, snapshotName, "pool/" + volumeId + "@" + snapshotName, null);
            }

            @Override
            public void delete(ArraySnapshot snapshot) {
                created.remove(snapshot.volumeId());
            }
        };
        try (EngineRuntime runtime = EngineRuntime.create(8)) {
            ConsistencyEngine engine = new ConsistencyEngine(quiescer, array, new FreezeJournal(folder.getRoot().toPath()),
                    runtime, ConsistencyEngineListener.NONE);

            try {
                engine.snapshot(request(ConsistencyPolicy.REQUIRED));
                throw new AssertionError("REQUIRED cannot succeed without a guest agent");
            } catch (ConsistentSnapshotException e) {
                assertEquals(Reason.FREEZE_UNSUPPORTED, e.reason());
                assertTrue(e.getMessage(), e.getMessage().contains("virDomainQemuAgentCommand"));
                assertTrue(created.isEmpty());
            }

            ConsistentSnapshotResult bestEffort = engine.snapshot(request(ConsistencyPolicy.BEST_EFFORT));
            assertEquals(ConsistencyLevel.QUIESCE_FAILED, bestEffort.level());
            assertEquals(Reason.FREEZE_UNSUPPORTED, bestEffort.quiesceFailure().get().reason());
            assertEquals(2, created.size());

            connection.connect().domainLookupByName("test").suspend();
            ConsistentSnapshotResult paused = engine.snapshot(request(ConsistencyPolicy.REQUIRED));
            assertEquals(ConsistencyLevel.CRASH_CONSISTENT, paused.level());

            connection.connect().domainLookupByName("test").destroy();
            try {
                engine.snapshot(request(ConsistencyPolicy.BEST_EFFORT));
                throw new AssertionError("a shut-off domain is not snapshotted under BEST_EFFORT");
            } catch (ConsistentSnapshotException e) {
                assertEquals(Reason.DOMAIN_NOT_RUNNING, e.reason());
            }
        }
    }

    private static ConsistentSnapshotRequest request(ConsistencyPolicy policy) {
        return ConsistentSnapshotRequest.builder("test").policy(policy)
                .volume("vol-a", "s-" + policy + "-" + System.nanoTime()).volume("vol-b", "s-" + policy + "-" + System.nanoTime()).build();
    }
}
