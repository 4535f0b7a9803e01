// Licensed under the Apache License, Version 2.0. See LICENSE in the project root.
package io.elastisnap.elasticenter;

import java.util.Objects;
import java.util.Optional;

/**
 * The answer of {@code createStorageSnapshot} ({@code StorageSnapshot}). No later command takes its id: a snapshot
 * is addressed by (volume id, snapshot path), and the path comes from listStorageSnapshots
 * ({@link ElastiCenterClient#findStorageSnapshot}) or from {@link CreatedVolume#snapshotPath(String)}.
 */
public final class StorageSnapshot {
    private final String volumeId;
    private final String name;
    private final Optional<String> id;
    private final Optional<String> lunId;
    private final Optional<String> usn;
    private final ApiRecord record;

    private StorageSnapshot(String volumeId, String requestedName, ApiRecord r) {
        this.volumeId = Objects.requireNonNull(volumeId, "volumeId");
        this.name = r.string("name").orElse(Objects.requireNonNull(requestedName, "requestedName"));
        this.id = r.string("id");
        this.lunId = r.string("lunid");
        this.usn = r.string("usn");
        this.record = r;
    }

    /**
     * The snapshot of {@code volumeId} the record describes. Nothing is required of the record: the snapshot exists
     * once the server said so, and failing on a cosmetic field would orphan it.
     */
    public static StorageSnapshot from(String volumeId, String requestedName, ApiRecord record) {
        return new StorageSnapshot(volumeId, requestedName, record);
    }

    public String volumeId() {
        return volumeId;
    }

    public String name() {
        return name;
    }

    /** The server's snapshot UUID (informational). */
    public Optional<String> id() {
        return id;
    }

    /** The parent volume's LUN id. */
    public Optional<String> lunId() {
        return lunId;
    }

    public Optional<String> usn() {
        return usn;
    }

    public ApiRecord record() {
        return record;
    }

    @Override
    public String toString() {
        return "StorageSnapshot[" + name + " of volume " + volumeId + id.map(i -> ", id " + i).orElse("") + "]";
    }
}
