// Licensed under the Apache License, Version 2.0. See LICENSE in the project root.
package io.elastisnap.cloudstack.command;

import java.time.Duration;
import java.util.Objects;

import com.cloud.agent.api.Command;
import com.cloud.agent.api.LogLevel;

import io.elastisnap.elasticenter.Secret;

/**
 * What the pool-level commands share: the CloudStack pool whose file system holds the VM disks (its uuid and type, so
 * the agent finds its own mount point, which for NFS depends on the agent's mount.parent), the ElastiStor volume under
 * it, and how to reach that volume's ElastiCenter. The API key travels as in {@link TakeConsistentSnapshotCommand}: plain
 * on the wire in a field CloudStack's command logging skips, a {@link Secret} on both sides.
 */
public abstract class PoolSnapshotCommand extends Command {
    private String poolUuid;
    private String poolType;
    private String poolVolumeId;
    private long jobPollDeadlineMillis;
    private ElastiCenterEndpoint endpoint;
    @LogLevel(LogLevel.Log4jLevel.Off)
    private String apiKey;

    /** For Gson. */
    PoolSnapshotCommand() {
    }

    PoolSnapshotCommand(String poolUuid, String poolType, String poolVolumeId, Duration jobPollDeadline,
            ElastiCenterEndpoint endpoint, Secret apiKey) {
        this.poolUuid = VolumeSnapshotSpec.requireText(poolUuid, "storage pool uuid");
        this.poolType = VolumeSnapshotSpec.requireText(poolType, "storage pool type");
        this.poolVolumeId = VolumeSnapshotSpec.requireText(poolVolumeId, "ElastiStor pool volume id");
        this.jobPollDeadlineMillis = jobPollDeadline.toMillis();
        this.endpoint = Objects.requireNonNull(endpoint, "ElastiCenter endpoint");
        this.apiKey = Objects.requireNonNull(apiKey, "ElastiCenter API key").reveal();
    }

    /** A freeze or a long copy must not queue behind the host's sequential commands. */
    @Override
    public boolean executeInSequence() {
        return false;
    }

    public String getPoolUuid() {
        return poolUuid;
    }

    /** CloudStack's {@code Storage.StoragePoolType} name: SharedMountPoint or NetworkFilesystem. */
    public String getPoolType() {
        return poolType;
    }

    public String getPoolVolumeId() {
        return poolVolumeId;
    }

    public Duration getJobPollDeadline() {
        return Duration.ofMillis(jobPollDeadlineMillis);
    }

    public ElastiCenterEndpoint getEndpoint() {
        return endpoint;
    }

    public Secret getApiKey() {
        return Secret.of(apiKey);
    }
}
