// Licensed under the Apache License, Version 2.0. See LICENSE in the project root.
package io.elastisnap.demo;

import io.elastisnap.cli.CliException;
import io.elastisnap.cli.ExitCode;
import io.elastisnap.cli.LoggingSetup;
import io.elastisnap.cli.RunEnvironment;
import io.elastisnap.cli.output.Output;
import java.io.PrintWriter;
import java.util.Arrays;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * Entry point of {@code java -jar elastisnap-demo.jar}: a jar of its own, so the operator's {@code elastisnap.jar}
 * carries no simulator and none of the demo's options.
 */
@Command(name = "elastisnap-demo",
        description = {"The whole elastisnap cycle with nothing to set up: starts an ElastiCenter simulator on loopback,"
                + " uses real libvirt (a real QEMU guest when the e2e fixture is up, else libvirt's test driver with"
                + " domain i-2-10-VM), and runs doctor, create, list, rollback (both guards) and delete through the same"
                + " code as the elastisnap commands."})
public final class DemoMain implements Callable<Integer> {
    private static final int HELP_WIDTH = 110;

    @Option(names = "--test-driver", description = "Use libvirt's test driver even when the e2e fixture is up.")
    boolean testDriver;

    @Option(names = "--real-guest", description = "Require the e2e fixture's real QEMU guest.")
    boolean realGuest;

    @Option(names = "--keep", description = "Keep the work directory (records, array images) for inspection.")
    boolean keep;

    @Option(names = "--json", description = "Print one JSON document on stdout (for scripts); no progress output.")
    boolean json;

    @Option(names = "--debug", description = "Log details and show stack traces on stderr.")
    boolean debug;

    @Option(names = {"-h", "--help"}, usageHelp = true, description = "Show this help and exit.")
    boolean help;

    private final RunEnvironment run;

    private DemoMain(RunEnvironment run) {
        this.run = run;
    }

    public static void main(String[] args) {
        System.exit(run(args, new RunEnvironment(System.out, System.err, System.getenv())));
    }

    /** Runs the demo in-process with the given streams and environment; returns the exit code. */
    public static int run(String[] args, RunEnvironment environment) {
        CommandLine cmd = new CommandLine(new DemoMain(environment));
        cmd.setOut(new PrintWriter(environment.out(), true));
        cmd.setErr(new PrintWriter(environment.err(), true));
        cmd.setUsageHelpWidth(HELP_WIDTH);
        cmd.getCommandSpec().usageMessage().footerHeading("%nExit codes:%n").footer(ExitCode.helpTable().replace("%", "%%"));
        cmd.setParameterExceptionHandler((e, badArgs) -> {
            new Output(environment.out(), environment.err(), Arrays.asList(badArgs).contains("--json")).error("demo",
                    new CliException(ExitCode.USAGE, e.getMessage(), "see 'elastisnap-demo --help'"));
            return ExitCode.USAGE.code();
        });
        return cmd.execute(args);
    }

    @Override
    public Integer call() {
        LoggingSetup.configure(run.err(), debug, null);
        Output output = new Output(run.out(), run.err(), json);
        try {
            if (testDriver && realGuest) {
                throw new CliException(ExitCode.USAGE, "--test-driver and --real-guest exclude each other", "pick one");
            }
            Demo demo = new Demo(output, run.out(), run.env());
            int code = demo.run(testDriver ? Demo.Mode.TEST_DRIVER : realGuest ? Demo.Mode.REAL_GUEST : Demo.Mode.AUTO, keep);
            output.result("demo", code, demo.json());
            return code;
        } catch (CliException e) {
            if (debug) {
                e.printStackTrace(run.err());
            }
            output.error("demo", e);
            return e.exitCode().code();
        }
    }
}
