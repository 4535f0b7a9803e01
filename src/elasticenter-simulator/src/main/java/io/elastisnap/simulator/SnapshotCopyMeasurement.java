// Licensed under the Apache License, Version 2.0. See LICENSE in the project root.
package io.elastisnap.simulator;

import javax.net.ssl.SSLContext;
import javax.net.ssl.TrustManagerFactory;
import java.io.IOException;
import java.io.RandomAccessFile;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Random;
import java.util.stream.Stream;

/**
 * Measures createStorageSnapshot end to end (HTTPS round trip + image copy) of a sparse volume with data written,
 * in each directory given: run it on a reflink file system and on one without to compare. Not a test; the numbers
 * depend on the machine. {@code measure-snapshot-copy.sh} next to the module's pom sets up XFS loop mounts for it.
 *
 * <pre>java -cp elastisnap-elasticenter-simulator-*-standalone.jar io.elastisnap.simulator.SnapshotCopyMeasurement
 *     [--size-gib 10] [--written-gib 2] [--runs 3] DIR...</pre>
 */
public final class SnapshotCopyMeasurement {
    private static final int CHUNK = 1024 * 1024;

    private SnapshotCopyMeasurement() {
    }

    public static void main(String[] args) throws Exception {
        if (System.getProperty("log4j2.configurationFile") == null) {
            System.setProperty("log4j2.configurationFile", "elastisnap-simulator-log4j2.xml");
        }
        long sizeGib = 10;
        long writtenGib = 2;
        int runs = 3;
        List<Path> directories = new ArrayList<>();
        for (int i = 0; i < args.length; i++) {
            switch (args[i]) {
                case "--size-gib":
                    sizeGib = Long.parseLong(args[++i]);
                    break;
                case "--written-gib":
                    writtenGib = Long.parseLong(args[++i]);
                    break;
                case "--runs":
                    runs = Integer.parseInt(args[++i]);
                    break;
                default:
                    directories.add(Paths.get(args[i]).toAbsolutePath());
            }
        }
        if (directories.isEmpty() || writtenGib > sizeGib) {
            System.err.println("usage: SnapshotCopyMeasurement [--size-gib N] [--written-gib M<=N] [--runs R] DIR...");
            System.exit(2);
        }
        for (Path directory : directories) {
            measure(directory, sizeGib, writtenGib, runs);
        }
    }

    private static void measure(Path directory, long sizeGib, long writtenGib, int runs) throws Exception {
        Path data = Files.createTempDirectory(directory, "snapshot-measurement");
        try (ElastiCenterSimulator simulator = ElastiCenterSimulator.builder().dataDirectory(data).start()) {
            SimVolume volume = simulator.provisionVolume("measured", sizeGib * SizeUnits.GIB);
            writeSpread(volume.imagePath(), sizeGib, writtenGib);
            boolean cachesDropped = dropPageCache();
            HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
                    .sslContext(trusting(simulator)).build();
            call(http, simulator, "listCapabilities", ""); // TLS handshake and connection outside the timing
            List<Long> millis = new ArrayList<>();
            for (int run = 1; run <= runs; run++) {
                long start = System.nanoTime();
                String body = call(http, simulator, "createStorageSnapshot",
                        "&id=" + volume.id() + "&name=measure" + run);
                millis.add((System.nanoTime() - start) / 1_000_000);
                if (!body.contains("StorageSnapshot")) {
                    throw new IllegalStateException("snapshot failed: " + body);
                }
            }
            System.out.printf("%s: %s, %d GiB volume with %d GiB written, createStorageSnapshot took %s ms"
                            + " (page cache %s before the first run)%n", directory,
                    simulator.reflinkSupported() ? "reflink copy" : "full sparse copy", sizeGib, writtenGib, millis,
                    cachesDropped ? "dropped" : "warm");
        } finally {
            deleteTree(data);
        }
    }

    /** Writes {@code writtenGib} in 1 MiB chunks spread evenly over the image, then syncs it to disk. */
    private static void writeSpread(Path image, long sizeGib, long writtenGib) throws IOException {
        byte[] chunk = new byte[CHUNK];
        new Random(42).nextBytes(chunk);
        long chunks = writtenGib * 1024;
        long stride = sizeGib * SizeUnits.GIB / chunks;
        try (RandomAccessFile file = new RandomAccessFile(image.toFile(), "rw")) {
            for (long i = 0; i < chunks; i++) {
                chunk[0] = (byte) i; // no two chunks alike
                chunk[1] = (byte) (i >> 8);
                file.seek(i * stride);
                file.write(chunk);
            }
            file.getFD().sync();
        }
    }

    /** Root only: makes the copy read from disk, as it would on a long-running host. */
    private static boolean dropPageCache() {
        Path dropCaches = Paths.get("/proc/sys/vm/drop_caches");
        try {
            Files.writeString(dropCaches, "3\n");
            return true;
        } catch (IOException | SecurityException notRoot) {
            return false;
        }
    }

    private static String call(HttpClient http, ElastiCenterSimulator simulator, String command, String extra)
            throws IOException, InterruptedException {
        URI uri = URI.create(simulator.baseUrl() + "/client/api?command=" + command + "&response=json&apiKey="
                + URLEncoder.encode(simulator.apiKey(), StandardCharsets.UTF_8) + extra);
        return http.send(HttpRequest.newBuilder(uri).timeout(Duration.ofMinutes(30)).build(),
                HttpResponse.BodyHandlers.ofString()).body();
    }

    private static SSLContext trusting(ElastiCenterSimulator simulator) throws GeneralSecurityException, IOException {
        KeyStore store = KeyStore.getInstance("PKCS12");
        store.load(null, null);
        store.setCertificateEntry("simulator", simulator.certificate());
        TrustManagerFactory trust = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
        trust.init(store);
        SSLContext context = SSLContext.getInstance("TLS");
        context.init(null, trust.getTrustManagers(), null);
        return context;
    }

    private static void deleteTree(Path root) throws IOException {
        try (Stream<Path> paths = Files.walk(root)) {
            for (Path path : (Iterable<Path>) paths.sorted(Comparator.reverseOrder())::iterator) {
                Files.delete(path);
            }
        }
    }
}
