// Licensed under the Apache License, Version 2.0. See LICENSE in the project root.
package io.elastisnap.cloudstack.agent;

import java.io.IOException;
import java.io.InputStream;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Duration;
import java.util.function.Function;

import org.apache.logging.log4j.LogManager;
import org.apache.logging.log4j.Logger;

import io.elastisnap.cloudstack.command.BackupSnapshotToSecondaryCommand;
import io.elastisnap.cloudstack.command.DeleteSnapshotBackupCommand;
import io.elastisnap.cloudstack.command.IscsiLun;
import io.elastisnap.cloudstack.command.RestoreSnapshotBackupCommand;
import io.elastisnap.cloudstack.command.SnapshotBackupAnswer;
import io.elastisnap.cloudstack.command.SnapshotBackupCommand;
import io.elastisnap.cloudstack.command.VerifySnapshotBackupCommand;

/**
 * The host side of snapshot backups on secondary storage. A copy is written to {@code <file>.part} and renamed to its
 * name only when complete and synced, so a killed copy never leaves a file CloudStack could take for a backup; the
 * next copy or delete of the same snapshot removes the partial file. Every method answers; none throws.
 */
public final class SnapshotBackupRunner {
    static final String PARTIAL_SUFFIX = ".part";
    private static final Logger LOG = LogManager.getLogger(SnapshotBackupRunner.class);

    private final DiskImages images;
    private final Function<IscsiLun, String> lunAddress;

    /**
     * @param lunAddress how the host opens a LUN with {@code images}: {@link IscsiLun#url()} on a KVM host
     */
    public SnapshotBackupRunner(DiskImages images, Function<IscsiLun, String> lunAddress) {
        this.images = images;
        this.lunAddress = lunAddress;
    }

    public static SnapshotBackupRunner forAgent() {
        return new SnapshotBackupRunner(new QemuImg("qemu-img"), IscsiLun::url);
    }

    public SnapshotBackupAnswer backUp(BackupSnapshotToSecondaryCommand command, SecondaryStorageMounts mounts) {
        Path file = null;
        Path partial = null;
        try {
            file = fileOf(command, mounts);
            partial = partialOf(file);
            Files.createDirectories(file.getParent());
            Files.deleteIfExists(partial);
            images.toQcow2(lunAddress.apply(command.getSource()), partial, command.isCompress(), timeout(command));
            sync(partial);
            Files.move(partial, file, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
            sync(file.getParent());
            long physical = Files.size(file);
            String sha256 = sha256(file);
            LOG.info("Backed up {} to {} ({} bytes on disk, SHA-256 {})", command.getSource(), file, physical, sha256);
            return SnapshotBackupAnswer.success(command, physical, images.virtualSize(file), sha256, "backed up to " + command.getInstallPath());
        } catch (RuntimeException | IOException e) {
            deleteQuietly(partial);
            deleteQuietly(file);
            return failure(command, "backup of " + command.getSource() + " to " + command.getInstallPath(), e);
        }
    }

    public SnapshotBackupAnswer verify(VerifySnapshotBackupCommand command, SecondaryStorageMounts mounts) {
        try {
            Path file = fileOf(command, mounts);
            String found = requireChecksum(file, command.getInstallPath(), command.getExpectedSha256());
            return SnapshotBackupAnswer.success(command, Files.size(file), images.virtualSize(file), found, "checksum verified");
        } catch (RuntimeException | IOException e) {
            return failure(command, "verification of " + command.getInstallPath(), e);
        }
    }

    /** Verifies the whole file against the recorded checksum before the first byte is written to the volume. */
    public SnapshotBackupAnswer restore(RestoreSnapshotBackupCommand command, SecondaryStorageMounts mounts) {
        try {
            Path file = fileOf(command, mounts);
            String found = requireChecksum(file, command.getInstallPath(), command.getExpectedSha256());
            images.writeInto(file, lunAddress.apply(command.getTarget()), timeout(command));
            LOG.info("Restored {} into {}", file, command.getTarget());
            return SnapshotBackupAnswer.success(command, Files.size(file), images.virtualSize(file), found,
                    "restored into " + command.getTarget());
        } catch (RuntimeException | IOException e) {
            return failure(command, "restore of " + command.getInstallPath() + " into " + command.getTarget(), e);
        }
    }

    public SnapshotBackupAnswer delete(DeleteSnapshotBackupCommand command, SecondaryStorageMounts mounts) {
        try {
            Path file = fileOf(command, mounts);
            boolean existed = Files.deleteIfExists(file);
            boolean partialExisted = Files.deleteIfExists(partialOf(file));
            return SnapshotBackupAnswer.success(command, 0, 0, null, existed || partialExisted ? "deleted" : "was already gone");
        } catch (RuntimeException | IOException e) {
            return failure(command, "delete of " + command.getInstallPath(), e);
        }
    }

    private static Path fileOf(SnapshotBackupCommand command, SecondaryStorageMounts mounts) {
        Path root = mounts.mount(command.getSecondaryStorageUrl());
        Path file = root.resolve(command.getInstallPath()).normalize();
        if (!file.startsWith(root)) {
            throw new IllegalArgumentException("backup path " + command.getInstallPath() + " leaves the secondary storage mount");
        }
        return file;
    }

    static Path partialOf(Path file) {
        return file.resolveSibling(file.getFileName() + PARTIAL_SUFFIX);
    }

    private static String requireChecksum(Path file, String name, String expected) throws IOException {
        if (!Files.isRegularFile(file)) {
            throw new IllegalStateException("backup file " + name + " does not exist on secondary storage");
        }
        String found = sha256(file);
        if (!found.equalsIgnoreCase(expected)) {
            throw new IllegalStateException("backup file " + name + " has SHA-256 " + found + ", not the recorded " + expected
                    + ": it is damaged; nothing was written");
        }
        return found;
    }

    static String sha256(Path file) throws IOException {
        MessageDigest digest;
        try {
            digest = MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
        byte[] buffer = new byte[1 << 20];
        try (InputStream in = Files.newInputStream(file)) {
            for (int n = in.read(buffer); n >= 0; n = in.read(buffer)) {
                digest.update(buffer, 0, n);
            }
        }
        StringBuilder hex = new StringBuilder();
        for (byte b : digest.digest()) {
            hex.append(String.format("%02x", b));
        }
        return hex.toString();
    }

    private static void sync(Path path) throws IOException {
        try (FileChannel channel = FileChannel.open(path, StandardOpenOption.READ)) {
            channel.force(true);
        }
    }

    private static Duration timeout(SnapshotBackupCommand command) {
        return Duration.ofSeconds(command.getWait() > 0 ? command.getWait() : 3600);
    }

    private static void deleteQuietly(Path path) {
        if (path == null) {
            return;
        }
        try {
            Files.deleteIfExists(path);
        } catch (IOException e) {
            LOG.warn("Could not remove {}: {}", path, e.toString());
        }
    }

    private static SnapshotBackupAnswer failure(SnapshotBackupCommand command, String what, Exception e) {
        String reason = e instanceof IOException ? e.getClass().getSimpleName() + ": " + e.getMessage() : e.getMessage();
        LOG.error("{} failed", what, e);
        return SnapshotBackupAnswer.failure(command, what + " failed: " + reason);
    }
}
