// Licensed under the Apache License, Version 2.0. See LICENSE in the project root.
package io.elastisnap.cloudstack.command;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Objects;

import com.cloud.agent.api.Command;
import com.cloud.agent.api.LogLevel;

import io.elastisnap.elasticenter.Secret;

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
    private long maxFrozenWindowMillis;
    private long freezeTimeoutMillis;
    private long thawTimeoutMillis;
    private long jobPollDeadlineMillis;
    private ElastiCenterEndpoint endpoint;
    @LogLevel(LogLevel.Log4jLevel.Off)
    private String apiKey;

    /** For Gson. */
    TakeConsistentSnapshotCommand() {
    }

    public TakeConsistentSnapshotCommand(String domainName, List<VolumeSnapshotSpec> volumes, String policy, List<String> mountPoints,
                                         SnapshotLimits limits, ElastiCenterEndpoint endpoint, Secret apiKey) {
        this.domainName = VolumeSnapshotSpec.requireText(domainName, "libvirt domain name");
        if (volumes == null || volumes.isEmpty()) {
            throw new IllegalArgumentException("A consistent snapshot needs at least one volume");
        }
        this.volumes = new ArrayList<>(volumes);
        this.policy = VolumeSnapshotSpec.requireText(policy, "consistency policy");
        this.mountPoints = mountPoints == null ? new ArrayList<>() : new ArrayList<>(mountPoints);
        Objects.requireNonNull(limits, "limits");
        this.maxFrozenWindowMillis = limits.maxFrozenWindowMillis();
        this.freezeTimeoutMillis = limits.freezeTimeoutMillis();
        this.thawTimeoutMillis = limits.thawTimeoutMillis();
        this.jobPollDeadlineMillis = limits.jobPollDeadlineMillis();
        this.endpoint = Objects.requireNonNull(endpoint, "ElastiCenter endpoint");
        this.apiKey = Objects.requireNonNull(apiKey, "ElastiCenter API key").reveal();
        setWait(waitSeconds(limits));
    }

    /** Long enough for freeze + window + thaw + one job-poll deadline, so the manager never gives up on a live call. */
    static int waitSeconds(SnapshotLimits limits) {
        long millis = limits.freezeTimeoutMillis() + limits.maxFrozenWindowMillis() + limits.thawTimeoutMillis()
                + limits.jobPollDeadlineMillis();
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

    public SnapshotLimits getLimits() {
        return new SnapshotLimits(maxFrozenWindowMillis, freezeTimeoutMillis, thawTimeoutMillis, jobPollDeadlineMillis);
    }

    public ElastiCenterEndpoint getEndpoint() {
        return endpoint;
    }

    public Secret getApiKey() {
        return Secret.of(apiKey);
    }
}
