// Licensed under the Apache License, Version 2.0. See LICENSE in the project root.
package io.elastisnap.engine;

import java.util.ArrayList;
import java.util.Collections;
import java.util.HashSet;
import java.util.List;
import java.util.Objects;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * What to snapshot: a libvirt domain, its array volumes with one snapshot name each, the consistency policy, the mount
 * points to freeze (empty: all) and the time limits. Built leniently; {@link #problems()} lists everything wrong and
 * the engine rejects such a request with INVALID_REQUEST before any side effect.
 */
public final class ConsistentSnapshotRequest {
    /** ZFS snapshot-name characters (ElastiStor is ZFS underneath). */
    public static final Pattern SNAPSHOT_NAME = Pattern.compile("[A-Za-z0-9_.:-]+");
    public static final int MAX_SNAPSHOT_NAME_LENGTH = 200;

    private final String domainName;
    private final List<VolumeRequest> volumes;
    private final ConsistencyPolicy policy;
    private final List<String> mountPoints;
    private final FreezeLimits limits;

    private ConsistentSnapshotRequest(Builder b) {
        domainName = b.domainName;
        volumes = Collections.unmodifiableList(new ArrayList<>(b.volumes));
        policy = b.policy;
        mountPoints = Collections.unmodifiableList(new ArrayList<>(b.mountPoints));
        limits = b.limits;
    }

    public static Builder builder(String domainName) {
        return new Builder(domainName);
    }

    public String domainName() {
        return domainName;
    }

    public List<VolumeRequest> volumes() {
        return volumes;
    }

    public ConsistencyPolicy policy() {
        return policy;
    }

    /** Mount points to freeze with {@code guest-fsfreeze-freeze-list}; empty means all file systems. */
    public List<String> mountPoints() {
        return mountPoints;
    }

    public FreezeLimits limits() {
        return limits;
    }

    /** Everything wrong with this request, one sentence each; empty when it can be executed. */
    public List<String> problems() {
        List<String> problems = new ArrayList<>();
        if (isBlank(domainName)) {
            problems.add("domain name is blank");
        }
        if (policy == null) {
            problems.add("consistency policy is not set");
        }
        if (volumes.isEmpty()) {
            problems.add("no volumes to snapshot");
        }
        Set<String> seenVolumes = new HashSet<>();
        for (int i = 0; i < volumes.size(); i++) {
            VolumeRequest v = volumes.get(i);
            String where = "volume #" + (i + 1);
            if (isBlank(v.volumeId())) {
                problems.add(where + ": volume id is blank");
            } else if (!seenVolumes.add(v.volumeId())) {
                problems.add(where + ": volume id '" + v.volumeId() + "' is listed more than once");
            }
            String nameProblem = snapshotNameProblem(v.snapshotName());
            if (nameProblem != null) {
                problems.add(where + " ('" + v.volumeId() + "'): " + nameProblem);
            }
        }
        Set<String> seenMountPoints = new HashSet<>();
        for (String mountPoint : mountPoints) {
            if (isBlank(mountPoint)) {
                problems.add("a mount point is blank");
            } else if (mountPoint.chars().anyMatch(Character::isISOControl)) {
                problems.add("mount point '" + mountPoint.replaceAll("\\p{Cntrl}", "?") + "' contains control characters");
            } else if (!seenMountPoints.add(mountPoint)) {
                problems.add("mount point '" + mountPoint + "' is listed more than once");
            }
        }
        if (limits == null) {
            problems.add("limits are not set");
        } else {
            for (String p : limits.problems()) {
                problems.add("limits: " + p);
            }
        }
        return Collections.unmodifiableList(problems);
    }

    /** Why {@code name} cannot be an array snapshot name, or null when it can. */
    static String snapshotNameProblem(String name) {
        if (isBlank(name)) {
            return "snapshot name is blank";
        }
        if (name.length() > MAX_SNAPSHOT_NAME_LENGTH) {
            return "snapshot name is " + name.length() + " characters long, at most " + MAX_SNAPSHOT_NAME_LENGTH + " are allowed";
        }
        if (!SNAPSHOT_NAME.matcher(name).matches()) {
            return "snapshot name '" + name.replaceAll("\\p{Cntrl}", "?") + "' has characters outside [A-Za-z0-9_.:-]";
        }
        if (name.equals(".") || name.equals("..")) {
            return "snapshot name '" + name + "' is reserved";
        }
        return null;
    }

    private static boolean isBlank(String s) {
        return s == null || s.trim().isEmpty();
    }

    @Override
    public String toString() {
        return "ConsistentSnapshotRequest[domain=" + domainName + ", policy=" + policy + ", volumes=" + volumes
                + ", mountPoints=" + mountPoints + ", " + limits + "]";
    }

    /** Builder. Defaults: policy REQUIRED, all file systems, {@link FreezeLimits#defaults()}. */
    public static final class Builder {
        private final String domainName;
        private final List<VolumeRequest> volumes = new ArrayList<>();
        private ConsistencyPolicy policy = ConsistencyPolicy.REQUIRED;
        private List<String> mountPoints = Collections.emptyList();
        private FreezeLimits limits = FreezeLimits.defaults();

        private Builder(String domainName) {
            this.domainName = domainName;
        }

        public Builder volume(String volumeId, String snapshotName) {
            return volume(volumeId, snapshotName, null);
        }

        /** @param diskLabel the domain disk (target, e.g. {@code vdb}) the volume is attached as; null if unknown */
        public Builder volume(String volumeId, String snapshotName, String diskLabel) {
            volumes.add(new VolumeRequest(volumeId, snapshotName, diskLabel, null));
            return this;
        }

        /** A volume known by the serial of the disk it is attached as (CloudStack's volume serial). */
        public Builder volumeWithSerial(String volumeId, String snapshotName, String diskSerial) {
            volumes.add(new VolumeRequest(volumeId, snapshotName, null, diskSerial));
            return this;
        }

        public Builder policy(ConsistencyPolicy value) {
            policy = value;
            return this;
        }

        public Builder mountPoints(List<String> value) {
            mountPoints = new ArrayList<>(Objects.requireNonNull(value, "mountPoints"));
            return this;
        }

        public Builder limits(FreezeLimits value) {
            limits = value;
            return this;
        }

        public ConsistentSnapshotRequest build() {
            return new ConsistentSnapshotRequest(this);
        }
    }
}
