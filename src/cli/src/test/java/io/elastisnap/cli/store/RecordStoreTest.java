// Licensed under the Apache License, Version 2.0. See LICENSE in the project root.
package io.elastisnap.cli.store;

import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertNotNull;
import static org.junit.Assert.assertNull;
import static org.junit.Assert.assertThrows;
import static org.junit.Assert.assertTrue;

import io.elastisnap.cli.CliException;
import io.elastisnap.cli.ExitCode;
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.junit.Rule;
import org.junit.Test;
import org.junit.rules.TemporaryFolder;

public class RecordStoreTest {
    @Rule
    public TemporaryFolder tmp = new TemporaryFolder();

    private static SnapshotSet set(String id) {
        return new SnapshotSet(id, "i-2-10-VM", Instant.parse("2025-11-21T10:00:00Z"), "REQUIRED",
                List.of(new VolumeRecord("vda", "vol-1", SnapshotNames.name("i-2-10-VM", "vda", id), null)));
    }

    @Test
    public void recordsSurviveARoundTripWithEveryField() throws Exception {
        RecordStore store = new RecordStore(tmp.getRoot().toPath().resolve("state"), Duration.ofSeconds(5));
        String id = SnapshotNames.newSetId();
        store.update(sets -> sets.add(set(id)));
        store.update(sets -> {
            SnapshotSet s = sets.get(0);
            s.volumes().get(0).path("Pool1/acct/vol@x");
            s.complete("FS_FROZEN", 143L, 60L, 55L, 28L);
            return null;
        });

        SnapshotSet read = store.read().get(0);
        assertEquals(id, read.id());
        assertEquals(SnapshotSet.State.COMPLETE, read.state());
        assertEquals("FS_FROZEN", read.consistencyLevel());
        assertEquals(Long.valueOf(143), read.frozenWindowMs());
        assertEquals("Pool1/acct/vol@x", read.volumes().get(0).path());
        assertEquals(Instant.parse("2025-11-21T10:00:00Z"), read.created());
    }

    @Test
    public void writesLeaveNoTemporaryFilesBehind() throws Exception {
        Path dir = tmp.getRoot().toPath().resolve("state");
        RecordStore store = new RecordStore(dir, Duration.ofSeconds(5));
        for (int i = 0; i < 5; i++) {
            store.update(sets -> sets.add(set(SnapshotNames.newSetId())));
        }
        try (Stream<Path> files = Files.list(dir)) {
            List<String> names = files.map(p -> p.getFileName().toString()).sorted().collect(Collectors.toList());
            assertEquals(List.of("snapshots.json", "snapshots.lock"), names);
        }
    }

    @Test
    public void aFailedMutationLeavesTheFileAsItWas() throws Exception {
        RecordStore store = new RecordStore(tmp.getRoot().toPath(), Duration.ofSeconds(5));
        store.update(sets -> sets.add(set("a")));
        String before = Files.readString(store.recordsFile());
        assertThrows(IllegalStateException.class, () -> store.update(sets -> {
            sets.clear();
            throw new IllegalStateException("mutation fails half-way");
        }));
        assertEquals(before, Files.readString(store.recordsFile()));
    }

    @Test
    public void concurrentUpdatesLoseNoRecord() throws Exception {
        RecordStore store = new RecordStore(tmp.getRoot().toPath(), Duration.ofSeconds(30));
        int threads = 8;
        int perThread = 10;
        ExecutorService pool = Executors.newFixedThreadPool(threads);
        CountDownLatch start = new CountDownLatch(1);
        List<Future<?>> futures = new ArrayList<>();
        for (int t = 0; t < threads; t++) {
            futures.add(pool.submit(() -> {
                start.await();
                for (int i = 0; i < perThread; i++) {
                    store.update(sets -> sets.add(set(SnapshotNames.newSetId())));
                }
                return null;
            }));
        }
        start.countDown();
        for (Future<?> f : futures) {
            f.get(60, TimeUnit.SECONDS);
        }
        pool.shutdown();
        assertEquals(threads * perThread, store.read().size());
    }

    @Test
    public void damagedFileIsReportedWithTheFix() throws Exception {
        RecordStore store = new RecordStore(tmp.getRoot().toPath(), Duration.ofSeconds(5));
        Files.writeString(store.recordsFile(), "{\"sets\": [ {\"id\": ");
        CliException e = assertThrows(CliException.class, store::read);
        assertEquals(ExitCode.FAILED, e.exitCode());
        assertTrue(e.getMessage(), e.getMessage().contains("is damaged"));
        assertTrue(e.fix(), e.fix().contains("mv " + store.recordsFile()));
    }

    @Test
    public void aDomainLockHeldByAnotherProcessRefusesWithItsPid() throws Exception {
        Path dir = tmp.getRoot().toPath();
        Process child = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "java").toString(), "-cp",
                System.getProperty("java.class.path"), LockHolder.class.getName(), dir.toString(), "i-2-10-VM")
                .redirectErrorStream(true).start();
        try {
            BufferedReader childOut = new BufferedReader(new InputStreamReader(child.getInputStream(), StandardCharsets.UTF_8));
            assertEquals("locked", childOut.readLine());
            RecordStore store = new RecordStore(dir, Duration.ofSeconds(5));

            CliException e = assertThrows(CliException.class,
                    () -> store.withDomainLock("i-2-10-VM", Duration.ofMillis(200), () -> null));
            assertEquals(ExitCode.REFUSED, e.exitCode());
            assertTrue(e.getMessage(), e.getMessage().contains("pid " + child.pid()));
            assertNull(store.tryLockDomain("i-2-10-VM"));
            assertEquals("other domains are not blocked", "ok", store.withDomainLock("i-2-11-VM", Duration.ofSeconds(1), () -> "ok"));

            child.getOutputStream().close();
            assertTrue(child.waitFor(30, TimeUnit.SECONDS));
            FileLocks.Held lock = store.tryLockDomain("i-2-10-VM");
            assertNotNull("the lock is free once the holder exits", lock);
            lock.close();
        } finally {
            child.destroyForcibly();
        }
    }

    @Test
    public void aDomainLockIsExclusiveBetweenThreadsToo() throws Exception {
        RecordStore store = new RecordStore(tmp.getRoot().toPath(), Duration.ofSeconds(5));
        CountDownLatch held = new CountDownLatch(1);
        CountDownLatch release = new CountDownLatch(1);
        Thread holder = new Thread(() -> store.withDomainLock("vm", Duration.ofSeconds(5), () -> {
            held.countDown();
            try {
                release.await(30, TimeUnit.SECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            return null;
        }));
        holder.start();
        assertTrue(held.await(30, TimeUnit.SECONDS));
        assertThrows(CliException.class, () -> store.withDomainLock("vm", Duration.ofMillis(100), () -> null));
        release.countDown();
        holder.join(30_000);
        assertEquals("free again", "ok", store.withDomainLock("vm", Duration.ofSeconds(5), () -> "ok"));
    }
}
