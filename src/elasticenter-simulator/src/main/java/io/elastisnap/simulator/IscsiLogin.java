// Licensed under the Apache License, Version 2.0. See LICENSE in the project root.
package io.elastisnap.simulator;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * An initiator for tests and labs: logs in to a LUN with qemu-img's built-in libiscsi initiator (package
 * {@code qemu-block-extra}; no kernel initiator needed) and copies it to a raw file, as a KVM host's login would
 * read it. A CHAP secret goes to qemu-img on its standard input, never on its command line or into a file.
 */
public final class IscsiLogin {
    /** How the login went: qemu-img's exit code and what it printed (libiscsi's reason on a refusal). */
    public static final class Outcome {
        private final int exitCode;
        private final String output;

        Outcome(int exitCode, String output) {
            this.exitCode = exitCode;
            this.output = output;
        }

        public boolean loggedIn() {
            return exitCode == 0;
        }

        public int exitCode() {
            return exitCode;
        }

        public String output() {
            return output;
        }

        @Override
        public String toString() {
            return "exit " + exitCode + ": " + output.trim();
        }
    }

    private IscsiLogin() {
    }

    /**
     * Copies LUN {@code lun} of target {@code iqn} at {@code portal} ({@code host:port}) into {@code rawFile}, logging
     * in as {@code user} with {@code secret} (both null: no CHAP).
     */
    public static Outcome copyLun(String portal, String iqn, int lun, String user, String secret, Path rawFile)
            throws IOException, InterruptedException {
        String options = "driver=iscsi,transport=tcp,portal=" + portal + ",target=" + iqn + ",lun=" + lun;
        List<String> command = new ArrayList<>(List.of("qemu-img", "convert"));
        if (user != null) {
            command.addAll(List.of("--object", "secret,id=chap,file=/dev/stdin"));
            options += ",user=" + user + ",password-secret=chap";
        }
        command.addAll(List.of("--image-opts", options, "-O", "raw", rawFile.toString()));
        Process process = new ProcessBuilder(command).redirectErrorStream(true).start();
        try (OutputStream in = process.getOutputStream()) {
            in.write((user != null && secret != null ? secret : "").getBytes(StandardCharsets.UTF_8));
        }
        String output;
        try (InputStream in = process.getInputStream()) {
            output = new String(in.readAllBytes(), StandardCharsets.UTF_8);
        }
        if (!process.waitFor(120, TimeUnit.SECONDS)) {
            process.destroyForcibly();
            return new Outcome(-1, "qemu-img did not finish within 120 s");
        }
        return new Outcome(process.exitValue(), output);
    }
}
