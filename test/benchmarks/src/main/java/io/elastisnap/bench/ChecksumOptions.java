// Licensed under the Apache License, Version 2.0. See LICENSE in the project root.
package io.elastisnap.bench;

import io.elastisnap.transfer.Sha256;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

/**
 * The ways of checksumming a freshly written qcow2 that issue 11 asked to compare, each timed as the whole durable
 * copy it ends (qemu-img convert, then fsync at the same time as the checksum), one fresh copy per option and per run,
 * the options taken in turn within each run so that load drift hits them alike.
 */
final class ChecksumOptions {
    /** Piece size of the chunked layout (a hash of the pieces' hashes). */
    static final int PIECE = 64 << 20;

    private interface Checksum {
        String of(Path file) throws Exception;
    }

    private static final Map<String, Checksum> OPTIONS = new LinkedHashMap<>();

    static {
        OPTIONS.put("no checksum (convert + fsync only: the floor of any durable copy)", file -> "");
        OPTIONS.put("SHA-256 in Java, one thread (what export does)", Sha256::of);
        OPTIONS.put("SHA-256 by openssl dgst (native, SHA-NI)", file -> Shell.run(600, "openssl", "dgst", "-sha256", "-r",
                file.toString()).substring(0, 64));
        OPTIONS.put("SHA-256 by coreutils sha256sum (native)", file -> Shell.run(600, "sha256sum", file.toString())
                .substring(0, 64));
        OPTIONS.put("SHA-256 of 64 MiB pieces' SHA-256s, 2 threads", ChecksumOptions::piecewise);
    }

    private ChecksumOptions() {
    }

    static List<String> names() {
        return new ArrayList<>(OPTIONS.keySet());
    }

    /** Copies {@code image} to a fresh qcow2 at {@code target} and runs fsync with option {@code name}; returns ms. */
    static long timeCopy(String name, Path image, Path target) throws Exception {
        Files.deleteIfExists(target);
        long started = System.nanoTime();
        Shell.run(3600, "qemu-img", "convert", "-f", "raw", "-O", "qcow2", image.toString(), target.toString());
        CompletableFuture<Void> fsync = CompletableFuture.runAsync(() -> {
            try (FileChannel channel = FileChannel.open(target, StandardOpenOption.READ)) {
                channel.force(true);
            } catch (IOException e) {
                throw new java.io.UncheckedIOException(e);
            }
        });
        OPTIONS.get(name).of(target);
        fsync.join();
        long ms = (System.nanoTime() - started) / 1_000_000;
        Files.deleteIfExists(target);
        return ms;
    }

    /**
     * The SHA-256 of the lines "{@code <hex SHA-256 of piece i>\n}" over the file's 64 MiB pieces: what
     * {@code split -b 64M --filter=sha256sum FILE | cut -c1-64 | sha256sum} prints, so standard tools can check it.
     */
    static String piecewise(Path file) throws Exception {
        long size = Files.size(file);
        int pieces = (int) ((size + PIECE - 1) / PIECE);
        ExecutorService pool = Executors.newFixedThreadPool(2);
        try {
            List<Future<String>> hashes = new ArrayList<>();
            for (int i = 0; i < pieces; i++) {
                long offset = (long) i * PIECE;
                hashes.add(pool.submit(() -> pieceHash(file, offset, (int) Math.min(PIECE, size - offset))));
            }
            MessageDigest top = MessageDigest.getInstance("SHA-256");
            for (Future<String> h : hashes) {
                top.update((h.get() + "\n").getBytes(StandardCharsets.US_ASCII));
            }
            StringBuilder hex = new StringBuilder();
            for (byte b : top.digest()) {
                hex.append(String.format("%02x", b));
            }
            return hex.toString();
        } finally {
            pool.shutdownNow();
        }
    }

    private static String pieceHash(Path file, long offset, int length) throws Exception {
        MessageDigest digest = MessageDigest.getInstance("SHA-256");
        byte[] bytes = new byte[1 << 20];
        ByteBuffer buffer = ByteBuffer.wrap(bytes);
        try (FileChannel channel = FileChannel.open(file, StandardOpenOption.READ)) {
            long at = offset;
            long end = offset + length;
            while (at < end) {
                buffer.clear().limit((int) Math.min(bytes.length, end - at));
                int n = channel.read(buffer, at);
                if (n < 0) {
                    break;
                }
                digest.update(bytes, 0, n);
                at += n;
            }
        }
        StringBuilder hex = new StringBuilder();
        for (byte b : digest.digest()) {
            hex.append(String.format("%02x", b));
        }
        return hex.toString();
    }
}
