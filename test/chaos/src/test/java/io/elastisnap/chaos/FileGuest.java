// Licensed under the Apache License, Version 2.0. See LICENSE in the project root.
package io.elastisnap.chaos;

import io.elastisnap.engine.AgentCapabilities;
import io.elastisnap.engine.DomainRunState;
import io.elastisnap.engine.FreezeStatus;
import io.elastisnap.engine.GuestQuiescer;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.util.List;
import java.util.Set;

/**
 * A fake guest whose freeze outlives the process that froze it, like a real guest outlives a killed agent: the
 * freeze is a file holding its start time (epoch ms); a thaw deletes it and appends the window to a log. The parent
 * of a killed child JVM reads both.
 */
final class FileGuest implements GuestQuiescer {
    private static final Set<String> COMMANDS = Set.of(AgentCapabilities.FREEZE, AgentCapabilities.FREEZE_LIST,
            AgentCapabilities.THAW, AgentCapabilities.STATUS);
    private final Path directory;

    FileGuest(Path directory) {
        this.directory = directory;
    }

    Path frozenMarker() {
        return directory.resolve("frozen-since");
    }

    Path windowLog() {
        return directory.resolve("frozen-windows.log");
    }

    /** Epoch milliseconds of the current freeze, or -1 when thawed. */
    long frozenSince() {
        try {
            return Long.parseLong(Files.readString(frozenMarker(), StandardCharsets.UTF_8).trim());
        } catch (NoSuchFileException e) {
            return -1;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    @Override
    public DomainRunState runState(String domainName, Duration timeout) {
        return DomainRunState.RUNNING;
    }

    @Override
    public void ping(String domainName, Duration timeout) {
    }

    @Override
    public AgentCapabilities capabilities(String domainName, Duration timeout) {
        return new AgentCapabilities("file-guest", COMMANDS);
    }

    @Override
    public synchronized FreezeStatus freezeStatus(String domainName, Duration timeout) {
        return frozenSince() >= 0 ? FreezeStatus.FROZEN : FreezeStatus.THAWED;
    }

    @Override
    public synchronized int freeze(String domainName, List<String> mountPoints, Duration timeout) {
        try {
            Path tmp = directory.resolve("frozen-since.tmp");
            Files.writeString(tmp, Long.toString(System.currentTimeMillis()), StandardCharsets.UTF_8);
            Files.move(tmp, frozenMarker(), StandardCopyOption.ATOMIC_MOVE);
            return 1;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    @Override
    public synchronized int thaw(String domainName, Duration timeout) {
        long since = frozenSince();
        if (since < 0) {
            return 0;
        }
        try {
            Files.writeString(windowLog(), (System.currentTimeMillis() - since) + "\n", StandardCharsets.UTF_8,
                    StandardOpenOption.CREATE, StandardOpenOption.APPEND);
            Files.delete(frozenMarker());
            return 1;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
