// Licensed under the Apache License, Version 2.0. See LICENSE in the project root.
package io.elastisnap.engine.guard;

import java.io.File;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;

/**
 * How a thaw guard process is started so that it outlives the process that starts it, in order of preference:
 * <ul>
 *   <li>{@link Method#SYSTEMD_RUN} where systemd is PID 1: a transient service of its own. The CloudStack agent runs
 *       as the {@code cloudstack-agent} service, and with systemd's default {@code KillMode=control-group} a stop or
 *       restart of that service (also systemd's own restart after a crash) kills every process in its cgroup, so a
 *       plain child would die with the agent exactly when it is needed;</li>
 *   <li>{@link Method#SETSID} elsewhere, and when systemd-run fails: a session of its own, so Ctrl-C or a hang-up
 *       sent to the CLI's process group does not reach it.</li>
 * </ul>
 */
final class GuardLauncher {
    /** systemd creates this directory when it is PID 1 (sd_booted()). */
    static final Path SYSTEMD_RUNTIME = Paths.get("/run/systemd/system");
    /** The guard's name in ps and in its own messages ($0 of the script). */
    static final String GUARD_NAME = "elastisnap-thaw-guard";

    /** One way of starting the guard. */
    enum Method { SYSTEMD_RUN, SETSID }

    private final List<Method> methods;

    private GuardLauncher(List<Method> methods) {
        this.methods = Collections.unmodifiableList(methods);
    }

    /** What this host offers: systemd as PID 1 with systemd-run, and setsid, looked up on the PATH. */
    static GuardLauncher forThisHost() {
        return choose(Files.isDirectory(SYSTEMD_RUNTIME), onPath("systemd-run"), onPath("setsid"));
    }

    /** The methods to try, best first: systemd-run only where systemd is PID 1 (elsewhere it cannot start a unit). */
    static GuardLauncher choose(boolean systemdIsInit, boolean systemdRunFound, boolean setsidFound) {
        List<Method> methods = new ArrayList<>();
        if (systemdIsInit && systemdRunFound) {
            methods.add(Method.SYSTEMD_RUN);
        }
        if (setsidFound) {
            methods.add(Method.SETSID);
        }
        return new GuardLauncher(methods);
    }

    List<Method> methods() {
        return methods;
    }

    /**
     * The command line: {@code bash -c "$script" elastisnap-thaw-guard ARGS...}, as a transient service
     * ({@code --pipe}: the service gets this process's pipes as its stdin, stdout and stderr) or in a new session.
     *
     * @param unit        the transient unit's name (unique per freeze)
     * @param description the unit's description, for {@code systemctl list-units 'elastisnap-thaw-guard-*'}
     */
    static List<String> command(Method method, String unit, String description, String script, List<String> arguments) {
        List<String> command = new ArrayList<>();
        if (method == Method.SYSTEMD_RUN) {
            command.add("systemd-run");
            command.add("--quiet");
            command.add("--no-ask-password");
            command.add("--collect");
            command.add("--pipe");
            command.add("--unit=" + unit);
            command.add("--description=" + description);
            command.add("--");
        } else {
            command.add("setsid");
        }
        command.add("bash");
        command.add("-c");
        command.add(script);
        command.add(GUARD_NAME);
        command.addAll(arguments);
        return command;
    }

    static boolean onPath(String program) {
        String path = System.getenv("PATH");
        if (path == null) {
            return false;
        }
        for (String directory : path.split(File.pathSeparator)) {
            if (!directory.isEmpty() && Files.isExecutable(Paths.get(directory, program))) {
                return true;
            }
        }
        return false;
    }
}
