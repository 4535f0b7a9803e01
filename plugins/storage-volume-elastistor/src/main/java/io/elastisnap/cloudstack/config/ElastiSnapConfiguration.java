// Licensed under the Apache License, Version 2.0. See LICENSE in the project root.
package io.elastisnap.cloudstack.config;

import java.time.Duration;
import java.util.List;

import org.apache.cloudstack.framework.config.ConfigKey;
import org.apache.cloudstack.framework.config.Configurable;

import com.cloud.utils.exception.CloudRuntimeException;

import io.elastisnap.engine.FreezeLimits;

/**
 * Registers our settings with CloudStack (they appear in Global Settings) and reads them for the strategies.
 *
 * <p>The frozen-window settings become the engine's {@link FreezeLimits} here, once, and are validated as they are
 * read: CloudStack 4.22 gives a plugin no way to refuse a value in updateConfiguration (it checks a value's type and
 * a list of names of its own; ConfigKey has no validator; Configurable only lists keys; the change is announced on the
 * message bus after it is committed), so the first snapshot after a bad change fails on the management server with
 * the settings named, instead of on every KVM host.
 */
public class ElastiSnapConfiguration implements Configurable, SnapshotSettings {
    static final String CATEGORY = "Storage";

    public static final ConfigKey<String> FREEZE_POLICY = new ConfigKey<>(CATEGORY, String.class, "elastistor.freeze.policy",
            "BEST_EFFORT", "Consistency policy of ElastiStor snapshots when quiescevm is not requested: REQUIRED (fail if the guest"
            + " cannot be frozen), BEST_EFFORT (continue crash-consistent and record it) or OFF. quiescevm=true always means REQUIRED.",
            true, ConfigKey.Scope.Global);
    public static final ConfigKey<Integer> MAX_FROZEN_WINDOW_MS = new ConfigKey<>(CATEGORY, Integer.class,
            "elastistor.max.frozen.window.ms", "8000", "Longest time a guest may stay frozen while ElastiStor snapshots are taken;"
            + " past it the guest is thawed and the snapshot fails (below Windows VSS's 10 s).", true, ConfigKey.Scope.Global);
    public static final ConfigKey<Integer> FREEZE_TIMEOUT_MS = new ConfigKey<>(CATEGORY, Integer.class,
            "elastistor.freeze.timeout.ms", "0", "Bounded wait for the guest agent's freeze reply. 0: derived from the window,"
            + " 5/8 of elastistor.max.frozen.window.ms and at most 5000 (the snapshots need time inside the window); a value"
            + " of its own must be shorter than the window.", true, ConfigKey.Scope.Global);
    public static final ConfigKey<Integer> THAW_TIMEOUT_MS = new ConfigKey<>(CATEGORY, Integer.class,
            "elastistor.thaw.timeout.ms", "10000", "Bounded wait for each thaw attempt (thaw is retried with backoff).", true,
            ConfigKey.Scope.Global);
    public static final ConfigKey<Integer> JOB_POLL_DEADLINE_MS = new ConfigKey<>(CATEGORY, Integer.class,
            "elastistor.job.poll.deadline.ms", "600000", "Deadline for an ElastiCenter asynchronous job (volume create/delete).",
            true, ConfigKey.Scope.Global);
    public static final ConfigKey<String> TLS_MODE = new ConfigKey<>(CATEGORY, String.class, "elastistor.tls.default",
            "system", "TLS trust for ElastiCenter when a pool does not set elasticenter.tls: system, ca:<file>,"
            + " sha256:<certificate fingerprint> or insecure (logged loudly).", true, ConfigKey.Scope.Global);
    public static final ConfigKey<Integer> RECONCILE_INTERVAL_MINUTES = new ConfigKey<>(CATEGORY, Integer.class,
            "elastistor.reconcile.interval.minutes", "60", "How often ElastiStor snapshots are compared with CloudStack's records"
            + " and orphans (left by crashes) reported in the management-server log; 0 turns the task off.", true,
            ConfigKey.Scope.Global);
    public static final ConfigKey<Boolean> RECONCILE_REMOVE_ORPHANS = new ConfigKey<>(CATEGORY, Boolean.class,
            "elastistor.reconcile.remove.orphans", "false", "When true, the next reconcile run deletes the orphaned ElastiStor"
            + " snapshots it finds (only snapshots this plugin named, found orphaned by two consecutive runs, without clones).", true,
            ConfigKey.Scope.Global);

    public static final ConfigKey<Boolean> BACKUP_KEEP_ARRAY_SNAPSHOT = new ConfigKey<>(CATEGORY, Boolean.class,
            "elastistor.backup.keep.array.snapshot", "true", "With snapshot.backup.to.secondary=true: keep the ElastiStor snapshot"
            + " after its copy on secondary storage is complete (instant revert and volume creation from the array); false deletes"
            + " it, and revert then writes the backup into the volume.", true, ConfigKey.Scope.Global);
    public static final ConfigKey<Boolean> BACKUP_COMPRESS = new ConfigKey<>(CATEGORY, Boolean.class, "elastistor.backup.compress",
            "false", "Write snapshot backups on secondary storage as compressed qcow2 (smaller; slower to write and restore).", true,
            ConfigKey.Scope.Global);
    public static final ConfigKey<Integer> BACKUP_WAIT_SECONDS = new ConfigKey<>(CATEGORY, Integer.class,
            "elastistor.backup.wait.seconds", "21600", "How long a KVM host may take to copy one ElastiStor snapshot to secondary"
            + " storage, or to restore one into a volume.", true, ConfigKey.Scope.Global);

    @Override
    public String getConfigComponentName() {
        return ElastiSnapConfiguration.class.getSimpleName();
    }

    @Override
    public ConfigKey<?>[] getConfigKeys() {
        return new ConfigKey<?>[] {FREEZE_POLICY, MAX_FROZEN_WINDOW_MS, FREEZE_TIMEOUT_MS, THAW_TIMEOUT_MS, JOB_POLL_DEADLINE_MS, TLS_MODE,
            RECONCILE_INTERVAL_MINUTES, RECONCILE_REMOVE_ORPHANS, BACKUP_KEEP_ARRAY_SNAPSHOT, BACKUP_COMPRESS, BACKUP_WAIT_SECONDS};
    }

    @Override
    public String defaultPolicy() {
        return FREEZE_POLICY.value();
    }

    @Override
    public FreezeLimits limits() {
        return limits(MAX_FROZEN_WINDOW_MS.value(), FREEZE_TIMEOUT_MS.value(), THAW_TIMEOUT_MS.value());
    }

    /** The limits the three settings give (a freeze timeout of 0 is derived from the window), or why they cannot. */
    static FreezeLimits limits(int maxFrozenWindowMs, int freezeTimeoutMs, int thawTimeoutMs) {
        FreezeLimits limits = FreezeLimits.builder()
                .maxFrozenWindow(Duration.ofMillis(maxFrozenWindowMs))
                .freezeTimeout(freezeTimeoutMs == 0 ? null : Duration.ofMillis(freezeTimeoutMs))
                .thawTimeout(Duration.ofMillis(thawTimeoutMs))
                .build();
        List<String> problems = limits.problems(ElastiSnapConfiguration::settingName);
        if (!problems.isEmpty()) {
            throw new CloudRuntimeException("The ElastiStor global settings contradict each other: " + String.join("; ", problems)
                    + ". Change them with 'cmk update configuration name=<setting> value=<value>' (elastistor.freeze.timeout.ms=0"
                    + " derives the freeze timeout from the window); nothing was frozen.");
        }
        return limits;
    }

    /** A limit as the admin knows it: the global setting, or for the limits without one, their fixed value's name. */
    public static String settingName(FreezeLimits.Setting setting) {
        switch (setting) {
            case MAX_FROZEN_WINDOW: return MAX_FROZEN_WINDOW_MS.key();
            case FREEZE_TIMEOUT: return FREEZE_TIMEOUT_MS.key();
            case THAW_TIMEOUT: return THAW_TIMEOUT_MS.key();
            default: return "the built-in " + setting.key();
        }
    }

    @Override
    public Duration jobPollDeadline() {
        return Duration.ofMillis(JOB_POLL_DEADLINE_MS.value());
    }

    @Override
    public String defaultTls() {
        return TLS_MODE.value();
    }

    @Override
    public int reconcileIntervalMinutes() {
        return RECONCILE_INTERVAL_MINUTES.value();
    }

    @Override
    public boolean removeOrphans() {
        return RECONCILE_REMOVE_ORPHANS.value();
    }

    @Override
    public boolean keepArraySnapshotAfterBackup() {
        return BACKUP_KEEP_ARRAY_SNAPSHOT.value();
    }

    @Override
    public boolean compressBackups() {
        return BACKUP_COMPRESS.value();
    }

    @Override
    public Duration backupWait() {
        return Duration.ofSeconds(BACKUP_WAIT_SECONDS.value());
    }
}
