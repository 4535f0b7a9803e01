// Licensed under the Apache License, Version 2.0. See LICENSE in the project root.
package io.elastisnap.transfer;

import java.io.IOException;
import java.io.RandomAccessFile;
import java.nio.file.Path;
import java.util.Random;

/** Sparse raw images with known data, for the tests. */
final class TestImages {
    static final int BLOCK = 64 * 1024;

    private TestImages() {
    }

    /** A sparse raw image of {@code size} bytes with {@code dataBlocks} random 64 KiB blocks from offset {@code at}. */
    static Path sparse(Path file, long size, long at, int dataBlocks, long seed) throws IOException {
        try (RandomAccessFile raf = new RandomAccessFile(file.toFile(), "rw")) {
            raf.setLength(size);
            Random random = new Random(seed);
            byte[] block = new byte[BLOCK];
            for (int i = 0; i < dataBlocks; i++) {
                random.nextBytes(block);
                raf.seek(at + (long) i * BLOCK);
                raf.write(block);
            }
        }
        return file;
    }

    /** Overwrites every {@code step}-th block of the data region with new random bytes; returns how many. */
    static int change(Path file, long at, int dataBlocks, int step, long seed) throws IOException {
        int changed = 0;
        try (RandomAccessFile raf = new RandomAccessFile(file.toFile(), "rw")) {
            Random random = new Random(seed);
            byte[] block = new byte[BLOCK];
            for (int i = 0; i < dataBlocks; i += step) {
                random.nextBytes(block);
                raf.seek(at + (long) i * BLOCK);
                raf.write(block);
                changed++;
            }
        }
        return changed;
    }

    static void flipByte(Path file, long offset) throws IOException {
        try (RandomAccessFile raf = new RandomAccessFile(file.toFile(), "rw")) {
            raf.seek(offset);
            int b = raf.read();
            raf.seek(offset);
            raf.write(b ^ 0x01);
        }
    }

    static String sha256(Path file) throws IOException {
        return Sha256.of(file);
    }
}
