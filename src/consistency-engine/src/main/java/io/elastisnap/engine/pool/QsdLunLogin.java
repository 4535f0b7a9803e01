// Licensed under the Apache License, Version 2.0. See LICENSE in the project root.
package io.elastisnap.engine.pool;

import io.elastisnap.elasticenter.Secret;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.Optional;
import org.apache.logging.log4j.LogManager;
import org.apache.logging.log4j.Logger;

/**
 * Logs in with QEMU's user-space iSCSI initiator (libiscsi, package {@code qemu-block-extra}) instead of a kernel one:
 * a {@code qemu-storage-daemon} holds the session and exports the LUN as a file through FUSE
 * ({@code <run dir>/<clone id>.lun}), which {@code losetup} makes a block device. For hosts without a kernel iSCSI
 * initiator (like the project's test machine). The CHAP secret reaches the daemon in a file of mode 600 that is
 * deleted once the daemon has started, never on its command line; the daemon's pid is in {@code <clone id>.pid}.
 */
public final class QsdLunLogin implements IscsiLunLogin {
    private static final Logger LOG = LogManager.getLogger(QsdLunLogin.class);
    private static final Duration TIMEOUT = Duration.ofMinutes(2);
    private static final Duration STOP_WAIT = Duration.ofSeconds(10);
    private static final String LUN_SUFFIX = ".lun";
    private final Path runDirectory;

    /** @param runDirectory where the FUSE export files and pid files live (the same directory for reconcile) */
    public QsdLunLogin(Path runDirectory) {
        this.runDirectory = runDirectory.toAbsolutePath().normalize();
    }

    @Override
    public Path login(String portal, String iqn, int lun, String chapUser, Secret chapSecret, String cloneVolumeId)
            throws IOException {
        Files.createDirectories(runDirectory);
        Path lunFile = lunFile(cloneVolumeId);
        Path secretFile = runDirectory.resolve(cloneVolumeId + ".chap");
        Files.deleteIfExists(secretFile);
        Files.createFile(secretFile, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
        try {
            Files.write(secretFile, chapSecret.reveal().getBytes(StandardCharsets.UTF_8));
            if (!Files.exists(lunFile)) {
                Files.createFile(lunFile);
            }
            // --daemonize returns once the session is up and the export mounted, or fails with libiscsi's reason
            HostCommand.run(TIMEOUT, "qemu-storage-daemon", "--object", "secret,id=chap,file=" + secretFile,
                    "--blockdev", "driver=iscsi,node-name=lun,transport=tcp,portal=" + portal + ",target=" + iqn
                            + ",lun=" + lun + ",user=" + chapUser + ",password-secret=chap",
                    "--export", "type=fuse,id=clone,node-name=lun,mountpoint=" + lunFile + ",writable=on",
                    "--pidfile", pidFile(cloneVolumeId).toString(), "--daemonize");
        } catch (IOException e) {
            Files.deleteIfExists(lunFile);
            throw new IOException("iSCSI login to " + iqn + " LUN " + lun + " at " + portal + " as " + chapUser
                    + " failed: " + e.getMessage(), e);
        } finally {
            Files.deleteIfExists(secretFile);
        }
        try {
            return LoopDevices.attach(lunFile);
        } catch (IOException e) {
            stopDaemon(cloneVolumeId);
            throw e;
        }
    }

    @Override
    public void logout(Path device, String iqn, String cloneVolumeId) throws IOException {
        String suffix = "/" + cloneVolumeId + LUN_SUFFIX;
        if (device != null) {
            LoopDevices.detachIfBackedBy(device, suffix);
        } else {
            for (String loop : LoopDevices.backedBy(suffix)) {
                HostCommand.run(TIMEOUT, "losetup", "--detach", loop);
            }
        }
        stopDaemon(cloneVolumeId);
    }

    /** Ends the clone's daemon (its FUSE export goes with it) and removes its files. */
    private void stopDaemon(String cloneVolumeId) throws IOException {
        Path lunFile = lunFile(cloneVolumeId);
        Optional<Long> pid = daemonPid(cloneVolumeId);
        if (pid.isPresent()) {
            ProcessHandle.of(pid.get()).ifPresent(ProcessHandle::destroy);
            long deadline = System.nanoTime() + STOP_WAIT.toNanos();
            while (ProcessHandle.of(pid.get()).map(ProcessHandle::isAlive).orElse(false) && System.nanoTime() < deadline) {
                HostCommand.pause(Duration.ofMillis(20), "stopping qemu-storage-daemon");
            }
            ProcessHandle.of(pid.get()).ifPresent(ProcessHandle::destroyForcibly);
        }
        if (MountTable.isMountPoint(lunFile)) {
            HostCommand.run(TIMEOUT, "umount", "--lazy", lunFile.toString());
        }
        Files.deleteIfExists(pidFile(cloneVolumeId));
        Files.deleteIfExists(lunFile);
    }

    /** The pid in the clone's pid file, if that process is still the daemon exporting that clone. */
    private Optional<Long> daemonPid(String cloneVolumeId) throws IOException {
        Path pidFile = pidFile(cloneVolumeId);
        if (!Files.isRegularFile(pidFile)) {
            return Optional.empty();
        }
        try {
            long pid = Long.parseLong(Files.readString(pidFile).trim());
            Path cmdline = Path.of("/proc", Long.toString(pid), "cmdline");
            if (Files.exists(cmdline) && new String(Files.readAllBytes(cmdline), StandardCharsets.UTF_8)
                    .contains("mountpoint=" + lunFile(cloneVolumeId))) {
                return Optional.of(pid);
            }
        } catch (NumberFormatException | IOException e) {
            LOG.warn("pid file {} unusable ({}); no daemon stopped", pidFile, e.getMessage());
        }
        return Optional.empty();
    }


    private Path lunFile(String cloneVolumeId) {
        return runDirectory.resolve(cloneVolumeId + LUN_SUFFIX);
    }

    private Path pidFile(String cloneVolumeId) {
        return runDirectory.resolve(cloneVolumeId + ".pid");
    }

    @Override
    public String readiness() throws IOException {
        String version;
        try {
            version = HostCommand.run(Duration.ofSeconds(10), "qemu-storage-daemon", "--version").split("\n")[0];
        } catch (IOException e) {
            throw new IOException("qemu-storage-daemon cannot run (" + e.getMessage() + "): apt install qemu-system-common"
                    + " qemu-block-extra", e);
        }
        if (!Files.exists(Path.of("/dev/fuse"))) {
            throw new IOException("no /dev/fuse for the LUN's FUSE export: apt install fuse3, modprobe fuse");
        }
        return version + " with /dev/fuse; run directory " + runDirectory;
    }
}
