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
        description = {"The whole elastisnap cycle on embedded defaults: starts an ElastiCenter simulator on loopback and"
                + " a real QEMU guest with qemu-guest-agent on the e2e fixture's libvirtd (resources/scripts/demo.sh"
                + " starts the fixture), and runs doctor, create, list, rollback (both guards) and delete through the"
                + " same code as the elastisnap commands. It shows the guest's writes stopping while it is frozen and"
                + " each snapshot's ext4 clean. Needs no ElastiCenter, config file or key: there are no connection"
                + " options.", "", "Environment: ELASTISNAP_E2E_DIR, the fixture's work directory (default"
                + " /var/tmp/elastisnap-e2e)."})
public final class DemoMain implements Callable<Integer> {
    private static final int HELP_WIDTH = 110;

    @Option(names = "--test-driver", description = "Fallback without the fixture: libvirt's test driver, where no guest"
            + " runs and NOTHING IS FROZEN (snapshots are taken with policy off and recorded CRASH_CONSISTENT).")
    boolean testDriver;

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
            Demo demo = new Demo(output, run.out(), run.env());
            int code = demo.run(testDriver ? Demo.Mode.TEST_DRIVER : Demo.Mode.REAL_GUEST, keep);
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
