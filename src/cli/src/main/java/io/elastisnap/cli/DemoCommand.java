// Licensed under the Apache License, Version 2.0. See LICENSE in the project root.
package io.elastisnap.cli;

import io.elastisnap.cli.demo.Demo;
import io.elastisnap.cli.output.Output;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParentCommand;

@Command(name = "demo", mixinStandardHelpOptions = true, description = {"The whole cycle on embedded defaults, no set-up:"
        + " starts an ElastiCenter simulator on loopback, uses real libvirt (a real QEMU guest when the e2e fixture is"
        + " up, else libvirt's test driver with domain i-2-10-VM), and runs doctor, create, list, rollback (both guards)"
        + " and delete through the same code as the commands. Ignores --url/--config: everything is embedded."})
final class DemoCommand implements Callable<Integer> {
    @Mixin
    GlobalOptions options;

    @ParentCommand
    ElastiSnapCommand parent;

    @Option(names = "--test-driver", description = "Use libvirt's test driver even when the e2e fixture is up.")
    boolean testDriver;

    @Option(names = "--real-guest", description = "Require the e2e fixture's real QEMU guest.")
    boolean realGuest;

    @Option(names = "--keep", description = "Keep the work directory (records, array images) for inspection.")
    boolean keep;

    @Override
    public Integer call() {
        GlobalOptions merged = options.mergedWith(parent.options);
        RunEnvironment run = parent.environment();
        LoggingSetup.configure(run.err(), merged.debug(), merged.logFile());
        Output output = new Output(run.out(), run.err(), merged.json());
        try {
            if (testDriver && realGuest) {
                throw new CliException(ExitCode.USAGE, "--test-driver and --real-guest exclude each other", "pick one");
            }
            Demo demo = new Demo(output, run.out(), run.env());
            int code = demo.run(testDriver ? Demo.Mode.TEST_DRIVER : realGuest ? Demo.Mode.REAL_GUEST : Demo.Mode.AUTO, keep);
            output.result("demo", code, demo.json());
            return code;
        } catch (CliException e) {
            if (merged.debug()) {
                e.printStackTrace(run.err());
            }
            output.error("demo", e);
            return e.exitCode().code();
        }
    }
}
