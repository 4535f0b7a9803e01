// Licensed under the Apache License, Version 2.0. See LICENSE in the project root.
package io.elastisnap.cloudstack.agent;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * {@link DiskImages} with qemu-img, which every KVM host has. An {@code iscsi://} source or target is opened by QEMU's
 * built-in initiator (libiscsi, Debian/Ubuntu package qemu-block-extra), so no iscsiadm login is needed on the host.
 */
public final class QemuImg implements DiskImages {
    private static final Pattern VIRTUAL_SIZE = Pattern.compile("\"virtual-size\"\\s*:\\s*(\\d+)");
    private final String program;

    public QemuImg(String program) {
        this.program = program;
    }

    @Override
    public void toQcow2(String rawSource, Path qcow2, boolean compress, Duration timeout) {
        List<String> args = new ArrayList<>(Arrays.asList("convert", "-q", "-f", "raw", "-O", "qcow2"));
        if (compress) {
            args.add("-c");
        }
        args.addAll(Arrays.asList(rawSource, qcow2.toString()));
        run(args, timeout);
    }

    @Override
    public void writeInto(Path qcow2, String rawTarget, Duration timeout) {
        // -n: the target exists (a LUN); writeback cache is flushed when qemu-img closes it.
        run(Arrays.asList("convert", "-q", "-n", "-t", "writeback", "-f", "qcow2", "-O", "raw", qcow2.toString(), rawTarget), timeout);
    }

    @Override
    public long virtualSize(Path qcow2) {
        String info = run(Arrays.asList("info", "--output=json", "-f", "qcow2", qcow2.toString()), Duration.ofMinutes(1));
        Matcher m = VIRTUAL_SIZE.matcher(info);
        if (!m.find()) {
            throw new IllegalStateException("qemu-img info of " + qcow2 + " shows no virtual size");
        }
        return Long.parseLong(m.group(1));
    }

    private String run(List<String> args, Duration timeout) {
        List<String> command = new ArrayList<>();
        command.add(program);
        command.addAll(args);
        Process process;
        try {
            process = new ProcessBuilder(command).redirectErrorStream(true).start();
        } catch (IOException e) {
            throw new IllegalStateException("cannot run " + program + " (install qemu-utils): " + e.getMessage(), e);
        }
        try {
            process.getOutputStream().close();
            InputStream out = process.getInputStream();
            StringBuilder text = new StringBuilder();
            Thread reader = new Thread(() -> {
                try {
                    text.append(new String(out.readAllBytes(), StandardCharsets.UTF_8));
                } catch (IOException ignored) {
                    // the process was killed; its exit status says what happened
                }
            }, "qemu-img-output");
            reader.setDaemon(true);
            reader.start();
            if (!process.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
                process.destroyForcibly();
                throw new IllegalStateException("qemu-img " + args.get(0) + " did not finish within " + timeout.getSeconds() + " s");
            }
            reader.join(5000);
            if (process.exitValue() != 0) {
                throw new IllegalStateException("qemu-img " + args.get(0) + " failed (exit " + process.exitValue() + "): "
                        + text.toString().trim());
            }
            return text.toString();
        } catch (IOException e) {
            throw new IllegalStateException("qemu-img " + args.get(0) + ": " + e.getMessage(), e);
        } catch (InterruptedException e) {
            process.destroyForcibly();
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while qemu-img " + args.get(0) + " ran", e);
        }
    }
}
