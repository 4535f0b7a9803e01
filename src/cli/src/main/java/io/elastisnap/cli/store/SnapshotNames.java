// Licensed under the Apache License, Version 2.0. See LICENSE in the project root.
package io.elastisnap.cli.store;

import java.util.Optional;
import java.util.UUID;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Array snapshot names: {@code esnap-<domain>-<disk>-<set uuid>}. Unique by the random UUID (never by a user-chosen
 * name, so two snapshots can never collide), readable by the prefix, and made of ZFS-safe characters only.
 */
public final class SnapshotNames {
    public static final String PREFIX = "esnap-";
    private static final int MAX_DOMAIN_CHARS = 48;
    private static final int MAX_DISK_CHARS = 16;
    private static final Pattern OURS = Pattern.compile(
            Pattern.quote(PREFIX) + "(.+)-([A-Za-z0-9_.:]+)-([0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12})");

    private SnapshotNames() {
    }

    public static String newSetId() {
        return UUID.randomUUID().toString();
    }

    public static String name(String domain, String disk, String setId) {
        return PREFIX + safe(domain, MAX_DOMAIN_CHARS, true) + "-" + safe(disk, MAX_DISK_CHARS, false) + "-" + setId;
    }

    /** Whether the array snapshot was named by us (and so belongs in the record store). */
    public static boolean isOurs(String snapshotName) {
        return snapshotName != null && OURS.matcher(snapshotName).matches();
    }

    /** The set id encoded in one of our names. */
    public static Optional<String> setIdOf(String snapshotName) {
        Matcher m = OURS.matcher(snapshotName == null ? "" : snapshotName);
        return m.matches() ? Optional.of(m.group(3)) : Optional.empty();
    }

    /** ZFS allows [A-Za-z0-9_.:-] in snapshot names; anything else becomes '_'. */
    private static String safe(String text, int maxChars, boolean allowDash) {
        String allowed = allowDash ? "[^A-Za-z0-9_.:-]" : "[^A-Za-z0-9_.:]";
        String s = text.replaceAll(allowed, "_");
        return s.length() <= maxChars ? s : s.substring(0, maxChars);
    }
}
