// Licensed under the Apache License, Version 2.0. See LICENSE in the project root.
package io.elastisnap.bench;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * An XFS file system with reflink on a loop device over a sparse image file: the stand-in for ElastiStor's ZFS
 * (a snapshot is a copy-on-write clone, constant time). Needs root. Removed again on close, and by a shutdown hook
 * if the run is interrupted.
 */
final class ReflinkStore implements AutoCloseable {
    private final Path image;
    private final Path mountPoint;
    private final String loopDevice;
    private final Thread cleanupOnExit;
    private boolean closed;

    private ReflinkStore(Path image, Path mountPoint, String loopDevice) {
        this.image = image;
        this.mountPoint = mountPoint;
        this.loopDevice = loopDevice;
        this.cleanupOnExit = new Thread(this::close, "reflink-store-cleanup");
        Runtime.getRuntime().addShutdownHook(cleanupOnExit);
    }

    static ReflinkStore create(Path workDir, String size) throws IOException {
        if (!"0".equals(Shell.run(5, "id", "-u"))) {
            throw new IOException("the size benchmark creates an XFS loop mount and needs root (or pass --plain-dir)");
        }
        Path image = workDir.resolve("xfs.img");
        Path mount = workDir.resolve("xfs");
        Files.createDirectories(mount);
        Shell.run(30, "truncate", "-s", size, image.toString());
        Shell.run(120, "mkfs.xfs", "-q", "-f", "-m", "reflink=1", image.toString());
        String device = Shell.run(30, "losetup", "-f", "--show", image.toString());
        try {
            Shell.run(60, "mount", device, mount.toString());
        } catch (IOException e) {
            Shell.run(30, "losetup", "-d", device);
            Files.deleteIfExists(image);
            throw e;
        }
        return new ReflinkStore(image, mount, device);
    }

    Path mountPoint() {
        return mountPoint;
    }

    String loopDevice() {
        return loopDevice;
    }

    @Override
    public synchronized void close() {
        if (closed) {
            return;
        }
        closed = true;
        try {
            Shell.run(120, "umount", mountPoint.toString());
            Shell.run(30, "losetup", "-d", loopDevice);
            Files.deleteIfExists(image);
        } catch (IOException e) {
            System.err.println("warning: could not remove the reflink store (" + e.getMessage() + "); clean up with:"
                    + " umount " + mountPoint + "; losetup -d " + loopDevice + "; rm " + image);
        }
        if (Thread.currentThread() != cleanupOnExit) {
            try {
                Runtime.getRuntime().removeShutdownHook(cleanupOnExit);
            } catch (IllegalStateException shuttingDown) {
                // the hook is running or the JVM is exiting; nothing left to unregister
            }
        }
    }
}
