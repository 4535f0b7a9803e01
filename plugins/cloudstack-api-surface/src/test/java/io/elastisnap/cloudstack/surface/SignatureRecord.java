// Licensed under the Apache License, Version 2.0. See LICENSE in the project root.
package io.elastisnap.cloudstack.surface;

/**
 * One line of the checked-in signature list. Both sides (the source extractor and the reflection reader) produce
 * the same text so the drift guard compares plain strings.
 *
 * <pre>
 * T|binaryName|kind|modifiers                     kind: class, abstract-class, interface, enum, annotation
 * M|binaryName|name(paramErasures)returnErasure|modifiers
 * C|binaryName|(paramErasures)|modifiers
 * E|binaryName|CONSTANT                           in declaration order
 * F|binaryName|name|typeErasure|modifiers|value   value '?' when not a compile-time constant literal
 * </pre>
 */
final class SignatureRecord {
    static final String TYPE = "T";
    static final String METHOD = "M";
    static final String CONSTRUCTOR = "C";
    static final String ENUM_CONSTANT = "E";
    static final String FIELD = "F";
    static final String NOT_CONSTANT = "?";

    final String kind;
    final String owner;
    final String key;
    final String detail;

    SignatureRecord(String kind, String owner, String key, String detail) {
        this.kind = kind;
        this.owner = owner;
        this.key = key;
        this.detail = detail;
    }

    static SignatureRecord parse(String line) {
        String[] parts = line.split("\\|", 4);
        if (parts.length < 3) {
            throw new IllegalArgumentException("Malformed signature line: " + line);
        }
        return new SignatureRecord(parts[0], parts[1], parts[2], parts.length == 4 ? parts[3] : "");
    }

    /** Identity of the member within its owner (modifiers and values are compared separately). */
    String id() {
        return kind + "|" + owner + "|" + key;
    }

    String line() {
        return id() + (detail.isEmpty() ? "" : "|" + detail);
    }

    @Override
    public String toString() {
        return line();
    }
}
