// Licensed under the Apache License, Version 2.0. See LICENSE in the project root.
package io.elastisnap.engine;

import io.elastisnap.engine.journal.FreezeJournal;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Comparator;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Stream;
import org.junit.rules.ExternalResource;

/** Per-test engine set-up: fakes sharing one event log, a dedicated runtime, a journal in a temporary directory. */
public final class EngineFixture extends ExternalResource {
    private static final AtomicInteger DOMAINS = new AtomicInteger();

    public final EventLog log = new EventLog();
    public final FakeGuest guest = new FakeGuest(log);
    public final FakeArray array = new FakeArray(log);
    public final FakeThawGuard thawGuard = new FakeThawGuard(log);
    public final String domain = "i-2-" + DOMAINS.incrementAndGet() + "-VM";
    private final int arrayCapacity;
    private EngineRuntime runtime;
    private Path directory;
    private FreezeJournal journal;

    public EngineFixture() {
        this(64);
    }

    public EngineFixture(int arrayCapacity) {
        this.arrayCapacity = arrayCapacity;
    }

    @Override
    protected void before() throws IOException {
        runtime = EngineRuntime.create(arrayCapacity);
        directory = Files.createTempDirectory("engine-test");
        journal = new FreezeJournal(directory.resolve("journal"));
    }

    @Override
    protected void after() {
        runtime.close();
        try (Stream<Path> files = Files.walk(directory)) {
            files.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }

    public EngineRuntime runtime() {
        return runtime;
    }

    public FreezeJournal journal() {
        return journal;
    }

    public Path directory() {
        return directory;
    }

    public ConsistencyEngine engine() {
        return engine(ConsistencyEngineListener.NONE);
    }

    public ConsistencyEngine engine(ConsistencyEngineListener listener) {
        return new ConsistencyEngine(guest, array, journal, runtime, listener, thawGuard);
    }

    /** Limits that keep tests fast; no test depends on them being short, only on the order of events. */
    public static FreezeLimits.Builder fastLimits() {
        return FreezeLimits.builder()
                .maxFrozenWindow(Duration.ofSeconds(10))
                .freezeTimeout(Duration.ofSeconds(2))
                .thawTimeout(Duration.ofSeconds(1))
                .thawRetryFor(Duration.ofSeconds(2))
                .thawRetryBackoff(Duration.ofMillis(1), Duration.ofMillis(20))
                .preflightTimeout(Duration.ofSeconds(2))
                .snapshotTimeout(Duration.ofSeconds(10));
    }

    /** A request for volumes vol-0 .. vol-(n-1), each snapshot named snap-1. */
    public ConsistentSnapshotRequest.Builder request(int volumes) {
        return request(volumes, fastLimits().build());
    }

    public ConsistentSnapshotRequest.Builder request(int volumes, FreezeLimits limits) {
        ConsistentSnapshotRequest.Builder builder = ConsistentSnapshotRequest.builder(domain).limits(limits);
        for (int i = 0; i < volumes; i++) {
            builder.volume("vol-" + i, "snap-1", "vd" + (char) ('a' + i));
        }
        return builder;
    }
}
