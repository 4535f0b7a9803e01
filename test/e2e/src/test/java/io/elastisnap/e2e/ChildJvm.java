// Licensed under the Apache License, Version 2.0. See LICENSE in the project root.
package io.elastisnap.e2e;

import java.io.IOException;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;

/**
 * Starts a process under test in a JVM of its own (the CLI, the agent stand-in, the engine orchestrator), so that a
 * kill -9 kills exactly it. Its stdout and stderr go to one log file.
 */
final class ChildJvm {
    /** Runs the CLI from this jar instead of the build's classes: {@code -Delastisnap.e2e.cliJar=.../elastisnap.jar}. */
    static final String CLI_JAR_PROPERTY = "elastisnap.e2e.cliJar";

    private ChildJvm() {
    }

    static Process start(Class<?> main, List<String> jvmOptions, List<String> args, Map<String, String> env, Path log)
            throws IOException {
        List<String> command = new ArrayList<>(List.of(java()));
        command.addAll(jvmOptions);
        command.addAll(Arrays.asList("-cp", System.getProperty("surefire.test.class.path", System.getProperty("java.class.path")),
                main.getName()));
        command.addAll(args);
        return start(command, env, log);
    }

    /** {@code elastisnap ARGS}: the build's CLI, or the jar named by {@value #CLI_JAR_PROPERTY} (to measure another build). */
    static Process cli(List<String> args, Map<String, String> env, Path log) throws IOException {
        String jar = System.getProperty(CLI_JAR_PROPERTY, "");
        if (jar.isBlank()) {
            return start(io.elastisnap.cli.Main.class, List.of(), args, env, log);
        }
        List<String> command = new ArrayList<>(List.of(java(), "-jar", jar));
        command.addAll(args);
        return start(command, env, log);
    }

    private static Process start(List<String> command, Map<String, String> env, Path log) throws IOException {
        ProcessBuilder builder = new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(log.toFile());
        builder.environment().putAll(env);
        Process process = builder.start();
        process.getOutputStream().close();
        return process;
    }

    private static String java() {
        return Paths.get(System.getProperty("java.home"), "bin", "java").toString();
    }
}
