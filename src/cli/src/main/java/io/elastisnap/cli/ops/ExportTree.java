// Licensed under the Apache License, Version 2.0. See LICENSE in the project root.
package io.elastisnap.cli.ops;

import io.elastisnap.cli.CliException;
import io.elastisnap.cli.ExitCode;
import io.elastisnap.transfer.ExportManifest;
import io.elastisnap.transfer.TransferException;
import io.elastisnap.transfer.TransferRecovery;
import java.io.IOException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;

/**
 * The export target's layout: {@code <DIR>/<domain>/<snapshot time UTC>-<set id's first 8>/} holding one
 * {@code <disk>.qcow2} per volume and {@code manifest.json}. A directory being written ends in {@code .partial} and
 * is renamed when its manifest is in place, so every other directory with a manifest is a complete export.
 */
final class ExportTree {
    private static final DateTimeFormatter STAMP = DateTimeFormatter.ofPattern("yyyyMMdd'T'HHmmss'Z'").withZone(ZoneOffset.UTC);

    private ExportTree() {
    }

    /** One complete export. */
    static final class Export {
        final Path dir;
        final ExportManifest manifest;

        Export(Path dir, ExportManifest manifest) {
            this.dir = dir;
            this.manifest = manifest;
        }

        Instant snapshotCreated() {
            return Instant.parse(manifest.snapshotCreated);
        }

        String name() {
            return dir.getFileName().toString();
        }

        long fileBytes() {
            return manifest.volumes.stream().mapToLong(v -> v.fileBytes).sum();
        }
    }

    static String exportName(Instant snapshotCreated, String setId) {
        return STAMP.format(snapshotCreated) + "-" + setId.substring(0, Math.min(8, setId.length()));
    }

    static Path domainDir(Path root, String domain) {
        return root.resolve(domain);
    }

    /** The domains that have exports under {@code root}. */
    static List<String> domains(Path root) {
        List<String> domains = new ArrayList<>();
        try (DirectoryStream<Path> dirs = Files.newDirectoryStream(root, Files::isDirectory)) {
            dirs.forEach(d -> domains.add(d.getFileName().toString()));
        } catch (IOException e) {
            throw new CliException(ExitCode.USAGE, "cannot read export directory " + root + ": " + e.getMessage(),
                    "give the directory 'elastisnap export --to' wrote to");
        }
        domains.sort(null);
        return domains;
    }

    /** The domain's complete exports, oldest snapshot first; incomplete ({@code .partial}) ones are skipped. */
    static List<Export> list(Path domainDir) {
        List<Export> exports = new ArrayList<>();
        if (!Files.isDirectory(domainDir)) {
            return exports;
        }
        try (DirectoryStream<Path> dirs = Files.newDirectoryStream(domainDir, Files::isDirectory)) {
            for (Path d : dirs) {
                if (!d.getFileName().toString().endsWith(TransferRecovery.PARTIAL_SUFFIX)
                        && Files.isRegularFile(d.resolve(ExportManifest.FILE_NAME))) {
                    exports.add(new Export(d, ExportManifest.read(d)));
                }
            }
        } catch (IOException | TransferException e) {
            throw new CliException(ExitCode.FAILED, "cannot read the exports in " + domainDir + ": " + e.getMessage(),
                    "check the directory (elastisnap verify names a broken export)");
        }
        exports.sort(Comparator.comparing(Export::snapshotCreated).thenComparing(Export::name));
        return exports;
    }

    /** Incomplete export directories under the domain's directory (what a dead export left, before reconcile). */
    static List<Path> incomplete(Path domainDir) {
        List<Path> partial = new ArrayList<>();
        if (Files.isDirectory(domainDir)) {
            try (DirectoryStream<Path> dirs = Files.newDirectoryStream(domainDir, "*" + TransferRecovery.PARTIAL_SUFFIX)) {
                dirs.forEach(partial::add);
            } catch (IOException e) {
                // listing is advisory
            }
        }
        return partial;
    }
}
