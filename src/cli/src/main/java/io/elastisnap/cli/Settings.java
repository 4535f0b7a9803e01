// Licensed under the Apache License, Version 2.0. See LICENSE in the project root.
package io.elastisnap.cli;

import io.elastisnap.cli.config.ConfigFile;
import io.elastisnap.cli.config.Durations;
import io.elastisnap.cli.store.RecordStore;
import io.elastisnap.elasticenter.ElastiCenterConfig;
import io.elastisnap.elasticenter.Secret;
import io.elastisnap.elasticenter.TlsTrust;
import java.io.IOException;
import java.net.URI;
import java.net.URISyntaxException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermission;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.function.Consumer;

/**
 * Everything a command needs to know about its environment, resolved once: flags, then environment, then the config
 * file, then defaults. Problems surface as {@link CliException}s that name the setting and where it came from.
 */
public final class Settings {
    public static final String ENV_CONFIG = "ELASTISNAP_CONFIG";
    public static final String ENV_STATE_DIR = "ELASTISNAP_STATE_DIR";
    public static final String ENV_LOCK_WAIT = "ELASTISNAP_LOCK_WAIT";
    public static final String ENV_URL = "ELASTICENTER_URL";
    public static final String ENV_API_KEY = "ELASTICENTER_API_KEY";
    public static final String ENV_API_KEY_FILE = "ELASTICENTER_API_KEY_FILE";
    public static final String ENV_CA_FILE = "ELASTICENTER_CA_FILE";
    public static final String ENV_PIN_SHA256 = "ELASTICENTER_PIN_SHA256";
    public static final String ENV_LIBVIRT_URI = "LIBVIRT_DEFAULT_URI";
    public static final String ENV_VOLUME_ACCESS = "ELASTISNAP_VOLUME_ACCESS";
    public static final String ENV_CHAP_AUTH_GROUP = "ELASTISNAP_CHAP_AUTH_GROUP";
    public static final String ENV_CHAP_SECRET = "ELASTISNAP_CHAP_SECRET";
    public static final String ENV_CHAP_SECRET_FILE = "ELASTISNAP_CHAP_SECRET_FILE";
    public static final String DEFAULT_LIBVIRT_URI = "qemu:///system";

    private final GlobalOptions flags;
    private final Map<String, String> env;
    private final ConfigFile config;
    private final Consumer<String> warnings;
    private TlsTrust trust;

    private Settings(GlobalOptions flags, Map<String, String> env, ConfigFile config, Consumer<String> warnings) {
        this.flags = flags;
        this.env = env;
        this.config = config;
        this.warnings = warnings;
    }

    /**
     * @param warnings receives advice that does not stop the command (e.g. a world-readable key file)
     * @throws CliException when the named config file is missing or invalid
     */
    public static Settings resolve(GlobalOptions flags, Map<String, String> env, Consumer<String> warnings) {
        return new Settings(flags, env, loadConfig(flags, env), warnings);
    }

    private static ConfigFile loadConfig(GlobalOptions flags, Map<String, String> env) {
        if (flags.config != null) {
            return ConfigFile.load(flags.config);
        }
        String fromEnv = env.get(ENV_CONFIG);
        if (fromEnv != null && !fromEnv.isBlank()) {
            return ConfigFile.load(Path.of(fromEnv));
        }
        return Files.isRegularFile(ConfigFile.DEFAULT_LOCATION) ? ConfigFile.load(ConfigFile.DEFAULT_LOCATION)
                : ConfigFile.empty();
    }

    public ConfigFile config() {
        return config;
    }

    public boolean json() {
        return flags.json;
    }

    public String libvirtUri() {
        return firstOf(flags.libvirtUri, env.get(ENV_LIBVIRT_URI), config.get("libvirt.uri"), DEFAULT_LIBVIRT_URI);
    }

    public Path stateDir() {
        if (flags.stateDir != null) {
            return flags.stateDir;
        }
        String fromEnv = env.get(ENV_STATE_DIR);
        if (fromEnv != null && !fromEnv.isBlank()) {
            return Path.of(fromEnv);
        }
        String fromConfig = config.get("state-dir");
        return fromConfig != null ? Path.of(fromConfig) : RecordStore.DEFAULT_DIRECTORY;
    }

    /**
     * How long a create, rollback or delete waits for another run on the same domain: ELASTISNAP_LOCK_WAIT, else
     * lock-wait in the config file, else {@link CliContext#DEFAULT_DOMAIN_LOCK_WAIT} (0 refuses at once, for cron jobs).
     */
    public Duration domainLockWait() {
        String fromEnv = env.get(ENV_LOCK_WAIT);
        if (fromEnv != null && !fromEnv.isBlank()) {
            try {
                return Durations.parse(fromEnv);
            } catch (IllegalArgumentException e) {
                throw new CliException(ExitCode.USAGE, ENV_LOCK_WAIT + " '" + fromEnv + "': " + e.getMessage(),
                        "set it to a duration such as 0s, 30s or 5m, or unset it");
            }
        }
        Duration fromConfig = config.duration("lock-wait");
        return fromConfig != null ? fromConfig : CliContext.DEFAULT_DOMAIN_LOCK_WAIT;
    }

    /**
     * How export and restore reach an array volume's data on this host: {@code iscsi} (default: qemu-img's own
     * initiator at the address ElastiCenter reports), {@code iscsi:PORT:LUN}, or {@code file:TEMPLATE} (a path with
     * {id}, {name} or {iqn}). Flag, else ELASTISNAP_VOLUME_ACCESS, else volume-access in the config file.
     */
    public String volumeAccess(String flag) {
        return firstOf(flag, env.get(ENV_VOLUME_ACCESS), config.get("volume-access"), "iscsi");
    }

    /**
     * The account's iSCSI auth group that export and restore put the volumes they open over iSCSI behind:
     * ELASTISNAP_CHAP_AUTH_GROUP, else iscsi.chap-auth-group in the config file.
     */
    public Optional<String> chapAuthGroup() {
        return Optional.ofNullable(firstOf(env.get(ENV_CHAP_AUTH_GROUP), config.get("iscsi.chap-auth-group"), null, null));
    }

    /** {@code iscsi.chap = false} in the config file: iSCSI exports without authentication, warned at every one. */
    public boolean chapOff() {
        return config.chapOff();
    }

    /**
     * The CHAP secret of that auth group's user: ELASTISNAP_CHAP_SECRET, ELASTISNAP_CHAP_SECRET_FILE or
     * iscsi.chap-secret-file; never a flag. Messages name the source, never the value.
     */
    public Secret chapSecret() {
        String inline = env.get(ENV_CHAP_SECRET);
        if (inline != null && !inline.isBlank()) {
            return secret(inline.trim(), ENV_CHAP_SECRET, CHAP_SECRET);
        }
        String envFile = env.get(ENV_CHAP_SECRET_FILE);
        if (envFile != null && !envFile.isBlank()) {
            return readSecretFile(Path.of(envFile), ENV_CHAP_SECRET_FILE, CHAP_SECRET);
        }
        String configFile = config.get("iscsi.chap-secret-file");
        if (configFile != null) {
            return readSecretFile(Path.of(configFile), "iscsi.chap-secret-file in " + config.source(), CHAP_SECRET);
        }
        throw new CliException(ExitCode.USAGE, "no CHAP secret configured for the iSCSI auth group " + chapAuthGroup().orElse(""),
                "write the secret of the group's CHAP user into a file (chmod 600) and set iscsi.chap-secret-file or "
                        + ENV_CHAP_SECRET_FILE + ", or set " + ENV_CHAP_SECRET);
    }

    /** Whether an ElastiCenter endpoint is configured at all (list can work offline without one). */
    public boolean hasEndpoint() {
        return firstOf(flags.url, env.get(ENV_URL), config.get("elasticenter.url"), null) != null;
    }

    /** The base URL; @throws CliException (usage) when missing or malformed */
    public URI url() {
        String where;
        String value;
        if (flags.url != null) {
            value = flags.url;
            where = "--url";
        } else if (env.get(ENV_URL) != null && !env.get(ENV_URL).isBlank()) {
            value = env.get(ENV_URL);
            where = ENV_URL;
        } else if (config.get("elasticenter.url") != null) {
            value = config.get("elasticenter.url");
            where = "elasticenter.url in " + config.source();
        } else {
            throw new CliException(ExitCode.USAGE, "no ElastiCenter URL configured",
                    "pass --url https://HOST, set " + ENV_URL + ", or set elasticenter.url in the config file");
        }
        URI uri;
        try {
            uri = new URI(value.trim());
        } catch (URISyntaxException e) {
            throw new CliException(ExitCode.USAGE, "ElastiCenter URL '" + value + "' (" + where + ") is malformed",
                    "use the form https://HOST[:PORT]");
        }
        if (!"https".equalsIgnoreCase(uri.getScheme()) || uri.getHost() == null) {
            throw new CliException(ExitCode.USAGE, "ElastiCenter URL '" + value + "' (" + where + ") is not https://HOST[:PORT]",
                    "use https (the API key travels in the request, so plain http is refused)");
        }
        return uri;
    }

    /**
     * The API key from --api-key-file, ELASTICENTER_API_KEY, ELASTICENTER_API_KEY_FILE or elasticenter.api-key-file.
     * Messages name the source, never the value.
     */
    public Secret apiKey() {
        if (flags.apiKeyFile != null) {
            return readSecretFile(flags.apiKeyFile, "--api-key-file", API_KEY);
        }
        String inline = env.get(ENV_API_KEY);
        if (inline != null && !inline.isBlank()) {
            return secret(inline.trim(), ENV_API_KEY, API_KEY);
        }
        String envFile = env.get(ENV_API_KEY_FILE);
        if (envFile != null && !envFile.isBlank()) {
            return readSecretFile(Path.of(envFile), ENV_API_KEY_FILE, API_KEY);
        }
        String configFile = config.get("elasticenter.api-key-file");
        if (configFile != null) {
            return readSecretFile(Path.of(configFile), "elasticenter.api-key-file in " + config.source(), API_KEY);
        }
        throw new CliException(ExitCode.USAGE, "no ElastiCenter API key configured",
                "pass --api-key-file FILE, set " + ENV_API_KEY + ", or set elasticenter.api-key-file in the config file");
    }

    private static final String API_KEY = "API key";
    private static final String CHAP_SECRET = "CHAP secret";

    /** Reads a credential ({@code what}: "API key", "CHAP secret") from a file; messages never show the value. */
    private Secret readSecretFile(Path file, String where, String what) {
        String text;
        try {
            text = Files.readString(file, StandardCharsets.UTF_8);
        } catch (NoSuchFileException e) {
            throw new CliException(ExitCode.USAGE, what + " file " + file + " (" + where + ") does not exist",
                    "write the " + what + " into it (chmod 600) or point " + where + " at the right file");
        } catch (IOException e) {
            throw new CliException(ExitCode.USAGE, "cannot read " + what + " file " + file + " (" + where + "): "
                    + e.getClass().getSimpleName(), "check its permissions; it must be readable by this user");
        }
        warnIfOthersCanRead(file, what);
        return secret(text.trim(), what + " file " + file, what);
    }

    private Secret secret(String value, String where, String what) {
        try {
            return Secret.of(value);
        } catch (IllegalArgumentException e) {
            throw new CliException(ExitCode.USAGE, "the " + what + " from " + where + " is empty or has control characters",
                    "store exactly the " + what + ", on one line");
        }
    }

    /** Only a regular file can be chmod-ed to keep a credential private (not /dev/null, not a pipe from {@code <(...)}). */
    private void warnIfOthersCanRead(Path file, String what) {
        if (!Files.isRegularFile(file)) {
            return;
        }
        try {
            Set<PosixFilePermission> perms = Files.getPosixFilePermissions(file);
            if (perms.contains(PosixFilePermission.OTHERS_READ) || perms.contains(PosixFilePermission.GROUP_READ)) {
                warnings.accept(what + " file " + file + " is readable by other users; run: chmod 600 " + file);
            }
        } catch (IOException | UnsupportedOperationException e) {
            // not a POSIX file system: nothing to advise
        }
    }

    /** TLS trust: one of --ca-file, --pin-sha256, --insecure (from the first source that sets any), else system CAs. */
    public synchronized TlsTrust trust() {
        if (trust == null) {
            trust = resolveTrust();
        }
        return trust;
    }

    private TlsTrust resolveTrust() {
        List<String> fromFlags = new ArrayList<>();
        if (flags.caFile != null) {
            fromFlags.add("--ca-file");
        }
        if (flags.pinSha256 != null) {
            fromFlags.add("--pin-sha256");
        }
        if (flags.insecure) {
            fromFlags.add("--insecure");
        }
        if (fromFlags.size() > 1) {
            throw new CliException(ExitCode.USAGE, "conflicting TLS trust flags " + String.join(" and ", fromFlags),
                    "choose one of --ca-file, --pin-sha256, --insecure");
        }
        if (!fromFlags.isEmpty()) {
            return buildTrust(flags.caFile, flags.pinSha256, flags.insecure, fromFlags.get(0));
        }
        String ca = firstOf(env.get(ENV_CA_FILE), null, null, null);
        String pin = firstOf(env.get(ENV_PIN_SHA256), null, null, null);
        if (ca != null || pin != null) {
            if (ca != null && pin != null) {
                throw new CliException(ExitCode.USAGE, "both " + ENV_CA_FILE + " and " + ENV_PIN_SHA256 + " are set",
                        "unset one of them");
            }
            return buildTrust(ca == null ? null : Path.of(ca), pin, false, ca != null ? ENV_CA_FILE : ENV_PIN_SHA256);
        }
        String cfgCa = config.get("elasticenter.ca-file");
        String cfgPin = config.get("elasticenter.pin-sha256");
        boolean cfgInsecure = config.insecure();
        int set = (cfgCa != null ? 1 : 0) + (cfgPin != null ? 1 : 0) + (cfgInsecure ? 1 : 0);
        if (set > 1) {
            throw new CliException(ExitCode.USAGE, "config " + config.source()
                    + " sets more than one of elasticenter.ca-file, elasticenter.pin-sha256, elasticenter.insecure",
                    "keep only one of them");
        }
        return set == 0 ? TlsTrust.systemDefault()
                : buildTrust(cfgCa == null ? null : Path.of(cfgCa), cfgPin, cfgInsecure, "config " + config.source());
    }

    private TlsTrust buildTrust(Path ca, String pin, boolean insecure, String where) {
        if (insecure) {
            warnings.accept("TLS verification is OFF (" + where + "): any server can read the API key;"
                    + " pin the certificate with --pin-sha256 instead");
            return TlsTrust.insecure();
        }
        if (ca != null) {
            if (!Files.isReadable(ca)) {
                throw new CliException(ExitCode.USAGE, "CA file " + ca + " (" + where + ") does not exist or is unreadable",
                        "point it at the PEM certificate of ElastiCenter or its CA");
            }
            return TlsTrust.caFile(ca);
        }
        try {
            return TlsTrust.pinnedSha256(pin);
        } catch (IllegalArgumentException e) {
            throw new CliException(ExitCode.USAGE, "certificate pin (" + where + ") is not a SHA-256 fingerprint",
                    "give 64 hex digits, e.g. from: openssl x509 -noout -fingerprint -sha256 -in cert.pem");
        }
    }

    /** The full client configuration; resolves URL, key and trust (each may throw a usage error). */
    public ElastiCenterConfig elastiCenterConfig() {
        ElastiCenterConfig.Builder b = ElastiCenterConfig.builder(url(), apiKey()).trust(trust());
        Duration connect = config.duration("elasticenter.connect-timeout");
        Duration read = config.duration("elasticenter.read-timeout");
        Duration deadline = config.duration("elasticenter.job-deadline");
        if (connect != null) {
            b.connectTimeout(connect);
        }
        if (read != null) {
            b.readTimeout(read);
        }
        if (deadline != null) {
            b.jobDeadline(deadline);
        }
        return b.build();
    }

    private static String firstOf(String a, String b, String c, String fallback) {
        for (String s : new String[] {a, b, c}) {
            if (s != null && !s.isBlank()) {
                return s.trim();
            }
        }
        return fallback;
    }
}
