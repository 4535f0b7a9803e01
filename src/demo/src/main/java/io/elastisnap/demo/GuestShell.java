// Licensed under the Apache License, Version 2.0. See LICENSE in the project root.
package io.elastisnap.demo;

import com.google.gson.JsonArray;
import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import io.elastisnap.cli.CliException;
import io.elastisnap.cli.ExitCode;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import org.libvirt.Domain;
import org.libvirt.LibvirtException;

/**
 * Runs shell commands inside the guest through qemu-guest-agent's guest-exec, so the demo can read what the guest
 * itself wrote (its heartbeat, its freeze hook's log) without a network or a console.
 */
final class GuestShell {
    private static final int AGENT_TIMEOUT_SECONDS = 5;
    private static final long RUN_TIMEOUT_MILLIS = 30_000;
    private static final long POLL_MILLIS = 100;

    private final Domain domain;
    private final String name;

    GuestShell(Domain domain, String name) {
        this.domain = domain;
        this.name = name;
    }

    /** Runs {@code script} with /bin/sh -c and returns its stdout; fails unless it exits 0 within 30 s. */
    String run(String script) {
        try {
            JsonObject exec = new JsonObject();
            exec.addProperty("path", "/bin/sh");
            JsonArray argv = new JsonArray();
            argv.add("-c");
            argv.add(script);
            exec.add("arg", argv);
            exec.addProperty("capture-output", true);
            long pid = agent("guest-exec", exec).get("pid").getAsLong();
            JsonObject status = new JsonObject();
            status.addProperty("pid", pid);
            long deadline = System.currentTimeMillis() + RUN_TIMEOUT_MILLIS;
            while (true) {
                JsonObject s = agent("guest-exec-status", status);
                if (s.get("exited").getAsBoolean()) {
                    int exit = s.has("exitcode") ? s.get("exitcode").getAsInt() : -1;
                    if (exit != 0) {
                        throw failure("exited " + exit + ": " + script, null);
                    }
                    return s.has("out-data")
                            ? new String(Base64.getDecoder().decode(s.get("out-data").getAsString()), StandardCharsets.UTF_8)
                            : "";
                }
                if (System.currentTimeMillis() > deadline) {
                    throw failure("did not finish within " + RUN_TIMEOUT_MILLIS / 1000 + " s: " + script, null);
                }
                Thread.sleep(POLL_MILLIS);
            }
        } catch (LibvirtException e) {
            throw failure("failed: " + script + ": " + e.getMessage(), e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw failure("was interrupted: " + script, e);
        }
    }

    private JsonObject agent(String command, JsonObject arguments) throws LibvirtException {
        JsonObject request = new JsonObject();
        request.addProperty("execute", command);
        request.add("arguments", arguments);
        JsonObject reply = JsonParser.parseString(domain.qemuAgentCommand(request.toString(), AGENT_TIMEOUT_SECONDS, 0))
                .getAsJsonObject();
        if (reply.has("error")) {
            throw failure(command + " answered " + reply.get("error"), null);
        }
        return reply.getAsJsonObject("return");
    }

    private CliException failure(String what, Throwable cause) {
        return new CliException(ExitCode.FAILED, "guest command in " + name + " " + what,
                "see the guest's console log in the demo's work directory (--keep keeps it)", cause);
    }
}
