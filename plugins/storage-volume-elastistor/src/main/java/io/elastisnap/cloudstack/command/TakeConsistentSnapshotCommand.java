// Licensed under the Apache License, Version 2.0. See LICENSE in the project root.
package io.elastisnap.cloudstack.command;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Objects;

import com.cloud.agent.api.Command;
import com.cloud.agent.api.LogLevel;

import io.elastisnap.elasticenter.Secret;
import io.elastisnap.engine.FreezeLimits;

/**
 * Sent by the management server to the KVM host that runs the VM: freeze the guest, snapshot all listed ElastiStor
 * volumes in parallel, thaw. Runs on the host so no management-server round trip sits inside the freeze.
 * Gson carries every non-transient field. The API key is a {@link Secret} on both sides; on the wire it must be the
 * plain value (a Secret's value is transient), in a field CloudStack's command logging skips ({@code @LogLevel(Off)})
 * and only {@link #getApiKey()} reads; Command.toString() only prints the class name.
 */
public class TakeConsistentSnapshotCommand extends Command {
    /** Agent-side slack on top of the engine's own bounded waits (pre-flight, job polling, thaw retries). */
    static final int WAIT_SLACK_SECONDS = 60;

    private String domainName;
    private List<VolumeSnapshotSpec> volumes;
    private String policy;
    private List<String> mountPoints;
    /** The engine's own limits type, validated on the management server when the settings were read. */
    private FreezeLimits limits;
    /** The ElastiCenter client's async-job deadline (a client setting, not a freeze limit). */
    private long jobPollDeadlineMillis;
    private ElastiCenterEndpoint endpoint;
    @LogLevel(LogLevel.Log4jLevel.Off)
    private String apiKey;

    /** For Gson. */
    TakeConsistentSnapshotCommand() {
    }

    public TakeConsistentSnapshotCommand(String domainName, List<VolumeSnapshotSpec> volumes, String policy, List<String> mountPoints,
                                         FreezeLimits limits, Duration jobPollDeadline, ElastiCenterEndpoint endpoint, Secret apiKey) {
        this.domainName = VolumeSnapshotSpec.requireText(domainName, "libvirt domain name");
        if (volumes == null || volumes.isEmpty()) {
            throw new IllegalArgumentException("A consistent snapshot needs at least one volume");
        }
        this.volumes = new ArrayList<>(volumes);
        this.policy = VolumeSnapshotSpec.requireText(policy, "consistency policy");
        this.mountPoints = mountPoints == null ? new ArrayList<>() : new ArrayList<>(mountPoints);
        this.limits = Objects.requireNonNull(limits, "limits");
        this.jobPollDeadlineMillis = jobPollDeadline.toMillis();
        this.endpoint = Objects.requireNonNull(endpoint, "ElastiCenter endpoint");
        this.apiKey = Objects.requireNonNull(apiKey, "ElastiCenter API key").reveal();
        setWait(waitSeconds(limits, jobPollDeadline));
    }

    /** Long enough for freeze + window + thaw + one job-poll deadline, so the manager never gives up on a live call. */
    static int waitSeconds(FreezeLimits limits, Duration jobPollDeadline) {
        long millis = limits.freezeTimeout().toMillis() + limits.maxFrozenWindow().toMillis() + limits.thawTimeout().toMillis()
                + jobPollDeadline.toMillis();
        return (int) Math.min(Integer.MAX_VALUE, millis / 1000 + WAIT_SLACK_SECONDS);
    }

    /** The freeze must not queue behind the host's sequential commands (e.g. a long volume copy). */
    @Override
    public boolean executeInSequence() {
        return false;
    }

    public String getDomainName() {
        return domainName;
    }

    public List<VolumeSnapshotSpec> getVolumes() {
        return Collections.unmodifiableList(volumes);
    }

    public String getPolicy() {
        return policy;
    }

    public List<String> getMountPoints() {
        return Collections.unmodifiableList(mountPoints);
    }

    public FreezeLimits getLimits() {
        return limits;
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
