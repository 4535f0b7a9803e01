// Licensed under the Apache License, Version 2.0. See LICENSE in the project root.
package io.elastisnap.cloudstack.agent;

import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertFalse;
import static org.junit.Assert.assertTrue;

import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

import org.junit.After;
import org.junit.Rule;
import org.junit.Test;
import org.junit.rules.TemporaryFolder;

import com.cloud.hypervisor.kvm.resource.wrapper.ElastiSnapTakeConsistentSnapshotCommandWrapper;

import io.elastisnap.cloudstack.command.TakeConsistentSnapshotAnswer;
import io.elastisnap.cloudstack.command.TakeConsistentSnapshotCommand;
import io.elastisnap.cloudstack.elasticenter.ElastiCenterClients;
import io.elastisnap.cloudstack.testsupport.ScriptedGuest;
import io.elastisnap.engine.RecoveryOutcome;
import io.elastisnap.engine.journal.FreezeJournal;
import io.elastisnap.engine.libvirt.LibvirtConnectionProvider;

/**
 * CloudStack's LibvirtRequestWrapper constructs our wrapper once, when the agent executes its first command after it
 * connected. That construction, with no command of ours ever sent, must thaw what a dead predecessor left frozen,
 * without holding up the agent.
 */
public class WrapperStartupRecoveryTest {
    @Rule
    public TemporaryFolder temp = new TemporaryFolder();

    private final ElastiCenterClients clients = new ElastiCenterClients();

    @After
    public void tearDown() {
        clients.close();
    }

    @Test
    public void constructingTheWrapperThawsWhatADeadAgentLeftFrozenBeforeAnyCommand() throws Exception {
        Path journal = temp.newFolder("journal").toPath();
        ScriptedGuest guest = new ScriptedGuest().leftFrozen().libvirtUnreachableFor(1);
        EngineSnapshotRunnerTest.recordFreezeOfDeadAgent(journal, "i-2-97-VM");
        EngineSnapshotRunner runner = new EngineSnapshotRunner(guest, new FreezeJournal(journal), clients);
        AgentSnapshotRuntime.install(runner);

        new ElastiSnapTakeConsistentSnapshotCommandWrapper();

        List<RecoveryOutcome> outcomes = runner.startedRecovery().orElseThrow(() -> new AssertionError("no recovery started"))
                .get(1, TimeUnit.MINUTES);
        assertEquals(1, outcomes.size());
        assertEquals("i-2-97-VM", outcomes.get(0).domainName());
        assertEquals(RecoveryOutcome.Action.THAWED, outcomes.get(0).action());
        assertFalse(guest.isFrozen());
        assertEquals("no command ran: nothing was frozen", 0, guest.count("freeze"));
        assertFalse(new FreezeJournal(journal).read("i-2-97-VM").isPresent());
    }

    @Test
    public void theConstructorReturnsWhileRecoveryIsStillWaitingForLibvirt() throws Exception {
        Path journal = temp.newFolder("journal").toPath();
        ScriptedGuest guest = new ScriptedGuest().leftFrozen().libvirtUnreachableFor(Integer.MAX_VALUE);
        EngineSnapshotRunnerTest.recordFreezeOfDeadAgent(journal, "i-2-98-VM");
        EngineSnapshotRunner runner = new EngineSnapshotRunner(guest, new FreezeJournal(journal), clients);
        AgentSnapshotRuntime.install(runner);

        new ElastiSnapTakeConsistentSnapshotCommandWrapper();

        assertFalse("still retrying in the background", runner.startedRecovery().get().isDone());
        assertTrue("the entry is kept until the guest can be thawed", new FreezeJournal(journal).read("i-2-98-VM").isPresent());
    }

    @Test
    public void aRuntimeThatCannotBeBuiltDoesNotStopTheAgentFromLoadingTheWrapper() {
        AgentSnapshotRuntime.install(new ConsistentSnapshotRunner() {
            @Override
            public CompletableFuture<List<RecoveryOutcome>> startRecovery(LibvirtConnectionProvider agentLibvirt) {
                throw new IllegalStateException("journal directory not writable");
            }

            @Override
            public TakeConsistentSnapshotAnswer run(TakeConsistentSnapshotCommand command, LibvirtConnectionProvider libvirt) {
                throw new IllegalStateException("journal directory not writable");
            }
        });

        new ElastiSnapTakeConsistentSnapshotCommandWrapper();
    }
}
