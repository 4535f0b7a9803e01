// Licensed under the Apache License, Version 2.0. See LICENSE in the project root.
package io.elastisnap.e2e;

import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;

/**
 * ext4 checks on raw volume and snapshot images, done on the host.
 *
 * <p>Why needs_recovery proves the freeze: a mounted ext4 keeps the feature set while its journal may hold
 * transactions; FIFREEZE commits the journal and clears it, thaw sets it again. So an array snapshot taken inside a
 * real freeze shows it clear, and one taken of a mounted, unfrozen file system shows it set.
 */
final class Ext4Image {

    private Ext4Image() {
    }

    static void format(Path image) {
        HostCommand.runOk("mkfs.ext4", "-q", "-F", image.toString());
    }

    static boolean needsRecovery(Path image) {
        return features(image).contains("needs_recovery");
    }

    static List<String> features(Path image) {
        String header = HostCommand.runOk("dumpe2fs", "-h", image.toString());
        for (String line : header.split("\n")) {
            if (line.startsWith("Filesystem features:")) {
                return Arrays.asList(line.substring(line.indexOf(':') + 1).trim().split("\\s+"));
            }
        }
        throw new AssertionError("dumpe2fs -h " + image + " printed no feature line: " + header);
    }

    /** e2fsck -fn (read-only, forced): exit code 0 means clean, anything else means it found work to do. */
    static HostCommand.Result check(Path image) {
        return HostCommand.run("e2fsck", "-fn", image.toString());
    }
}
