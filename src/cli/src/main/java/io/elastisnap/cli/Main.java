// Licensed under the Apache License, Version 2.0. See LICENSE in the project root.
package io.elastisnap.cli;

import io.elastisnap.cli.output.Output;
import java.io.PrintStream;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import picocli.CommandLine;

/** Entry point of {@code java -jar elastisnap.jar}. */
public final class Main {
    private static final int HELP_WIDTH = 110;
    private Main() {
    }

    public static void main(String[] args) {
        System.exit(run(args, new RunEnvironment(System.out, System.err, System.getenv())));
    }

    /** Runs one command line in-process; returns the exit code. */
    public static int run(String[] args, RunEnvironment environment) {
        CliException keyOnCommandLine = refuseInlineKey(args);
        if (keyOnCommandLine != null) {
            boolean json = Arrays.asList(args).contains("--json");
            new Output(environment.out(), environment.err(), json).error(commandName(args), keyOnCommandLine);
            return keyOnCommandLine.exitCode().code();
        }
        ElastiSnapCommand top = new ElastiSnapCommand();
        top.environment(environment);
        CommandLine cmd = new CommandLine(top);
        cmd.setOut(new java.io.PrintWriter(environment.out(), true));
        cmd.setErr(new java.io.PrintWriter(environment.err(), true));
        cmd.setUsageHelpWidth(HELP_WIDTH);
        cmd.getCommandSpec().usageMessage().footerHeading("%nExit codes:%n").footer(
                ExitCode.helpTable().replace("%", "%%"),
                "Config file: key = value lines, # comments (--config, $ELASTISNAP_CONFIG or",
                "/etc/elastisnap/elastisnap.conf). Keys:",
                "  elasticenter.url, elasticenter.api-key-file,",
                "  elasticenter.ca-file | elasticenter.pin-sha256 | elasticenter.insecure,",
                "  elasticenter.connect-timeout | read-timeout | job-deadline,",
                "  libvirt.uri, state-dir, lock-wait, policy, mount-points,",
                "  limits.max-frozen-window | freeze-timeout | thaw-timeout | thaw-retry-for | preflight-timeout,",
                "  domain.<name>.disk.<target> = <ElastiStor volume id>,",
                "  domain.<name>.policy | mount-points | limits.<key>");
        cmd.setParameterExceptionHandler((e, badArgs) -> {
            CliException usage = new CliException(ExitCode.USAGE, e.getMessage(), usageFix(e));
            new Output(environment.out(), environment.err(), Arrays.asList(badArgs).contains("--json"))
                    .error(e.getCommandLine().getCommandName(), usage);
            return ExitCode.USAGE.code();
        });
        return cmd.execute(args);
    }

    /** Where to look, and for a mistyped command or option the names it may have meant. */
    private static String usageFix(CommandLine.ParameterException e) {
        String command = e.getCommandLine().getCommandName();
        String help = "see 'elastisnap " + (command.equals("elastisnap") ? "" : command + " ") + "--help'";
        if (!(e instanceof CommandLine.UnmatchedArgumentException)) {
            return help;
        }
        CommandLine.UnmatchedArgumentException unmatched = (CommandLine.UnmatchedArgumentException) e;
        String typed = unmatched.getUnmatched().isEmpty() ? "" : unmatched.getUnmatched().get(0);
        List<String> suggestions;
        if (typed.startsWith("-") || e.getCommandLine().getSubcommands().isEmpty()) {
            suggestions = unmatched.getSuggestions();   // options: picocli's own similarity works well
        } else if (typed.equals("demo")) {
            return "the demo is a program of its own: run resources/scripts/demo.sh (or java -jar elastisnap-demo.jar)";
        } else {
            suggestions = Suggestions.closeTo(typed, e.getCommandLine().getSubcommands().keySet());
        }
        return suggestions.isEmpty() ? help : "did you mean " + suggestions.stream().map(name -> "'" + name + "'")
                .collect(Collectors.joining(" or ")) + "? " + help;
    }

    /**
     * The API key must never be typed on a command line (shell history, ps). Refuse such flags without echoing them:
     * picocli's own "unknown option" message would print the value.
     */
    private static CliException refuseInlineKey(String[] args) {
        for (String arg : args) {
            String flag = arg.contains("=") ? arg.substring(0, arg.indexOf('=')) : arg;
            if (flag.equals("--api-key") || flag.equals("--apikey") || flag.equals("--key")) {
                return new CliException(ExitCode.USAGE, "the API key is not accepted on the command line (it would"
                        + " show in ps and shell history)", "put it in a file (chmod 600) and pass --api-key-file FILE,"
                        + " or set " + Settings.ENV_API_KEY);
            }
        }
        return null;
    }

    private static String commandName(String[] args) {
        for (String a : args) {
            if (!a.startsWith("-")) {
                return a;
            }
        }
        return "elastisnap";
    }

    /** For tests: runs with the given streams and environment. */
    public static int run(String[] args, PrintStream out, PrintStream err, Map<String, String> env) {
        return run(args, new RunEnvironment(out, err, env));
    }
}
