// Licensed under the Apache License, Version 2.0. See LICENSE in the project root.
package io.elastisnap.elasticenter;

import java.time.LocalDateTime;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeParseException;
import java.util.Locale;
import java.util.Objects;
import java.util.Optional;
import java.util.OptionalLong;

/**
 * One snapshot of {@code listStorageSnapshots}: {@code name} and {@code path} ({@code <volume zfs path>@<name>},
 * the handle of deleteSnapshot, rollbackToSnapshot and cloneDatasetSnapshot), {@code timestamp} (minute resolution,
 * {@code Mon Jun 16 2014 14:41}) and {@code clones}, the number of volumes cloned from it.
 */
public final class DatasetSnapshot {
    private static final DateTimeFormatter TIMESTAMP = DateTimeFormatter.ofPattern("EEE MMM d yyyy HH:mm", Locale.US);

    private final String volumeId;
    private final String name;
    private final String path;
    private final Optional<String> timestamp;
    private final Optional<LocalDateTime> created;
    private final OptionalLong clones;
    private final ApiRecord record;

    private DatasetSnapshot(String volumeId, ApiRecord r) {
        this.volumeId = Objects.requireNonNull(volumeId, "volumeId");
        this.name = r.requireString("name");
        this.path = r.requireString("path");
        this.timestamp = r.string("timestamp");
        this.created = timestamp.flatMap(DatasetSnapshot::parseTimestamp);
        this.clones = r.integer("clones");
        this.record = r;
    }

    public static DatasetSnapshot from(String volumeId, ApiRecord record) {
        return new DatasetSnapshot(volumeId, record);
    }

    public String volumeId() {
        return volumeId;
    }

    public String name() {
        return name;
    }

    public String path() {
        return path;
    }

    /** The timestamp as the server wrote it. */
    public Optional<String> timestamp() {
        return timestamp;
    }

    /** The timestamp parsed (server local time, minute resolution). */
    public Optional<LocalDateTime> created() {
        return created;
    }

    /** The number of clones; while it is above zero the snapshot cannot be deleted ("has a clone"). */
    public OptionalLong clones() {
        return clones;
    }

    public boolean hasClones() {
        return clones.orElse(0) > 0;
    }

    public ApiRecord record() {
        return record;
    }

    private static Optional<LocalDateTime> parseTimestamp(String text) {
        try {
            return Optional.of(LocalDateTime.parse(text.trim().replaceAll("\\s+", " "), TIMESTAMP));
        } catch (DateTimeParseException e) {
            return Optional.empty();
        }
    }

    @Override
    public String toString() {
        return "DatasetSnapshot[" + path + timestamp.map(t -> ", " + t).orElse("")
                + (hasClones() ? ", " + clones.getAsLong() + " clone(s)" : "") + "]";
    }
}
