// Licensed under the Apache License, Version 2.0. See LICENSE in the project root.
package io.elastisnap.cli;

import io.elastisnap.cli.config.Durations;
import io.elastisnap.cli.config.Limit;
import java.time.Duration;
import java.util.EnumMap;
import java.util.Map;
import picocli.CommandLine.Option;

/** The freeze limits as flags (each overrides the domain's and the global config value). */
final class LimitOptions {
    @Option(names = "--max-frozen-window", paramLabel = "DURATION",
            description = "Longest the guest may stay frozen (default 8s; keep < 10s for Windows VSS).")
    String maxFrozenWindow;

    @Option(names = "--freeze-timeout", paramLabel = "DURATION", description = "Bound of the freeze call (default 5s).")
    String freezeTimeout;

    @Option(names = "--thaw-timeout", paramLabel = "DURATION", description = "Bound of each thaw call (default 10s).")
    String thawTimeout;

    @Option(names = "--thaw-retry-for", paramLabel = "DURATION",
            description = "How long to keep retrying the thaw (default 3m).")
    String thawRetryFor;

    @Option(names = "--preflight-timeout", paramLabel = "DURATION",
            description = "Bound of each pre-flight call: domain state, guest-ping, freeze status (default 3s).")
    String preflightTimeout;

    /** @throws CliException (usage) naming the flag with a malformed duration */
    Map<Limit, Duration> values() {
        Map<Limit, Duration> values = new EnumMap<>(Limit.class);
        put(values, Limit.MAX_FROZEN_WINDOW, maxFrozenWindow);
        put(values, Limit.FREEZE_TIMEOUT, freezeTimeout);
        put(values, Limit.THAW_TIMEOUT, thawTimeout);
        put(values, Limit.THAW_RETRY_FOR, thawRetryFor);
        put(values, Limit.PREFLIGHT_TIMEOUT, preflightTimeout);
        return values;
    }

    private static void put(Map<Limit, Duration> values, Limit limit, String text) {
        if (text == null) {
            return;
        }
        try {
            values.put(limit, Durations.parse(text));
        } catch (IllegalArgumentException e) {
            throw new CliException(ExitCode.USAGE, "--" + limit.key() + ": " + e.getMessage(),
                    "durations look like 500ms, 8s or 3m");
        }
    }
}
