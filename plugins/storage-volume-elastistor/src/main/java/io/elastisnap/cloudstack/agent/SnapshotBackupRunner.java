// Licensed under the Apache License, Version 2.0. See LICENSE in the project root.
package io.elastisnap.cloudstack.agent;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Collections;
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
import io.elastisnap.transfer.ChapLogin;
import io.elastisnap.transfer.DataLocation;
import io.elastisnap.transfer.ExpectedImage;
import io.elastisnap.transfer.ImageRestorer;
import io.elastisnap.transfer.ImageVerifier;
import io.elastisnap.transfer.ProgressListener;
import io.elastisnap.transfer.QemuImg;
import io.elastisnap.transfer.SnapshotImageWriter;
import io.elastisnap.transfer.TransferException;
import io.elastisnap.transfer.WrittenImage;

/**
 * The host side of snapshot backups on secondary storage, over the snapshot-transfer core: a copy is written to a
 * partial file and renamed only when complete and synced, so a killed copy never leaves a file CloudStack could take for
 * a backup; the next copy or delete of the same snapshot removes the partial file. Every method answers; none throws.
 */
public final class SnapshotBackupRunner {
    private static final Logger LOG = LogManager.getLogger(SnapshotBackupRunner.class);

    private final QemuImg qemuImg;
    private final Function<IscsiLun, DataLocation> lunLocation;

    /**
     * @param lunLocation how the host opens a LUN: QEMU's built-in iSCSI initiator on a KVM host ({@link #iscsi})
     */
    public SnapshotBackupRunner(QemuImg qemuImg, Function<IscsiLun, DataLocation> lunLocation) {
        this.qemuImg = qemuImg;
        this.lunLocation = lunLocation;
    }

    public static SnapshotBackupRunner forAgent() {
        return new SnapshotBackupRunner(QemuImg.standard(), SnapshotBackupRunner::iscsi);
    }

    /** QEMU's built-in initiator, logging in with the LUN's CHAP (the secret goes to qemu-img on its standard input). */
    public static DataLocation iscsi(IscsiLun lun) {
        return DataLocation.iscsi(lun.getPortal(), lun.getPort(), lun.getIqn(), lun.getLun(), chapLogin(lun));
    }

    /** The LUN's CHAP as the transfer core takes it; null when the target asks for none. */
    public static ChapLogin chapLogin(IscsiLun lun) {
        return lun.getChapUser().map(user -> new ChapLogin(user, lun.getChapSecret().orElseThrow(() ->
                new IllegalArgumentException("the CHAP user of " + lun + " came without its secret")))).orElse(null);
    }

    public SnapshotBackupAnswer backUp(BackupSnapshotToSecondaryCommand command, SecondaryStorageMounts mounts) {
        try {
            Path file = fileOf(command, mounts);
            WrittenImage image = new SnapshotImageWriter(qemuImg).writeFull(lunLocation.apply(command.getSource()), file,
                    command.isCompress(), ProgressListener.NONE);
            return SnapshotBackupAnswer.success(command, image.fileBytes(), image.virtualSize(), image.sha256(),
                    "backed up to " + command.getInstallPath());
        } catch (RuntimeException e) {
            return failure(command, "backup of " + command.getSource() + " to " + command.getInstallPath(), e);
        }
    }

    public SnapshotBackupAnswer verify(VerifySnapshotBackupCommand command, SecondaryStorageMounts mounts) {
        try {
            Path file = fileOf(command, mounts);
            new ImageVerifier(qemuImg).verify(new ExpectedImage(file, command.getExpectedSha256()));
            return SnapshotBackupAnswer.success(command, Files.size(file), qemuImg.infoQcow2(file).virtualSize,
                    command.getExpectedSha256(), "checksum verified");
        } catch (RuntimeException | IOException e) {
            return failure(command, "verification of " + command.getInstallPath(), e);
        }
    }

    /** Verifies the whole file against the recorded checksum before the first byte is written to the volume. */
    public SnapshotBackupAnswer restore(RestoreSnapshotBackupCommand command, SecondaryStorageMounts mounts) {
        try {
            Path file = fileOf(command, mounts);
            long size = new ImageRestorer(qemuImg).restore(Collections.singletonList(new ExpectedImage(file, command.getExpectedSha256())),
                    lunLocation.apply(command.getTarget()), ProgressListener.NONE);
            LOG.info("Restored {} into {}", file, command.getTarget());
            return SnapshotBackupAnswer.success(command, Files.size(file), size, command.getExpectedSha256(),
                    "restored into " + command.getTarget());
        } catch (RuntimeException | IOException e) {
            return failure(command, "restore of " + command.getInstallPath() + " into " + command.getTarget(), e);
        }
    }

    public SnapshotBackupAnswer delete(DeleteSnapshotBackupCommand command, SecondaryStorageMounts mounts) {
        try {
            Path file = fileOf(command, mounts);
            boolean existed = Files.deleteIfExists(file);
            boolean partialExisted = Files.deleteIfExists(SnapshotImageWriter.partialFile(file));
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

    private static SnapshotBackupAnswer failure(SnapshotBackupCommand command, String what, Exception e) {
        String reason = e instanceof TransferException && ((TransferException) e).fix() != null
                ? e.getMessage() + " (" + ((TransferException) e).fix() + ")"
                : e instanceof IOException ? e.getClass().getSimpleName() + ": " + e.getMessage() : e.getMessage();
        LOG.error("{} failed", what, e);
        return SnapshotBackupAnswer.failure(command, what + " failed: " + reason);
    }
}
