// Licensed under the Apache License, Version 2.0. See LICENSE in the project root.
package io.elastisnap.cli;

import io.elastisnap.cli.config.Durations;
import io.elastisnap.engine.FreezeLimits;
import io.elastisnap.engine.FreezeLimits.Setting;
import picocli.CommandLine.Option;

/** The freeze limits as flags (each overrides the domain's and the global config value). */
final class LimitOptions {
    @Option(names = "--max-frozen-window", paramLabel = "DURATION",
            description = "Longest the guest may stay frozen (default 8s; keep < 10s for Windows VSS).")
    String maxFrozenWindow;

    @Option(names = "--freeze-timeout", paramLabel = "DURATION",
            description = "Bound of the freeze call (default 5/8 of the window, at most 5s).")
    String freezeTimeout;

    @Option(names = "--thaw-timeout", paramLabel = "DURATION", description = "Bound of each thaw call (default 10s).")
    String thawTimeout;

    @Option(names = "--thaw-retry-for", paramLabel = "DURATION",
            description = "How long to keep retrying the thaw (default 3m).")
    String thawRetryFor;

    @Option(names = "--preflight-timeout", paramLabel = "DURATION",
            description = "Bound of each pre-flight call: domain state, guest-ping, freeze status (default 3s).")
    String preflightTimeout;

    /**
     * The limits the flags give (each overrides the domain's and the global config value).
     *
     * @throws CliException (usage) naming the flag with a malformed duration
     */
    FreezeLimits limits() {
        FreezeLimits.Builder limits = FreezeLimits.builder();
        put(limits, Setting.MAX_FROZEN_WINDOW, maxFrozenWindow);
        put(limits, Setting.FREEZE_TIMEOUT, freezeTimeout);
        put(limits, Setting.THAW_TIMEOUT, thawTimeout);
        put(limits, Setting.THAW_RETRY_FOR, thawRetryFor);
        put(limits, Setting.PREFLIGHT_TIMEOUT, preflightTimeout);
        return limits.build();
    }

    private static void put(FreezeLimits.Builder limits, Setting limit, String text) {
        if (text == null) {
            return;
        }
        try {
            limits.set(limit, Durations.parse(text));
        } catch (IllegalArgumentException e) {
            throw new CliException(ExitCode.USAGE, "--" + limit.key() + ": " + e.getMessage(),
                    "durations look like 500ms, 8s or 3m");
        }
    }
}
