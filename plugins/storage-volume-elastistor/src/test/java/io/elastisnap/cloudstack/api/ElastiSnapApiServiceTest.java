// Licensed under the Apache License, Version 2.0. See LICENSE in the project root.
package io.elastisnap.cloudstack.api;

import static org.junit.Assert.assertArrayEquals;
import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertFalse;
import static org.junit.Assert.assertNotNull;
import static org.junit.Assert.assertNull;
import static org.junit.Assert.assertTrue;
import static org.junit.Assert.fail;
import static org.mockito.ArgumentMatchers.any;
import static org.mockito.ArgumentMatchers.anyLong;
import static org.mockito.ArgumentMatchers.anyString;
import static org.mockito.Mockito.mock;
import static org.mockito.Mockito.when;

import java.lang.reflect.Field;
import java.time.Duration;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

import org.apache.cloudstack.acl.RoleType;
import org.apache.cloudstack.api.APICommand;
import org.apache.cloudstack.api.ApiErrorCode;
import org.apache.cloudstack.api.BaseAsyncCmd;
import org.apache.cloudstack.api.Parameter;
import org.apache.cloudstack.api.ServerApiException;
import org.junit.After;
import org.junit.Before;
import org.junit.Rule;
import org.junit.Test;
import org.junit.rules.TemporaryFolder;

import com.cloud.agent.AgentManager;
import com.cloud.agent.api.Answer;
import com.cloud.agent.api.Command;
import com.cloud.hypervisor.kvm.resource.LibvirtComputingResource;
import com.cloud.hypervisor.kvm.resource.wrapper.ElastiSnapFreezeLeaseCommandWrapper;
import com.cloud.hypervisor.kvm.resource.wrapper.LibvirtUtilitiesHelper;
import com.cloud.storage.Snapshot;
import com.cloud.vm.VirtualMachine;
import com.google.gson.Gson;

import io.elastisnap.cloudstack.ElastiStorPool;
import io.elastisnap.cloudstack.agent.AgentSnapshotRuntime;
import io.elastisnap.cloudstack.agent.EngineSnapshotRunner;
import io.elastisnap.cloudstack.command.FreezeLeaseAnswer;
import io.elastisnap.cloudstack.command.FreezeLeaseCommand;
import io.elastisnap.cloudstack.elasticenter.ElastiCenterClients;
import io.elastisnap.cloudstack.testsupport.Entities;
import io.elastisnap.cloudstack.testsupport.FakeDb;
import io.elastisnap.cloudstack.testsupport.ScriptedGuest;
import io.elastisnap.cloudstack.testsupport.SimulatedPools;
import io.elastisnap.cloudstack.testsupport.Wiring;
import io.elastisnap.engine.FreezeLimits;
import io.elastisnap.engine.journal.FreezeJournal;

/**
 * The plugin's API commands: their registration and permissions as CloudStack reads them from the annotations, and
 * the service behind them, whose lease commands go over the wire (Gson) to the real agent wrapper and engine, with a
 * scripted guest in place of libvirt.
 */
public class ElastiSnapApiServiceTest {
    private static final long HOST = 31L;

    @Rule
    public TemporaryFolder temp = new TemporaryFolder();

    private FakeDb db;
    private SimulatedPools.MutableSettings settings;
    private ScriptedGuest guest;
    private ElastiCenterClients clients;
    private AgentManager agentManager;
    private ElastiSnapApiService service;
    private Entities.Vm vm;

    @Before
    public void setUp() throws Exception {
        db = new FakeDb();
        settings = new SimulatedPools.MutableSettings();
        settings.limits = FreezeLimits.builder().maxFrozenWindow(Duration.ofSeconds(8)).thawTimeout(Duration.ofSeconds(1)).build();
        guest = new ScriptedGuest();
        clients = new ElastiCenterClients();
        AgentSnapshotRuntime.install(new EngineSnapshotRunner(guest, new FreezeJournal(temp.newFolder().toPath()), clients));
        LibvirtComputingResource host = mock(LibvirtComputingResource.class);
        when(host.getLibvirtUtilitiesHelper()).thenReturn(mock(LibvirtUtilitiesHelper.class));
        ElastiSnapFreezeLeaseCommandWrapper wrapper = new ElastiSnapFreezeLeaseCommandWrapper();
        agentManager = mock(AgentManager.class);
        when(agentManager.send(anyLong(), any(Command.class))).thenAnswer(i -> {
            Gson wire = new Gson();
            Command command = i.getArgument(1);
            return wrapper.execute(wire.fromJson(wire.toJson(command), FreezeLeaseCommand.class), host);
        });
        when(db.vmDao.findByUuid(anyString())).thenAnswer(i -> db.vms.values().stream().filter(v -> v.getUuid().equals(i.getArgument(0)))
                .findFirst().orElse(null));
        when(db.snapshotDao.findByUuid(anyString())).thenAnswer(i -> db.snapshots.values().stream()
                .filter(s -> s.getUuid().equals(i.getArgument(0))).findFirst().orElse(null));
        when(db.vmSnapshotDao.findByUuid(anyString())).thenAnswer(i -> db.vmSnapshots.values().stream()
                .filter(s -> s.getUuid().equals(i.getArgument(0))).findFirst().orElse(null));
        service = Wiring.inject(new ElastiSnapApiService(), db.vmDao, agentManager, settings, db.snapshotDao, db.snapshotDetails,
                db.vmSnapshotDao, db.vmSnapshotDetails);
        vm = db.vm(21L, VirtualMachine.State.Running, HOST);
    }

    @After
    public void tearDown() {
        clients.close();
    }

    @Test
    public void sixAdminOnlyCommandsAreRegisteredUnderTheirOwnNamesAndOnlyTheAdoptionTakesASecret() {
        Set<String> names = new HashSet<>();
        List<Class<?>> commands = service.getCommands();
        for (Class<?> command : commands) {
            APICommand api = command.getAnnotation(APICommand.class);
            assertNotNull(command + " needs @APICommand", api);
            assertArrayEquals(command.getName(), new RoleType[] {RoleType.Admin}, api.authorized());
            assertFalse("no secret out", api.responseHasSensitiveInfo());
            assertEquals("only the adoption takes a secret (the key)", command == AdoptPoolCmd.class, api.requestHasSensitiveInfo());
            assertFalse("a command taking a secret is synchronous: an async job stores its parameters",
                    api.requestHasSensitiveInfo() && BaseAsyncCmd.class.isAssignableFrom(command));
            names.add(api.name());
        }
        assertEquals(new HashSet<>(java.util.Arrays.asList("acquireElastiStorFreezeLease", "releaseElastiStorFreezeLease",
                "getElastiStorConsistencyReport", "adoptElastiStorPool", "detachElastiStorPool", "listElastiStorAdoptedPools")), names);
        assertTrue("lease commands are async jobs, audited by their events",
                BaseAsyncCmd.class.isAssignableFrom(AcquireFreezeLeaseCmd.class) && BaseAsyncCmd.class.isAssignableFrom(ReleaseFreezeLeaseCmd.class));
    }

    /**
     * CloudStack's dispatcher and listApis take a command's parameters from its class and its superclasses up to BaseCmd
     * (ReflectUtil.getAllFieldsForClass, walked the same way here): the shared one comes from the lease base.
     */
    @Test
    public void leaseCommandsHaveTheirOwnAndTheSharedParameters() {
        assertEquals(new HashSet<>(java.util.Arrays.asList("virtualmachineid", "duration")), parameterNames(AcquireFreezeLeaseCmd.class));
        assertEquals(new HashSet<>(java.util.Arrays.asList("virtualmachineid", "leaseid")), parameterNames(ReleaseFreezeLeaseCmd.class));
    }

    private static Set<String> parameterNames(Class<?> command) {
        Set<String> names = new HashSet<>();
        for (Class<?> c = command; c != BaseAsyncCmd.class; c = c.getSuperclass()) {
            for (Field field : c.getDeclaredFields()) {
                Parameter parameter = field.getAnnotation(Parameter.class);
                if (parameter != null) {
                    names.add(parameter.name());
                }
            }
        }
        return names;
    }

    @Test
    public void aLeaseFreezesTheVmOnItsHostUntilReleased() throws Exception {
        FreezeLeaseResponse acquired = FreezeLeaseResponse.of(vm.getUuid(), service.acquireLease(service.vm(vm.getUuid()), 5));
        assertEquals("FROZEN", acquired.getState());
        assertTrue(guest.isFrozen());
        assertNotNull(acquired.getExpiresAt());

        FreezeLeaseResponse released = FreezeLeaseResponse.of(vm.getUuid(), service.releaseLease(vm, acquired.getLeaseId()));
        assertEquals("THAWED", released.getState());
        assertEquals("RELEASE", released.getEndedBy());
        assertTrue(released.getFrozenWindowMillis() < 5_000);
        assertFalse(guest.isFrozen());
    }

    @Test
    public void leaseRequestsTheHostCannotOrMustNotServeAreRefusedNamingTheProblem() {
        assertRefused(ApiErrorCode.PARAM_ERROR, "duration must be 1 to 8 seconds: a lease is bounded by the global setting"
                + " elastistor.max.frozen.window.ms (8000 ms)", () -> service.acquireLease(vm, 9));
        assertRefused(ApiErrorCode.PARAM_ERROR, "duration must be 1 to 8", () -> service.acquireLease(vm, 0));
        assertRefused(ApiErrorCode.PARAM_ERROR, "No virtual machine with id nope", () -> service.vm("nope"));
        vm.state = VirtualMachine.State.Stopped;
        assertRefused(ApiErrorCode.PARAM_ERROR, "is Stopped: only a running VM's file systems can be frozen",
                () -> service.acquireLease(vm, 5));
        vm.state = VirtualMachine.State.Running;
        assertRefused(ApiErrorCode.PARAM_ERROR, "No freeze lease no-such-lease of", () -> service.releaseLease(vm, "no-such-lease"));
        guest.failFreezes();
        assertRefused(ApiErrorCode.INTERNAL_ERROR, "Permission denied", () -> service.acquireLease(vm, 5));
        assertFalse(guest.isFrozen());
    }

    @Test
    public void aHostWithoutThePluginIsNamedAsTheProblem() throws Exception {
        when(agentManager.send(anyLong(), any(Command.class))).thenReturn(new Answer(null, false, "Unsupported command issued"));
        assertRefused(ApiErrorCode.UNSUPPORTED_ACTION_ERROR, "cannot hold freeze leases (is the plugin jar in"
                + " /usr/share/cloudstack-agent/lib and the agent restarted?): Unsupported command issued", () -> service.acquireLease(vm, 5));
    }

    @Test
    public void theReportShowsLevelWindowAndWhyASnapshotIsNotFsFrozen() {
        db.snapshots.put(41L, new Entities.Snap(41L, 11L, Snapshot.State.BackedUp));
        db.snapshotDetails.addDetail(41L, ElastiStorPool.SNAPSHOT_CONSISTENCY, "FS_FROZEN", true);
        db.snapshotDetails.addDetail(41L, ElastiStorPool.SNAPSHOT_FROZEN_WINDOW_MS, "180", true);
        ConsistencyReportResponse frozen = service.report("snap-uuid-41", null);
        assertEquals("FS_FROZEN", frozen.getLevel());
        assertEquals(Long.valueOf(180), frozen.getFrozenWindowMillis());
        assertNull(frozen.getReason());

        db.snapshots.put(42L, new Entities.Snap(42L, 11L, Snapshot.State.BackedUp));
        db.snapshotDetails.addDetail(42L, ElastiStorPool.SNAPSHOT_CONSISTENCY, "QUIESCE_FAILED", true);
        db.snapshotDetails.addDetail(42L, ElastiStorPool.SNAPSHOT_CONSISTENCY_REASON, "FREEZE_FAILED: guest-fsfreeze-freeze failed", true);
        assertEquals("FREEZE_FAILED: guest-fsfreeze-freeze failed", service.report("snap-uuid-42", null).getReason());

        db.snapshots.put(43L, new Entities.Snap(43L, 11L, Snapshot.State.Error));
        db.snapshotDetails.addDetail(43L, ElastiStorPool.SNAPSHOT_FAILURE, "Consistent snapshot of i-2-21-VM failed (FREEZE_FAILED): ...", true);
        ConsistencyReportResponse failed = service.report("snap-uuid-43", null);
        assertNull(failed.getLevel());
        assertEquals("Consistent snapshot of i-2-21-VM failed (FREEZE_FAILED): ...", failed.getFailure());

        db.vmSnapshot(100L, 21L);
        db.vmSnapshotDetails.addDetail(100L, ElastiStorPool.SNAPSHOT_CONSISTENCY, "VM_NOT_RUNNING", true);
        assertTrue(service.report(null, "vmsnap-uuid-100").getReason().contains("not running"));
    }

    @Test
    public void theReportNeedsExactlyOneExistingSnapshot() {
        assertRefused(ApiErrorCode.PARAM_ERROR, "Give either snapshotid or vmsnapshotid", () -> service.report(null, null));
        assertRefused(ApiErrorCode.PARAM_ERROR, "Give either snapshotid or vmsnapshotid", () -> service.report("a", "b"));
        assertRefused(ApiErrorCode.PARAM_ERROR, "No snapshot with id a", () -> service.report("a", null));
        assertRefused(ApiErrorCode.PARAM_ERROR, "No VM snapshot with id b", () -> service.report(null, "b"));
    }

    private static void assertRefused(ApiErrorCode code, String message, Runnable call) {
        try {
            call.run();
            fail("expected: " + message);
        } catch (ServerApiException e) {
            assertEquals(e.getMessage(), code, e.getErrorCode());
            assertTrue(e.getMessage(), e.getMessage().contains(message));
        }
    }
}
