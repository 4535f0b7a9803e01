// Licensed under the Apache License, Version 2.0. See LICENSE in the project root.
package io.elastisnap.cloudstack.command;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Objects;

import io.elastisnap.elasticenter.Secret;
import io.elastisnap.engine.FreezeLimits;

/**
 * Sent to the KVM host that runs the VM: the engine's pool group of this one VM (freeze the guest, {@code syncfs} of
 * the pool's mount point, ONE array snapshot of the pool volume, thaw), with the thaw guard and freeze journal of the
 * single-VM path. The disks are files relative to the pool's mount point. Without a domain (a stopped VM, a detached
 * volume) any host with the pool mounted flushes it and snapshots it, no guest involved: the pool's file system may still
 * hold the files' last allocations in the host's cache, which the array snapshot must include.
 */
public class TakePoolSnapshotCommand extends PoolSnapshotCommand {
    private String domainName;
    private String snapshotName;
    private List<String> files;
    private String policy;
    private FreezeLimits limits;

    /** For Gson. */
    TakePoolSnapshotCommand() {
    }

    public TakePoolSnapshotCommand(String domainName, String poolUuid, String poolType, String poolVolumeId, String snapshotName,
            List<String> files, String policy, FreezeLimits limits, Duration jobPollDeadline, ElastiCenterEndpoint endpoint,
            Secret apiKey) {
        super(poolUuid, poolType, poolVolumeId, jobPollDeadline, endpoint, apiKey);
        this.domainName = domainName == null ? null : VolumeSnapshotSpec.requireText(domainName, "libvirt domain name");
        this.snapshotName = VolumeSnapshotSpec.requireText(snapshotName, "pool snapshot name");
        if (files == null || files.isEmpty()) {
            throw new IllegalArgumentException("A pool snapshot needs at least one disk file of the VM");
        }
        this.files = new ArrayList<>(files);
        this.policy = VolumeSnapshotSpec.requireText(policy, "consistency policy");
        this.limits = Objects.requireNonNull(limits, "limits");
        setWait(TakeConsistentSnapshotCommand.waitSeconds(limits, jobPollDeadline));
    }

    /** The running VM to freeze, or null when no guest is writing. */
    public String getDomainName() {
        return domainName;
    }

    /** The array snapshot's name, unique per CloudStack snapshot (the ledger and a crash's clean-up find it by name). */
    public String getSnapshotName() {
        return snapshotName;
    }

    /** The VM's disk files on the pool, relative to its mount point (CloudStack's volume path). */
    public List<String> getFiles() {
        return Collections.unmodifiableList(files);
    }

    public String getPolicy() {
        return policy;
    }

    public FreezeLimits getLimits() {
        return limits;
    }
}
