// Licensed under the Apache License, Version 2.0. See LICENSE in the project root.
package io.elastisnap.cli;

import java.nio.file.Path;
import picocli.CommandLine.Option;

/** Options every command accepts (picocli mixin). Flags win over environment, environment over the config file. */
public final class GlobalOptions {
    @Option(names = "--config", paramLabel = "FILE",
            description = "Config file (default: $ELASTISNAP_CONFIG, else /etc/elastisnap/elastisnap.conf if present).")
    Path config;

    @Option(names = "--url", paramLabel = "URL",
            description = "ElastiCenter base URL, https://host[:port] (env ELASTICENTER_URL; config elasticenter.url).")
    String url;

    @Option(names = "--api-key-file", paramLabel = "FILE",
            description = "File holding the ElastiCenter API key (or env ELASTICENTER_API_KEY). "
                    + "The key itself is never accepted on the command line.")
    Path apiKeyFile;

    @Option(names = "--ca-file", paramLabel = "FILE", description = "Trust the CA / self-signed certificate(s) in FILE (PEM or DER).")
    Path caFile;

    @Option(names = "--pin-sha256", paramLabel = "HEX",
            description = "Trust exactly the server certificate with this SHA-256 fingerprint (colons optional).")
    String pinSha256;

    @Option(names = "--insecure", description = "Accept any server certificate (lab use only; warns on every run).")
    boolean insecure;

    @Option(names = {"-c", "--libvirt-uri"}, paramLabel = "URI",
            description = "libvirt URI (default: config libvirt.uri, env LIBVIRT_DEFAULT_URI, else qemu:///system).")
    String libvirtUri;

    @Option(names = "--state-dir", paramLabel = "DIR",
            description = "Record store and journal directory (env ELASTISNAP_STATE_DIR; default /var/lib/elastisnap).")
    Path stateDir;

    @Option(names = "--json", description = "Print one JSON document on stdout (for scripts); no progress output.")
    boolean json;

    @Option(names = "--debug", description = "Log details and show stack traces on stderr.")
    boolean debug;

    @Option(names = "--log-file", paramLabel = "FILE", description = "Also append the log to FILE.")
    Path logFile;

    /** These options with any unset value taken from {@code outer} (options given before the subcommand name). */
    GlobalOptions mergedWith(GlobalOptions outer) {
        GlobalOptions m = new GlobalOptions();
        m.config = config != null ? config : outer.config;
        m.url = url != null ? url : outer.url;
        m.apiKeyFile = apiKeyFile != null ? apiKeyFile : outer.apiKeyFile;
        m.caFile = caFile != null ? caFile : outer.caFile;
        m.pinSha256 = pinSha256 != null ? pinSha256 : outer.pinSha256;
        m.insecure = insecure || outer.insecure;
        m.libvirtUri = libvirtUri != null ? libvirtUri : outer.libvirtUri;
        m.stateDir = stateDir != null ? stateDir : outer.stateDir;
        m.json = json || outer.json;
        m.debug = debug || outer.debug;
        m.logFile = logFile != null ? logFile : outer.logFile;
        return m;
    }

    public boolean json() {
        return json;
    }

    public boolean debug() {
        return debug;
    }

    public Path logFile() {
        return logFile;
    }
}
