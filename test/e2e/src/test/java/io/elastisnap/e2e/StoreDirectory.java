// Licensed under the Apache License, Version 2.0. See LICENSE in the project root.
package io.elastisnap.e2e;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.List;
import java.util.stream.Collectors;
import java.util.stream.Stream;

/** A fresh directory on the fixture's reflink store (simulator data, journals), deleted with its content on close. */
final class StoreDirectory implements AutoCloseable {

    private final Path path;

    private StoreDirectory(Path path) {
        this.path = path;
    }

    static StoreDirectory create(Fixture fixture, String prefix) throws IOException {
        return new StoreDirectory(Files.createTempDirectory(fixture.storeMount(), prefix));
    }

    Path path() {
        return path;
    }

    @Override
    public void close() throws IOException {
        if (!Files.exists(path)) {
            return;
        }
        List<Path> deepestFirst;
        try (Stream<Path> walk = Files.walk(path)) {
            deepestFirst = walk.sorted(Comparator.reverseOrder()).collect(Collectors.toList());
        }
        for (Path entry : deepestFirst) {
            Files.deleteIfExists(entry);
        }
    }
}
