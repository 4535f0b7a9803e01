// Licensed under the Apache License, Version 2.0. See LICENSE in the project root.
package io.elastisnap.engine.pool;

import io.elastisnap.engine.ConsistentSnapshotRequest;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;

/**
 * Several VMs to freeze together and snapshot with one array snapshot per pool volume they use, named
 * {@code snapshotName} on every pool.
 */
public final class GroupSnapshotRequest {
    private final String groupId;
    private final String snapshotName;
    private final List<GroupMember> members;

    public GroupSnapshotRequest(String groupId, String snapshotName, List<GroupMember> members) {
        this.groupId = Objects.requireNonNull(groupId, "groupId");
        this.snapshotName = Objects.requireNonNull(snapshotName, "snapshotName");
        this.members = Collections.unmodifiableList(new ArrayList<>(members));
    }

    public String groupId() {
        return groupId;
    }

    public String snapshotName() {
        return snapshotName;
    }

    public List<GroupMember> members() {
        return members;
    }

    /** Every pool volume of the group, each once. */
    public List<PoolVolume> pools() {
        Map<String, PoolVolume> pools = new LinkedHashMap<>();
        members.forEach(m -> m.pools().forEach(p -> pools.putIfAbsent(p.volumeId(), p)));
        return new ArrayList<>(pools.values());
    }

    /** The references the group's pool snapshots will carry: one per member disk. */
    public List<PoolSnapshotRef> refs() {
        List<PoolSnapshotRef> refs = new ArrayList<>();
        for (GroupMember m : members) {
            for (GroupMember.Disk d : m.disks()) {
                refs.add(new PoolSnapshotRef(PoolSnapshotRef.idOf(groupId, m.domain(), d.label()), m.domain(), d.label(),
                        d.pool().volumeId(), d.relativeFile()));
            }
        }
        return refs;
    }

    /** Everything wrong with the request, one sentence each; empty when it can be executed. */
    public List<String> problems() {
        List<String> problems = new ArrayList<>();
        if (groupId.trim().isEmpty() || groupId.contains("/")) {
            problems.add("group id '" + groupId + "' is blank or contains '/'");
        }
        if (!ConsistentSnapshotRequest.SNAPSHOT_NAME.matcher(snapshotName).matches()) {
            problems.add("snapshot name '" + snapshotName + "' has characters outside [A-Za-z0-9_.:-]");
        }
        if (members.isEmpty()) {
            problems.add("a group needs at least one domain");
        }
        Set<String> domains = new HashSet<>();
        Map<String, PoolVolume> pools = new HashMap<>();
        Set<String> files = new HashSet<>();
        for (GroupMember m : members) {
            if (!domains.add(m.domain())) {
                problems.add("domain " + m.domain() + " is listed more than once");
            }
            if (m.disks().isEmpty()) {
                problems.add("domain " + m.domain() + " has no disk on a pool volume");
            }
            for (GroupMember.Disk d : m.disks()) {
                String problem = d.problem();
                if (problem != null) {
                    problems.add("domain " + m.domain() + ": " + problem);
                }
                PoolVolume known = pools.putIfAbsent(d.pool().volumeId(), d.pool());
                if (known != null && !known.equals(d.pool())) {
                    problems.add("pool volume " + d.pool().volumeId() + " is given two mount points: " + known.mountPoint()
                            + " and " + d.pool().mountPoint());
                }
                if (!files.add(d.file().toString())) {
                    problems.add("file " + d.file() + " is given for two disks");
                }
            }
            m.limits().problems().forEach(p -> problems.add("domain " + m.domain() + ": limits: " + p));
        }
        return problems;
    }
}
