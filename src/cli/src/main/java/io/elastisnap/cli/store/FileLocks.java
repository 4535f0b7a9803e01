// Licensed under the Apache License, Version 2.0. See LICENSE in the project root.
package io.elastisnap.cli.store;

import io.elastisnap.cli.CliException;
import io.elastisnap.cli.ExitCode;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;

/**
 * Exclusive locks that work across processes (an OS file lock, released by the kernel when a holder dies, even by
 * kill -9) and across threads of one JVM (the OS lock is per process, so a semaphore per path guards it here).
 */
public final class FileLocks {
    private static final ConcurrentHashMap<Path, Semaphore> IN_PROCESS = new ConcurrentHashMap<>();
    private static final long POLL_MILLIS = 25;

    private FileLocks() {
    }

    /** A held lock; closing it releases both levels. */
    public static final class Held implements AutoCloseable {
        private final Path path;
        private final FileChannel channel;
        private final FileLock lock;
        private final Semaphore semaphore;

        private Held(Path path, FileChannel channel, FileLock lock, Semaphore semaphore) {
            this.path = path;
            this.channel = channel;
            this.lock = lock;
            this.semaphore = semaphore;
        }

        public Path path() {
            return path;
        }

        @Override
        public void close() {
            try {
                lock.release();
                channel.close();
            } catch (IOException ignored) {
                // closing the channel releases the OS lock in any case
            } finally {
                semaphore.release();
            }
        }
    }

    /**
     * Waits up to {@code timeout} for the lock.
     *
     * @param what names what the lock protects, for the refusal message
     * @throws CliException REFUSED naming the holder's pid when the wait runs out
     */
    public static Held acquire(Path file, Duration timeout, String what) {
        Path key = file.toAbsolutePath().normalize();
        Semaphore semaphore = IN_PROCESS.computeIfAbsent(key, k -> new Semaphore(1));
        long deadline = System.nanoTime() + timeout.toNanos();
        try {
            if (!semaphore.tryAcquire(timeout.toNanos(), TimeUnit.NANOSECONDS)) {
                throw busy(key, what, "this process");
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new CliException(ExitCode.FAILED, "interrupted while waiting for the lock on " + what, "retry");
        }
        FileChannel channel = null;
        try {
            Files.createDirectories(key.getParent());
            channel = FileChannel.open(key, StandardOpenOption.CREATE, StandardOpenOption.READ, StandardOpenOption.WRITE);
            FileLock lock;
            while ((lock = channel.tryLock()) == null) {
                if (System.nanoTime() >= deadline) {
                    throw busy(key, what, "pid " + readHolder(channel));
                }
                Thread.sleep(POLL_MILLIS);
            }
            channel.truncate(0);
            channel.write(ByteBuffer.wrap((ProcessHandle.current().pid() + "\n").getBytes(StandardCharsets.US_ASCII)), 0);
            return new Held(key, channel, lock, semaphore);
        } catch (IOException e) {
            closeQuietly(channel);
            semaphore.release();
            throw new CliException(ExitCode.FAILED, "cannot lock " + key + ": " + e.getMessage(),
                    "check that " + key.getParent() + " is writable by this user (or use --state-dir)");
        } catch (InterruptedException e) {
            closeQuietly(channel);
            semaphore.release();
            Thread.currentThread().interrupt();
            throw new CliException(ExitCode.FAILED, "interrupted while waiting for the lock on " + what, "retry");
        } catch (RuntimeException e) {
            closeQuietly(channel);
            semaphore.release();
            throw e;
        }
    }

    /** The lock if it is free right now, else null (used to tell abandoned work from work in progress). */
    public static Held tryAcquire(Path file) {
        try {
            return acquire(file, Duration.ZERO, file.toString());
        } catch (CliException e) {
            if (e.exitCode() == ExitCode.REFUSED) {
                return null;
            }
            throw e;
        }
    }

    private static CliException busy(Path file, String what, String holder) {
        return new CliException(ExitCode.REFUSED, "another elastisnap run (" + holder + ") holds the lock on " + what
                + " (" + file + ")", "wait for it to finish, then retry");
    }

    private static String readHolder(FileChannel channel) {
        try {
            ByteBuffer buf = ByteBuffer.allocate(32);
            channel.read(buf, 0);
            String text = new String(buf.array(), 0, buf.position(), StandardCharsets.US_ASCII).trim();
            return text.isEmpty() ? "unknown" : text;
        } catch (IOException e) {
            return "unknown";
        }
    }

    private static void closeQuietly(FileChannel channel) {
        if (channel != null) {
            try {
                channel.close();
            } catch (IOException ignored) {
                // nothing left to release
            }
        }
    }
}
