// Licensed under the Apache License, Version 2.0. See LICENSE in the project root.
package io.elastisnap.cloudstack.record;

import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The name of the ElastiStor volume the driver makes for a CloudStack volume (empty, or cloned from a snapshot):
 * {@code cs} and the volume's UUID without dashes (ElastiCenter takes letters and digits only), so each array volume
 * leads back to the CloudStack volume it was made for.
 */
public final class VolumeArrayName {
    private static final Pattern NAME = Pattern.compile("cs([0-9a-f]{8})([0-9a-f]{4})([0-9a-f]{4})([0-9a-f]{4})([0-9a-f]{12})");

    private VolumeArrayName() {
    }

    public static String of(String volumeUuid) {
        return "cs" + volumeUuid.replace("-", "");
    }

    /** The UUID of the CloudStack volume an array volume was made for; empty for a name the driver did not make. */
    public static Optional<String> volumeUuid(String arrayName) {
        Matcher m = NAME.matcher(arrayName);
        return m.matches() ? Optional.of(String.join("-", m.group(1), m.group(2), m.group(3), m.group(4), m.group(5)))
                : Optional.empty();
    }
}
