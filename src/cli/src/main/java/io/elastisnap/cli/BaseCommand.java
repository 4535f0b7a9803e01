// Licensed under the Apache License, Version 2.0. See LICENSE in the project root.
package io.elastisnap.cli;

import com.google.gson.JsonObject;
import io.elastisnap.cli.output.Output;
import java.util.concurrent.Callable;
import java.util.function.Consumer;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.ParentCommand;

/**
 * The frame of every subcommand: merges global options given before or after the subcommand name, resolves the
 * settings, opens the run's context, runs the body, reports the result or the failure, and closes everything.
 */
abstract class BaseCommand implements Callable<Integer> {
    @Mixin
    GlobalOptions options;

    @ParentCommand
    ElastiSnapCommand parent;

    /** What a command body returns: the exit code, its JSON result and its human rendering. */
    static final class Outcome {
        final ExitCode exitCode;
        final JsonObject json;
        final Consumer<java.io.PrintStream> human;

        Outcome(ExitCode exitCode, JsonObject json, Consumer<java.io.PrintStream> human) {
            this.exitCode = exitCode;
            this.json = json;
            this.human = human;
        }
    }

    /** The subcommand's name in output. */
    abstract String name();

    /** The command itself. Throw {@link CliException} for operator-facing failures. */
    abstract Outcome execute(Settings settings, CliContext ctx);

    @Override
    public Integer call() {
        GlobalOptions merged = options.mergedWith(parent.options);
        RunEnvironment run = parent.environment();
        LoggingSetup.configure(run.err(), merged.debug(), merged.logFile());
        Output output = new Output(run.out(), run.err(), merged.json());
        try {
            Settings settings = Settings.resolve(merged, run.env(), output::warn);
            try (CliContext ctx = CliContext.fromSettings(settings, output)) {
                recoverFrozenDomains(ctx);
                Outcome outcome = execute(settings, ctx);
                output.human(outcome.human);
                output.result(name(), outcome.exitCode.code(), outcome.json);
                return outcome.exitCode.code();
            }
        } catch (CliException e) {
            if (merged.debug()) {
                e.printStackTrace(run.err());
            }
            output.error(name(), e);
            return e.exitCode().code();
        } catch (RuntimeException e) {
            if (merged.debug()) {
                e.printStackTrace(run.err());
            }
            CliException internal = new CliException(ExitCode.FAILED, "unexpected " + e.getClass().getSimpleName()
                    + (e.getMessage() == null ? "" : ": " + e.getMessage()), "rerun with --debug and report the stack trace");
            output.error(name(), internal);
            return ExitCode.FAILED.code();
        }
    }

    /** Every run first thaws guests a killed predecessor left frozen (the engine's journal). */
    void recoverFrozenDomains(CliContext ctx) {
        ctx.recoverJournalIfNeeded();
    }
}
