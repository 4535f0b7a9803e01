// Licensed under the Apache License, Version 2.0. See LICENSE in the project root.
package io.elastisnap.cli.store;

import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Objects;

/**
 * What one {@code create} took: one array snapshot per volume of a domain, under one freeze. The unit that list,
 * rollback, delete and retention work on. Serialized as JSON in the record store; field names are part of the file format.
 */
public final class SnapshotSet {
    /** Lifecycle: written PENDING before any array call, so a crash never leaves an array snapshot nobody knows. */
    public enum State { PENDING, COMPLETE, DELETING }

    private String id;
    private String domain;
    private String created;
    private State state;
    private String policy;
    private String consistencyLevel;
    private Long frozenWindowMs;
    private Long freezeMs;
    private Long snapshotsMs;
    private Long thawMs;
    private List<VolumeRecord> volumes = new ArrayList<>();

    public SnapshotSet(String id, String domain, Instant created, String policy, List<VolumeRecord> volumes) {
        this.id = Objects.requireNonNull(id);
        this.domain = Objects.requireNonNull(domain);
        this.created = created.toString();
        this.policy = policy;
        this.state = State.PENDING;
        this.volumes = new ArrayList<>(volumes);
    }

    public String id() {
        return id;
    }

    public String domain() {
        return domain;
    }

    public Instant created() {
        return Instant.parse(created);
    }

    public State state() {
        return state;
    }

    public void state(State value) {
        state = value;
    }

    public String policy() {
        return policy;
    }

    /** Null while pending. */
    public String consistencyLevel() {
        return consistencyLevel;
    }

    public Long frozenWindowMs() {
        return frozenWindowMs;
    }

    public Long freezeMs() {
        return freezeMs;
    }

    public Long snapshotsMs() {
        return snapshotsMs;
    }

    public Long thawMs() {
        return thawMs;
    }

    public List<VolumeRecord> volumes() {
        return Collections.unmodifiableList(volumes);
    }

    /** Marks the set complete with what the engine reported. */
    public void complete(String level, Long frozenWindow, Long freeze, Long snapshots, Long thaw) {
        state = State.COMPLETE;
        consistencyLevel = level;
        frozenWindowMs = frozenWindow;
        freezeMs = freeze;
        snapshotsMs = snapshots;
        thawMs = thaw;
    }

    /** Drops one volume's snapshot (destroyed by a rollback of that volume, or deleted alone). */
    public void removeVolume(String volumeId, String snapshotName) {
        volumes.removeIf(v -> v.volumeId().equals(volumeId) && v.snapshotName().equals(snapshotName));
    }

    boolean valid() {
        if (id == null || domain == null || created == null || state == null || volumes == null) {
            return false;
        }
        try {
            Instant.parse(created);
        } catch (RuntimeException e) {
            return false;
        }
        return volumes.stream().allMatch(v -> v != null && v.valid());
    }
}
