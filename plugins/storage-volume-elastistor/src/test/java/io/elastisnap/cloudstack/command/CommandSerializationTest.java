// Licensed under the Apache License, Version 2.0. See LICENSE in the project root.
package io.elastisnap.cloudstack.command;

import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertFalse;
import static org.junit.Assert.assertTrue;

import java.time.Duration;
import java.util.Arrays;

import org.apache.logging.log4j.Level;
import org.junit.Test;

import com.cloud.agent.api.Command;
import com.cloud.agent.api.LogLevel;
import com.google.gson.ExclusionStrategy;
import com.google.gson.FieldAttributes;
import com.google.gson.Gson;
import com.google.gson.GsonBuilder;

import io.elastisnap.cloudstack.testsupport.SampleCommand;
import io.elastisnap.elasticenter.Secret;
import io.elastisnap.elasticenter.TlsTrust;
import io.elastisnap.engine.FreezeLimits;

public class CommandSerializationTest {
    /**
     * CloudStack's core LoggingExclusionStrategy, as Request.toString() uses it for the DEBUG log of every command:
     * skip a field whose @LogLevel level is not enabled for the logger (Off never is: Log4jLevel.enabled() is
     * "level != OFF && logger.isEnabled(level)"), and skip Command classes whose class-level @LogLevel is not enabled.
     * Replicated here with a logger that has every level enabled, the most revealing case.
     */
    public static final class CloudStackLoggingExclusion implements ExclusionStrategy {
        private static boolean enabled(LogLevel.Log4jLevel level) {
            Level log4j = level == LogLevel.Log4jLevel.Off ? Level.OFF : level == LogLevel.Log4jLevel.Trace ? Level.TRACE : Level.DEBUG;
            return log4j != Level.OFF;
        }

        @Override
        public boolean shouldSkipField(FieldAttributes field) {
            LogLevel level = field.getAnnotation(LogLevel.class);
            return level != null && !enabled(level.value());
        }

        @Override
        public boolean shouldSkipClass(Class<?> clazz) {
            if (clazz.isArray() || !Command.class.isAssignableFrom(clazz)) {
                return false;
            }
            LogLevel level = clazz.getAnnotation(LogLevel.class);
            return !enabled(level == null ? LogLevel.Log4jLevel.Debug : level.value());
        }
    }

    @Test
    public void apiKeyIsExcludedFromCloudStackCommandLogging() {
        Gson logging = new GsonBuilder().setExclusionStrategies(new CloudStackLoggingExclusion()).create();
        String logged = logging.toJson(SampleCommand.create());
        assertFalse(logged, logged.contains(SampleCommand.KEY));
        assertTrue("the rest of the command is still logged: " + logged, logged.contains("es-vol-2") && logged.contains("i-2-10-VM")
                && logged.contains("\"limits\":{\"givenMillis\":{\"FREEZE_TIMEOUT\":4000}}"));
    }

    @Test
    public void theChapSecretOfATransferLunTravelsButIsNeverLoggedOrPrinted() {
        String secret = "LunChapSecret42";
        IscsiLun lun = new IscsiLun("10.0.0.5", 3260, "iqn.2026-12.ACC.TSM1:bkclone", 0).withChap("esnapuser", Secret.of(secret));
        BackupSnapshotToSecondaryCommand backup = new BackupSnapshotToSecondaryCommand(lun, "nfs://s/e", "snapshots/2/11/u",
                false, 60);
        RestoreSnapshotBackupCommand restore = new RestoreSnapshotBackupCommand("nfs://s/e", "snapshots/2/11/u", "ab".repeat(32),
                lun, 60);
        Gson logging = new GsonBuilder().setExclusionStrategies(new CloudStackLoggingExclusion()).create();
        Gson wire = new Gson();
        for (SnapshotBackupCommand command : Arrays.asList(backup, restore)) {
            String logged = logging.toJson(command);
            assertFalse(logged, logged.contains(secret));
            assertTrue("the login user is still logged: " + logged, logged.contains("\"chapUser\":\"esnapuser\""));
            assertFalse(command.toString().contains(secret));
            assertTrue("the wire carries it: the host must log in", wire.toJson(command).contains(secret));
        }
        assertEquals("iscsi://10.0.0.5:3260/iqn.2026-12.ACC.TSM1:bkclone/0", lun.toString());
        IscsiLun received = wire.fromJson(wire.toJson(backup), BackupSnapshotToSecondaryCommand.class).getSource();
        assertEquals(lun, received);
        assertEquals(Secret.of(secret), received.getChapSecret().get());
        assertEquals("esnapuser", received.getChapUser().get());
        IscsiLun withoutChap = wire.fromJson(wire.toJson(new IscsiLun("h", 3260, "iqn.2026-12.a:b", 0)), IscsiLun.class);
        assertFalse(withoutChap.getChapUser().isPresent() || withoutChap.getChapSecret().isPresent());
    }

    @Test
    public void poolCommandsKeepTheirKeyOutOfCloudStackCommandLoggingAndCarryItOverTheWire() {
        ElastiCenterEndpoint endpoint = new ElastiCenterEndpoint("https://ec.example:443",
                TlsTrust.fromSpec("sha256:" + SampleCommand.FINGERPRINT));
        TakePoolSnapshotCommand take = new TakePoolSnapshotCommand("i-2-10-VM", "pool-uuid", "SharedMountPoint", "es-pool-vol",
                "espool-1", Arrays.asList("root.qcow2", "data.qcow2"), "REQUIRED", FreezeLimits.builder().build(),
                Duration.ofMinutes(10), endpoint, Secret.of(SampleCommand.KEY));
        RestorePoolVolumeCommand restore = new RestorePoolVolumeCommand("pool-uuid", "NetworkFilesystem", "es-pool-vol", "espool-1",
                "pool/vol@espool-1", "root.qcow2", "root.qcow2", false, Duration.ofMinutes(10), endpoint, Secret.of(SampleCommand.KEY));
        Gson logging = new GsonBuilder().setExclusionStrategies(new CloudStackLoggingExclusion()).create();
        Gson wire = new Gson();
        for (PoolSnapshotCommand command : Arrays.asList(take, restore)) {
            String logged = logging.toJson(command);
            assertFalse(logged, logged.contains(SampleCommand.KEY));
            assertTrue("the rest is logged: " + logged, logged.contains("es-pool-vol") && logged.contains("espool-1"));
            assertFalse(command.toString().contains(SampleCommand.KEY));
            PoolSnapshotCommand copy = wire.fromJson(wire.toJson(command), command.getClass());
            assertEquals(Secret.of(SampleCommand.KEY), copy.getApiKey());
            assertEquals(endpoint, copy.getEndpoint());
            assertFalse(copy.executeInSequence());
        }
        TakePoolSnapshotCommand copy = wire.fromJson(wire.toJson(take), TakePoolSnapshotCommand.class);
        assertEquals(Arrays.asList("root.qcow2", "data.qcow2"), copy.getFiles());
        assertEquals(FreezeLimits.builder().build(), copy.getLimits());
        assertEquals("a restore copies a whole volume", RestorePoolVolumeCommand.WAIT_SECONDS,
                wire.fromJson(wire.toJson(restore), RestorePoolVolumeCommand.class).getWait());
    }

    @Test
    public void apiKeyNeverAppearsInToString() {
        TakeConsistentSnapshotCommand command = SampleCommand.create();
        assertEquals(TakeConsistentSnapshotCommand.class.getName(), command.toString());
        assertFalse(command.getEndpoint().toString().contains(SampleCommand.KEY));
    }

    @Test
    public void commandSurvivesTheWireWithItsKeyAndLimits() {
        Gson wire = new Gson();
        TakeConsistentSnapshotCommand copy = wire.fromJson(wire.toJson(SampleCommand.create()), TakeConsistentSnapshotCommand.class);
        assertEquals(Secret.of(SampleCommand.KEY), copy.getApiKey());
        assertEquals(SampleCommand.create().getVolumes(), copy.getVolumes());
        assertEquals(SampleCommand.create().getEndpoint(), copy.getEndpoint());
        assertEquals(TlsTrust.Mode.PINNED_SHA256, copy.getEndpoint().trust().mode());
        assertEquals(SampleCommand.create().getLimits(), copy.getLimits());
        assertEquals(Duration.ofMinutes(10), copy.getJobPollDeadline());
        assertFalse(copy.executeInSequence());
        assertEquals(Duration.ofSeconds(4), copy.getLimits().freezeTimeout());
        assertEquals("freeze + window + thaw + job deadline + slack", 4 + 8 + 10 + 600 + TakeConsistentSnapshotCommand.WAIT_SLACK_SECONDS,
                copy.getWait());
    }

    @Test
    public void aVolumeCarriesTheSerialCloudStackGaveItsDisk() {
        String serial = VolumeSnapshotSpec.cloudStackDiskSerial("2a0c6fd1-b5a5-4c2c-a1d4-e5f60718293a");
        assertEquals("CloudStack's diskUuidToSerial: no dashes, 20 characters", "2a0c6fd1b5a54c2ca1d4", serial);
        Gson wire = new Gson();
        VolumeSnapshotSpec copy = wire.fromJson(wire.toJson(new VolumeSnapshotSpec("es-vol-1", "cs-a", serial)),
                VolumeSnapshotSpec.class);
        assertEquals(serial, copy.getDiskSerial());
    }

    @Test
    public void answerCarriesTheEngineResultOverTheWire() {
        TakeConsistentSnapshotAnswer answer = TakeConsistentSnapshotAnswer.success(SampleCommand.create(),
                Arrays.asList(new VolumeSnapshotResult("es-vol-1", "cs-a", "pool/vol1@cs-a")), "QUIESCE_FAILED", 12, 40, 9, 55,
                "FREEZE_FAILED: guest-fsfreeze-freeze failed: Permission denied",
                "whole guest (every disk of the domain is snapshotted)");
        Gson wire = new Gson();
        TakeConsistentSnapshotAnswer copy = wire.fromJson(wire.toJson(answer), TakeConsistentSnapshotAnswer.class);
        assertTrue(copy.getResult());
        assertEquals("pool/vol1@cs-a", copy.getSnapshots().get(0).getPath());
        assertEquals("QUIESCE_FAILED", copy.getConsistencyLevel());
        assertEquals("FREEZE_FAILED: guest-fsfreeze-freeze failed: Permission denied", copy.getQuiesceFailure());
        assertEquals(55, copy.getFrozenWindowMillis());
        assertEquals("whole guest (every disk of the domain is snapshotted)", copy.getFreezeScope());
    }

    @Test
    public void aFreezeLeaseTravelsWithItsLimitsAndItsAnswerWithItsTimes() {
        FreezeLimits limits = FreezeLimits.builder().maxFrozenWindow(Duration.ofSeconds(6)).build();
        Gson wire = new Gson();
        FreezeLeaseCommand acquire = wire.fromJson(wire.toJson(FreezeLeaseCommand.acquire("i-2-10-VM", "lease-1", limits)),
                FreezeLeaseCommand.class);
        assertEquals(FreezeLeaseCommand.Action.ACQUIRE, acquire.getAction());
        assertEquals(limits, acquire.getLimits());
        assertEquals("lease-1", acquire.getLeaseId());
        FreezeLeaseAnswer answer = wire.fromJson(wire.toJson(FreezeLeaseAnswer.ended(acquire, FreezeLeaseAnswer.State.THAWED, "RELEASE",
                1000, 7000, 2500, "ended")), FreezeLeaseAnswer.class);
        assertEquals(FreezeLeaseAnswer.State.THAWED, answer.getState());
        assertEquals("RELEASE", answer.getEndedBy());
        assertEquals(2500, answer.getFrozenWindowMillis());
        assertEquals("lease-1", answer.getLeaseId());
    }

    @Test
    public void theEndpointCarriesTheTrustInTheClientsOneLineForm() {
        ElastiCenterEndpoint endpoint = SampleCommand.create().getEndpoint();
        assertEquals("sha256:" + "ab".repeat(32), endpoint.tlsSpec());
        assertEquals("ab".repeat(32), endpoint.trust().pinnedFingerprint().get());
        assertEquals("{\"url\":\"https://ec.example:443\",\"tls\":\"sha256:" + "ab".repeat(32) + "\"}", new Gson().toJson(endpoint));
    }
}
