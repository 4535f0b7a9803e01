// Licensed under the Apache License, Version 2.0. See LICENSE in the project root.
package io.elastisnap.transfer;

import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import org.apache.logging.log4j.LogManager;
import org.apache.logging.log4j.Logger;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The qemu-img calls a transfer makes. qemu-img is the one reader and writer for every kind of {@link DataLocation}
 * (file, device, iSCSI URL), and writes qcow2 sparsely: it asks the source which ranges hold data (SEEK_DATA on files,
 * GET LBA STATUS on iSCSI) and skips the rest, so time and space follow the data, not the volume size.
 */
public final class QemuImg {
    private static final Logger LOG = LogManager.getLogger(QemuImg.class);
    private static final Pattern PROGRESS = Pattern.compile("\\((\\d+\\.\\d+)/100%\\)");
    /** How long a metadata call (info, create, check) may take. */
    private static final Duration SHORT_CALL = Duration.ofMinutes(2);
    private static final Path SETPRIV = Path.of("/usr/bin/setpriv");

    private final String executable;
    private final int iscsiTimeoutSeconds;
    private final Duration stallTimeout;

    /**
     * @param iscsiTimeoutSeconds the iSCSI driver's command timeout
     * @param stallTimeout        a copy whose progress (qemu-img reports each 1 %) stands still this long is stopped
     */
    public QemuImg(String executable, int iscsiTimeoutSeconds, Duration stallTimeout) {
        this.executable = executable;
        this.iscsiTimeoutSeconds = iscsiTimeoutSeconds;
        this.stallTimeout = stallTimeout;
    }

    /** {@code qemu-img} from PATH; iSCSI commands time out after 30 s, a copy without progress for 5 min is stopped. */
    public static QemuImg standard() {
        return new QemuImg("qemu-img", 30, Duration.ofMinutes(5));
    }

    /** What {@code qemu-img info} says about an image. */
    public static final class ImageInfo {
        public final String format;
        public final long virtualSize;
        /** Bytes allocated on the file system (0 when qemu-img cannot say, e.g. on iSCSI). */
        public final long allocatedBytes;
        /** The backing file as recorded in the image (possibly relative to its directory), if any. */
        public final Optional<String> backingFile;

        ImageInfo(String format, long virtualSize, long allocatedBytes, Optional<String> backingFile) {
            this.format = format;
            this.virtualSize = virtualSize;
            this.allocatedBytes = allocatedBytes;
            this.backingFile = backingFile;
        }
    }

    /** The raw size of a volume's or clone's data. */
    public ImageInfo infoRaw(DataLocation location) {
        List<String> cmd = command("info", location);
        cmd.addAll(List.of("--output=json", "--image-opts", location.imageOpts(iscsiTimeoutSeconds)));
        return parseInfo(run(cmd, SHORT_CALL, null, location));
    }

    /** A qcow2 file (also one in use: {@code -U}, metadata only). */
    public ImageInfo infoQcow2(Path file) {
        return parseInfo(run(List.of(executable, "info", "--output=json", "-U", "-f", "qcow2", file.toString()),
                SHORT_CALL, null, file.toString()));
    }

    /** A full sparse qcow2 of {@code source} at {@code target}; {@code compress} = zlib-compressed clusters. */
    public void convertToQcow2(DataLocation source, Path target, boolean compress, ProgressListener progress) {
        List<String> cmd = command("convert", source);
        cmd.addAll(List.of("-p", "--image-opts", source.imageOpts(iscsiTimeoutSeconds), "-O", "qcow2"));
        if (compress) {
            cmd.add("-c");
        }
        cmd.add(target.toString());
        run(cmd, null, progress, source);
    }

    /**
     * Makes {@code overlay} (a new qcow2 on top of {@code base}) hold exactly the clusters where {@code source} differs
     * from {@code base}: create the overlay backed by the source itself, then rebase it (safe mode) onto the base;
     * qemu-img compares the two and copies only what differs. {@code baseName} is recorded as given (relative to the
     * overlay's directory keeps an export tree movable).
     */
    public void writeDifference(DataLocation source, Path overlay, String baseName, ProgressListener progress) {
        // The source is the overlay's backing file only until the rebase replaces it by the base.
        List<String> create = command("create", source);
        create.addAll(List.of("-q", "-f", "qcow2", "-F", "raw", "-b", source.jsonName(iscsiTimeoutSeconds), overlay.toString()));
        run(create, SHORT_CALL, null, source);
        List<String> rebase = command("rebase", source);
        rebase.addAll(List.of("-p", "-f", "qcow2", "-F", "qcow2", "-b", baseName, overlay.toString()));
        run(rebase, null, progress, source);
    }

    /** Bytes of the source that hold data (what a sparse copy reads), from {@code qemu-img map}. */
    public long dataBytes(DataLocation source) {
        long total = 0;
        List<String> cmd = command("map", source);
        cmd.addAll(List.of("--output=json", "--image-opts", source.imageOpts(iscsiTimeoutSeconds)));
        for (com.google.gson.JsonElement e : JsonParser.parseString(run(cmd, SHORT_CALL, null, source)).getAsJsonArray()) {
            JsonObject extent = e.getAsJsonObject();
            if (extent.get("data").getAsBoolean()) {
                total += extent.get("length").getAsLong();
            }
        }
        return total;
    }

    /** Writes the image (with its backing chain) into {@code target}, whose size must be at least its virtual size. */
    public void writeInto(Path image, DataLocation target, ProgressListener progress) {
        List<String> cmd = command("convert", target);
        cmd.addAll(List.of("-p", "-n", "-f", "qcow2", image.toString(), "--target-image-opts", target.imageOpts(iscsiTimeoutSeconds)));
        run(cmd, null, progress, target);
    }

    /** {@code qemu-img check}: the qcow2 metadata is consistent (no leaks or corruptions). */
    public Optional<String> check(Path file) {
        try {
            run(List.of(executable, "check", "-q", "-f", "qcow2", file.toString()), SHORT_CALL, null, file.toString());
            return Optional.empty();
        } catch (TransferException e) {
            return Optional.of(e.getMessage());
        }
    }

    private static ImageInfo parseInfo(String json) {
        JsonObject o = JsonParser.parseString(json).getAsJsonObject();
        return new ImageInfo(o.get("format").getAsString(), o.get("virtual-size").getAsLong(),
                o.has("actual-size") ? o.get("actual-size").getAsLong() : 0,
                o.has("backing-filename") ? Optional.of(o.get("backing-filename").getAsString()) : Optional.empty());
    }

    /**
     * {@code qemu-img <subcommand>}, and, when {@code location} logs in with CHAP, the secret object its options name,
     * read from standard input: a secret on the command line would show in {@code ps}, one in a file could outlive a
     * killed run.
     */
    private List<String> command(String subcommand, DataLocation location) {
        List<String> cmd = new ArrayList<>(List.of(executable, subcommand));
        if (location.chap().isPresent()) {
            cmd.addAll(List.of("--object", "secret,id=" + DataLocation.CHAP_SECRET_ID + ",file=/dev/stdin"));
        }
        return cmd;
    }

    private String run(List<String> command, Duration timeout, ProgressListener progress, DataLocation subject) {
        return run(command, timeout, progress, subject.qemuName(), subject.chap().map(c -> c.secret().reveal()).orElse(""));
    }

    private String run(List<String> command, Duration timeout, ProgressListener progress, String subject) {
        return run(command, timeout, progress, subject, "");
    }

    /**
     * Runs qemu-img with {@code stdin} on its standard input, feeding its {@code -p} percentages to {@code progress};
     * returns stdout. A failure becomes a {@link TransferException} whose kind says where it failed (target full,
     * source unreadable, login refused) and which names {@code subject}.
     */
    private String run(List<String> command, Duration timeout, ProgressListener progress, String subject, String stdin) {
        LOG.debug("running {}", command);
        Process process;
        try {
            process = new ProcessBuilder(diesWithThisProcess(command)).start();
            try (java.io.OutputStream in = process.getOutputStream()) {
                in.write(stdin.getBytes(StandardCharsets.UTF_8));
            }
        } catch (IOException e) {
            throw new TransferException(TransferException.Kind.FAILED, "cannot run " + executable + ": " + e.getMessage(),
                    "install qemu-img (Debian/Ubuntu: apt-get install qemu-utils; for iscsi:// also qemu-block-extra)", e);
        }
        ByteArrayOutputStream stderr = new ByteArrayOutputStream();
        Thread errReader = new Thread(() -> copy(process.getErrorStream(), stderr), "qemu-img-stderr");
        errReader.setDaemon(true);
        errReader.start();
        StringBuilder stdout = new StringBuilder();
        AtomicLong lastActivity = new AtomicLong(System.nanoTime());
        Thread outReader = new Thread(() -> readStdout(process.getInputStream(), progress, stdout, lastActivity),
                "qemu-img-stdout");
        outReader.setDaemon(true);
        outReader.start();
        long deadline = timeout == null ? Long.MAX_VALUE : System.nanoTime() + timeout.toNanos();
        try {
            while (!process.waitFor(250, TimeUnit.MILLISECONDS)) {
                long now = System.nanoTime();
                if (now > deadline) {
                    process.destroyForcibly();
                    throw new TransferException(TransferException.Kind.FAILED, executable + " " + command.get(1) + " of "
                            + subject + " did not finish within " + timeout.toSeconds() + " s", "check the storage path");
                }
                if (timeout == null && now - lastActivity.get() > stallTimeout.toNanos()) {
                    // libiscsi reconnects for ever after a dropped connection; no progress is the only sign
                    process.destroyForcibly();
                    throw new TransferException(TransferException.Kind.SOURCE_FAILED, "qemu-img " + command.get(1)
                            + " of " + subject + " made no progress for " + stallTimeout.toSeconds()
                            + " s (connection lost or storage hung); stopped it", "check that the LUN is reachable from"
                            + " this host and retry");
                }
            }
            outReader.join(1000);
            errReader.join(1000);
        } catch (InterruptedException e) {
            process.destroyForcibly();
            Thread.currentThread().interrupt();
            throw new TransferException(TransferException.Kind.FAILED, "interrupted while running qemu-img " + command.get(1)
                    + " of " + subject, null, e);
        }
        if (process.exitValue() != 0) {
            String message = new String(stderr.toByteArray(), StandardCharsets.UTF_8).trim();
            throw classify(command.get(1), subject, process.exitValue(), message);
        }
        return stdout.toString();
    }

    /**
     * Prefixes {@code setpriv --pdeathsig KILL} where util-linux has it: a qemu-img whose JVM is killed (kill -9 mid-copy)
     * is killed by the kernel instead of going on reading the clone and writing a file that recovery removes.
     */
    private static List<String> diesWithThisProcess(List<String> command) {
        if (!Files.isExecutable(SETPRIV)) {
            return command;
        }
        List<String> wrapped = new ArrayList<>(List.of(SETPRIV.toString(), "--pdeathsig", "KILL", "--"));
        wrapped.addAll(command);
        return wrapped;
    }

    static TransferException classify(String operation, String subject, int exit, String message) {
        String lower = message.toLowerCase(Locale.ROOT);
        String problem = "qemu-img " + operation + " of " + subject + " failed (exit " + exit + "): " + message;
        if (lower.contains("authentication failure")) {
            return new TransferException(TransferException.Kind.SOURCE_FAILED, problem,
                    "the target refused the CHAP login: check the CHAP user and secret this host logs in with against the"
                            + " array's auth group of the volume");
        }
        if (lower.contains("no space left") || lower.contains("disk quota exceeded")) {
            return new TransferException(TransferException.Kind.NO_SPACE, problem,
                    "free space on the target or export elsewhere; the partial file was removed");
        }
        if (lower.contains("iscsi") || lower.contains("error while reading") || lower.contains("could not open")
                || lower.contains("input/output error")) {
            return new TransferException(TransferException.Kind.SOURCE_FAILED, problem,
                    "check that the LUN is reachable from this host (portal, target name, initiator access) and retry");
        }
        return new TransferException(TransferException.Kind.FAILED, problem, null);
    }

    /** Collects stdout, feeds {@code -p} percentages to {@code progress} and stamps each change as activity. */
    private static void readStdout(InputStream in, ProgressListener progress, StringBuilder all, AtomicLong lastActivity) {
        StringBuilder line = new StringBuilder();
        try {
            int c;
            while ((c = in.read()) >= 0) {
                lastActivity.set(System.nanoTime());
                synchronized (all) {
                    all.append((char) c);
                }
                if (c == '\r' || c == '\n') {
                    report(line, progress);
                    line.setLength(0);
                } else {
                    line.append((char) c);
                }
            }
        } catch (IOException ended) {
            // the process is gone; what was read is the output
        }
        report(line, progress);
    }

    private static void report(CharSequence line, ProgressListener progress) {
        if (progress == null) {
            return;
        }
        Matcher m = PROGRESS.matcher(line);
        if (m.find()) {
            progress.percent(Double.parseDouble(m.group(1)));
        }
    }

    private static void copy(InputStream in, ByteArrayOutputStream out) {
        try {
            in.transferTo(out);
        } catch (IOException ignored) {
            // the process ended; what was read is the message
        }
    }
}
