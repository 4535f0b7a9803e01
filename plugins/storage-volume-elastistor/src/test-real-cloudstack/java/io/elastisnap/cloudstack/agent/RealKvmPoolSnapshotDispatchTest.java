// Licensed under the Apache License, Version 2.0. See LICENSE in the project root.
package io.elastisnap.cloudstack.agent;

import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertFalse;
import static org.junit.Assert.assertTrue;
import static org.mockito.Mockito.mock;
import static org.mockito.Mockito.when;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Collections;

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
import com.cloud.agent.api.Command;
import com.cloud.agent.transport.Request;
import com.cloud.agent.transport.Response;
import com.cloud.hypervisor.kvm.resource.LibvirtComputingResource;
import com.cloud.hypervisor.kvm.resource.wrapper.LibvirtRequestWrapper;
import com.cloud.hypervisor.kvm.resource.wrapper.LibvirtUtilitiesHelper;
import com.cloud.hypervisor.kvm.storage.KVMStoragePool;
import com.cloud.hypervisor.kvm.storage.KVMStoragePoolManager;
import com.cloud.serializer.GsonHelper;
import com.cloud.storage.Storage.StoragePoolType;

import io.elastisnap.cloudstack.command.ElastiCenterEndpoint;
import io.elastisnap.cloudstack.command.PoolSnapshotAnswer;
import io.elastisnap.cloudstack.command.RestorePoolVolumeCommand;
import io.elastisnap.cloudstack.command.TakePoolSnapshotCommand;
import io.elastisnap.elasticenter.Secret;
import io.elastisnap.elasticenter.TlsTrust;
import io.elastisnap.engine.FreezeLimits;
import io.elastisnap.engine.journal.FreezeJournal;
import io.elastisnap.engine.pool.PoolSnapshotLedger;
import io.elastisnap.simulator.ElastiCenterSimulator;
import io.elastisnap.simulator.SimVolume;

/**
 * The pool-snapshot commands of adopted SharedMountPoint/NFS pools against CloudStack 4.22's own classes (the
 * cloudstack-jars profile): CloudStack's agent wire format, the real LibvirtRequestWrapper dispatching to our wrappers,
 * the production runner (its journal and host ledger moved under the test's folder) on libvirt's test driver, and the
 * pool's mount point as the real KVMStoragePoolManager type would give it (a mock of it returns a directory).
 * The test driver has no guest agent: BEST_EFFORT gives one crash-consistent pool snapshot, REQUIRED leaves nothing.
 */
public class RealKvmPoolSnapshotDispatchTest {
    private static final String TEST_DRIVER_DOMAIN = "test";
    private static final String API_KEY = "real-pool-Secret-0123456789";
    private static final String POOL_UUID = "pool-uuid-5";

    @Rule
    public TemporaryFolder temp = new TemporaryFolder();

    private ElastiCenterSimulator elastiCenter;
    private Connect libvirt;
    private LibvirtComputingResource agentResource;
    private Path journal;
    private Path ledger;
    private SimVolume poolVolume;

    @Before
    public void setUp() throws Exception {
        elastiCenter = ElastiCenterSimulator.builder().apiKey(API_KEY).start();
        poolVolume = elastiCenter.provisionVolume("pool-fs", 1L << 30);
        libvirt = new Connect("test:///default");
        LibvirtUtilitiesHelper utilities = mock(LibvirtUtilitiesHelper.class);
        when(utilities.getConnection()).thenReturn(libvirt);
        agentResource = mock(LibvirtComputingResource.class);
        when(agentResource.getLibvirtUtilitiesHelper()).thenReturn(utilities);
        KVMStoragePoolManager pools = mock(KVMStoragePoolManager.class);
        KVMStoragePool mounted = mock(KVMStoragePool.class);
        when(mounted.getLocalPath()).thenReturn(temp.newFolder("pool-mount").toString());
        when(pools.getStoragePool(StoragePoolType.SharedMountPoint, POOL_UUID)).thenReturn(mounted);
        when(agentResource.getStoragePoolMgr()).thenReturn(pools);
        journal = temp.newFolder("freeze-journal").toPath();
        ledger = temp.newFolder("pool-ledger").toPath();
        System.setProperty(EngineSnapshotRunner.JOURNAL_DIRECTORY_PROPERTY, journal.toString());
        System.setProperty(PoolSnapshotRunner.LEDGER_DIRECTORY_PROPERTY, ledger.toString());
        try {
            AgentSnapshotRuntime.install(EngineSnapshotRunner.forAgent());
        } finally {
            System.clearProperty(EngineSnapshotRunner.JOURNAL_DIRECTORY_PROPERTY);
            System.clearProperty(PoolSnapshotRunner.LEDGER_DIRECTORY_PROPERTY);
        }
    }

    @After
    public void tearDown() throws Exception {
        elastiCenter.close();
        libvirt.close();
    }

    private ElastiCenterEndpoint endpoint() {
        return new ElastiCenterEndpoint(elastiCenter.baseUrl().toString(), TlsTrust.pinnedSha256(elastiCenter.certificateSha256()));
    }

    private TakePoolSnapshotCommand take(String policy) {
        return new TakePoolSnapshotCommand(TEST_DRIVER_DOMAIN, POOL_UUID, "SharedMountPoint", poolVolume.id(), "espool-" + policy,
                Collections.singletonList("root-0001.qcow2"), policy, FreezeLimits.builder().maxFrozenWindow(Duration.ofSeconds(4))
                        .freezeTimeout(Duration.ofSeconds(2)).thawTimeout(Duration.ofSeconds(2)).build(), Duration.ofSeconds(30),
                endpoint(), Secret.of(API_KEY));
    }

    /** Management server -> agent -> management server in CloudStack's wire format; the log lines of both sides checked. */
    private Answer sendToAgent(Command command) throws Exception {
        Request sent = new Request(7, 1, command, true);
        Request received = Request.parse(sent.getBytes());
        // Request.toString() is what CloudStack logs for every command; its most revealing level is TRACE
        String gsonLogger = GsonHelper.class.getName();
        Level previous = LogManager.getLogger(gsonLogger).getLevel();
        Configurator.setLevel(gsonLogger, Level.TRACE);
        try {
            assertTrue(sent.toString(), sent.toString().contains(poolVolume.id()));
            assertFalse(sent.toString(), sent.toString().contains(API_KEY));
        } finally {
            Configurator.setLevel(gsonLogger, previous);
        }
        Answer answer = LibvirtRequestWrapper.getInstance().execute(received.getCommand(), agentResource);
        return Response.parse(new Response(received, answer).getBytes()).getAnswer();
    }

    @Test
    public void bestEffortIsOneCrashConsistentPoolSnapshotAndTheHostLedgerHandsItOver() throws Exception {
        Answer answer = sendToAgent(take("BEST_EFFORT"));

        assertEquals("dispatched to our wrapper", PoolSnapshotAnswer.class, answer.getClass());
        PoolSnapshotAnswer taken = (PoolSnapshotAnswer) answer;
        assertTrue(taken.getDetails(), taken.getResult());
        assertEquals("QUIESCE_FAILED", taken.getConsistencyLevel());
        assertEquals(Collections.singletonList(poolVolume.zfsPath() + "@espool-BEST_EFFORT"), elastiCenter.snapshotPaths(poolVolume.id()));
        assertEquals(poolVolume.zfsPath() + "@espool-BEST_EFFORT", taken.getSnapshotPath());
        assertTrue("handed over", new PoolSnapshotLedger(ledger).entries().isEmpty());
        assertFalse("no freeze left in the journal", new FreezeJournal(journal).read(TEST_DRIVER_DOMAIN).isPresent());
    }

    @Test
    public void requiredFailsWithTheReasonAndLeavesNothing() throws Exception {
        PoolSnapshotAnswer answer = (PoolSnapshotAnswer) sendToAgent(take("REQUIRED"));

        assertFalse(answer.getResult());
        assertEquals("POOL_SNAPSHOT_FAILED", answer.getFailureReason());
        assertFalse(answer.getDetails().contains(API_KEY));
        assertTrue(elastiCenter.snapshotPaths(poolVolume.id()).isEmpty());
        assertTrue("nothing pending in the host ledger", new PoolSnapshotLedger(ledger).entries().isEmpty());
        assertFalse(new FreezeJournal(journal).read(TEST_DRIVER_DOMAIN).isPresent());
    }

    @Test
    public void aRestoreOnAHostWithoutACloneHostSaysWhatToSetAndChangesNothing() throws Exception {
        sendToAgent(take("BEST_EFFORT"));
        Path file = Files.write(Path.of(((KVMStoragePool) agentResource.getStoragePoolMgr()
                .getStoragePool(StoragePoolType.SharedMountPoint, POOL_UUID)).getLocalPath(), "root-0001.qcow2"), new byte[] {1});

        Answer answer = sendToAgent(new RestorePoolVolumeCommand(POOL_UUID, "SharedMountPoint", poolVolume.id(), "espool-BEST_EFFORT",
                poolVolume.zfsPath() + "@espool-BEST_EFFORT", "root-0001.qcow2", "root-0001.qcow2", false, Duration.ofSeconds(30),
                endpoint(), Secret.of(API_KEY)));

        assertFalse(answer.getResult());
        assertTrue(answer.getDetails(), answer.getDetails().contains(PoolSnapshotRunner.CLONE_IMAGES_PROPERTY));
        assertEquals(1, Files.size(file));
    }
}
