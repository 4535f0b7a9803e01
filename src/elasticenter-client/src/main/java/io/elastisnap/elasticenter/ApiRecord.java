// Licensed under the Apache License, Version 2.0. See LICENSE in the project root.
package io.elastisnap.elasticenter;

import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.OptionalDouble;
import java.util.OptionalLong;
import java.util.Set;

/**
 * One JSON object of an ElastiCenter answer, read tolerantly: primitive fields are kept as the server wrote them
 * (numbers and booleans may arrive as JSON strings or as JSON numbers/booleans, both are the same here), field names
 * match exactly first and then ignoring case ({@code Tsmid} / {@code tsmid}), and blank values count as absent.
 * Typed getters return empty for absent or unparsable values; {@code require*} throws an
 * {@link ElastiCenterProtocolException} naming the command and the field's path.
 *
 * <p>Models are typed views built from records ({@code FileSystem.from(record)}); a record keeps the fields the
 * models do not type, see {@link #values()}.
 */
public final class ApiRecord {
    private final String command;
    private final int httpStatus;
    private final String path;
    private final Map<String, String> values;
    private final Map<String, ApiRecord> objects;
    // Elements are ApiRecord (object), String (primitive) or null (JSON null or a nested array).
    private final Map<String, List<Object>> arrays;
    private final Map<String, String> namesByLowerCase;

    private ApiRecord(Builder b) {
        this.command = b.command;
        this.httpStatus = b.httpStatus;
        this.path = b.path;
        this.values = Collections.unmodifiableMap(new LinkedHashMap<>(b.values));
        this.objects = Collections.unmodifiableMap(new LinkedHashMap<>(b.objects));
        this.arrays = Collections.unmodifiableMap(new LinkedHashMap<>(b.arrays));
        Map<String, String> names = new HashMap<>();
        for (Set<String> keys : List.of(values.keySet(), objects.keySet(), arrays.keySet())) {
            keys.forEach(name -> names.putIfAbsent(name.toLowerCase(Locale.ROOT), name));
        }
        this.namesByLowerCase = names;
    }

    /** A record of primitive fields, e.g. to build a model in a test: {@code FileSystem.from(ApiRecord.of(...))}. */
    public static ApiRecord of(String command, Map<String, String> values) {
        Builder b = new Builder(command, 0, command);
        values.forEach(b::value);
        return b.build();
    }

    static Builder builder(String command, int httpStatus, String path) {
        return new Builder(command, httpStatus, path);
    }

    /** The command whose answer this record is part of. */
    public String command() {
        return command;
    }

    /** Where the record sits in the answer, e.g. {@code listFilesystemResponse.filesystem[0]}. */
    public String path() {
        return path;
    }

    int httpStatus() {
        return httpStatus;
    }

    /** All primitive fields as sent (names in the server's spelling), unmodifiable. */
    public Map<String, String> values() {
        return values;
    }

    /** All field names in answer order, of every kind. */
    List<String> names() {
        List<String> names = new ArrayList<>(values.keySet());
        names.addAll(objects.keySet());
        names.addAll(arrays.keySet());
        return names;
    }

    /** Whether the field exists in any form (primitive, object or array). */
    public boolean has(String field) {
        return resolve(field) != null;
    }

    public Optional<String> string(String field) {
        String value = rawValue(field);
        return value == null || value.isBlank() ? Optional.empty() : Optional.of(value);
    }

    public String requireString(String field) {
        return string(field).orElseThrow(() -> missing(field));
    }

    /** A whole number: {@code 10}, {@code "10"}, {@code 10.0}, {@code "1e3"}; empty for fractions or garbage. */
    public OptionalLong integer(String field) {
        String value = rawValue(field);
        if (value == null) {
            return OptionalLong.empty();
        }
        String text = value.trim();
        try {
            return OptionalLong.of(Long.parseLong(text));
        } catch (NumberFormatException notPlainLong) {
            OptionalDouble asDouble = parseDouble(text);
            if (asDouble.isPresent() && asDouble.getAsDouble() == Math.rint(asDouble.getAsDouble())
                    && Math.abs(asDouble.getAsDouble()) < 0x1p53) {
                return OptionalLong.of((long) asDouble.getAsDouble());
            }
            return OptionalLong.empty();
        }
    }

    public OptionalDouble decimal(String field) {
        String value = rawValue(field);
        return value == null ? OptionalDouble.empty() : parseDouble(value.trim());
    }

    /** {@code true}/{@code false} as JSON booleans or strings in any case, also yes/no and 1/0. */
    public Optional<Boolean> bool(String field) {
        String value = rawValue(field);
        if (value == null) {
            return Optional.empty();
        }
        switch (value.trim().toLowerCase(Locale.ROOT)) {
            case "true":
            case "yes":
            case "1":
                return Optional.of(Boolean.TRUE);
            case "false":
            case "no":
            case "0":
                return Optional.of(Boolean.FALSE);
            default:
                return Optional.empty();
        }
    }

    /** Bytes of a size string such as {@code quota} {@code "10G"}. */
    public OptionalLong sizeBytes(String field) {
        return StorageSize.parseBytes(rawValue(field));
    }

    /** Bytes of a MiB figure such as {@code numericquota} {@code 10240.0} or {@code currentTotalSpace}. */
    public OptionalLong mebibytesAsBytes(String field) {
        OptionalDouble mib = decimal(field);
        return mib.isPresent() ? StorageSize.mebibytesToBytes(mib.getAsDouble()) : OptionalLong.empty();
    }

    public Optional<ApiRecord> object(String field) {
        String name = resolve(field);
        return name == null ? Optional.empty() : Optional.ofNullable(objects.get(name));
    }

    public ApiRecord requireObject(String field) {
        return object(field).orElseThrow(() -> missing(field));
    }

    /**
     * The objects of an array field. Absent means empty (the server drops empty arrays); a single object where an
     * array belongs counts as a one-element array; an element that is not an object is a protocol error.
     */
    public List<ApiRecord> records(String field) {
        return elements(field, ApiRecord.class, "a JSON object");
    }

    /**
     * The primitive values of an array field, e.g. a list of paths. Absent means empty, a single primitive counts as
     * a one-element array, an element that is not a primitive is a protocol error.
     */
    public List<String> strings(String field) {
        return elements(field, String.class, "a string or number");
    }

    private <T> List<T> elements(String field, Class<T> type, String expected) {
        String name = resolve(field);
        if (name == null) {
            return List.of();
        }
        Object single = type == ApiRecord.class ? objects.get(name) : values.get(name);
        if (single != null) {
            return List.of(type.cast(single));
        }
        List<Object> elements = arrays.get(name);
        if (elements == null) {
            throw protocolError("field '" + fieldPath(name) + "' is not an array of " + expected + "s");
        }
        List<T> typed = new ArrayList<>(elements.size());
        for (int i = 0; i < elements.size(); i++) {
            Object element = elements.get(i);
            if (!type.isInstance(element)) {
                throw protocolError("element " + fieldPath(name) + "[" + i + "] is not " + expected);
            }
            typed.add(type.cast(element));
        }
        return Collections.unmodifiableList(typed);
    }

    /** A protocol error about this record's answer, carrying its command and HTTP status. */
    ElastiCenterProtocolException protocolError(String problem) {
        return new ElastiCenterProtocolException(command + ": unexpected answer: " + problem,
                ElastiCenterException.Details.of(command).httpStatus(httpStatus));
    }

    private ElastiCenterProtocolException missing(String field) {
        return protocolError("required field '" + fieldPath(field) + "' is missing");
    }

    private String fieldPath(String field) {
        return path.isEmpty() ? field : path + "." + field;
    }

    private String rawValue(String field) {
        String name = resolve(field);
        return name == null ? null : values.get(name);
    }

    private String resolve(String field) {
        Objects.requireNonNull(field, "field");
        if (values.containsKey(field) || objects.containsKey(field) || arrays.containsKey(field)) {
            return field;
        }
        return namesByLowerCase.get(field.toLowerCase(Locale.ROOT));
    }

    private static OptionalDouble parseDouble(String text) {
        if (text.isEmpty() || text.length() > 64) {
            return OptionalDouble.empty();
        }
        try {
            double parsed = Double.parseDouble(text);
            return Double.isFinite(parsed) ? OptionalDouble.of(parsed) : OptionalDouble.empty();
        } catch (NumberFormatException e) {
            return OptionalDouble.empty();
        }
    }

    /** Field names only: values could be anything the server chose to send. */
    @Override
    public String toString() {
        return "ApiRecord[" + command + " " + path + " " + names() + "]";
    }

    /** Collects one object's fields; a repeated name replaces the earlier field, whatever its kind. */
    static final class Builder {
        private final String command;
        private final int httpStatus;
        private final String path;
        private final Map<String, String> values = new LinkedHashMap<>();
        private final Map<String, ApiRecord> objects = new LinkedHashMap<>();
        private final Map<String, List<Object>> arrays = new LinkedHashMap<>();

        private Builder(String command, int httpStatus, String path) {
            this.command = Objects.requireNonNull(command, "command");
            this.httpStatus = httpStatus;
            this.path = path;
        }

        String path() {
            return path;
        }

        String command() {
            return command;
        }

        int httpStatus() {
            return httpStatus;
        }

        Builder value(String name, String value) {
            forget(name);
            values.put(name, value);
            return this;
        }

        Builder object(String name, ApiRecord value) {
            forget(name);
            objects.put(name, value);
            return this;
        }

        /** Elements: {@link ApiRecord} for objects, String for primitives, null for anything else. */
        Builder array(String name, List<Object> elements) {
            forget(name);
            arrays.put(name, Collections.unmodifiableList(new ArrayList<>(elements)));
            return this;
        }

        /** JSON null: the field is treated as absent. */
        Builder nullValue(String name) {
            forget(name);
            return this;
        }

        ApiRecord build() {
            return new ApiRecord(this);
        }

        private void forget(String name) {
            values.remove(name);
            objects.remove(name);
            arrays.remove(name);
        }
    }
}
