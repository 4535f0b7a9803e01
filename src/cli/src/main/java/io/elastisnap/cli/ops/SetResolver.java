// Licensed under the Apache License, Version 2.0. See LICENSE in the project root.
package io.elastisnap.cli.ops;

import io.elastisnap.cli.CliException;
import io.elastisnap.cli.ExitCode;
import io.elastisnap.cli.store.SnapshotSet;
import java.util.List;
import java.util.stream.Collectors;

/** Finds the set an operator means: a set id, a unique id prefix of at least 8 characters, or a volume snapshot name. */
final class SetResolver {
    private static final int MIN_PREFIX = 8;

    private SetResolver() {
    }

    static SnapshotSet resolve(List<SnapshotSet> sets, String reference) {
        String ref = reference.trim();
        List<SnapshotSet> matches = sets.stream().filter(s -> s.id().equals(ref)
                || s.volumes().stream().anyMatch(v -> v.snapshotName().equals(ref) || ref.equals(v.path())))
                .collect(Collectors.toList());
        if (matches.isEmpty() && ref.length() >= MIN_PREFIX) {
            matches = sets.stream().filter(s -> s.id().startsWith(ref)).collect(Collectors.toList());
        }
        if (matches.isEmpty()) {
            throw new CliException(ExitCode.USAGE, "no snapshot '" + ref + "' in the record store",
                    "use a SET id (or its first 8+ characters) or a SNAPSHOT name from 'elastisnap list'");
        }
        if (matches.size() > 1) {
            throw new CliException(ExitCode.USAGE, "'" + ref + "' matches " + matches.size() + " snapshot sets ("
                    + matches.stream().map(SnapshotSet::id).collect(Collectors.joining(", ")) + ")",
                    "give more characters of the set id");
        }
        return matches.get(0);
    }
}
