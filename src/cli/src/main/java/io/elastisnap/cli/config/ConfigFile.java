// Licensed under the Apache License, Version 2.0. See LICENSE in the project root.
package io.elastisnap.cli.config;


import io.elastisnap.cli.CliException;
import io.elastisnap.cli.ExitCode;
import io.elastisnap.engine.ConsistencyPolicy;
import io.elastisnap.engine.FreezeLimits;
import io.elastisnap.engine.FreezeLimits.Setting;
import io.elastisnap.transfer.TransferException;
import io.elastisnap.transfer.VolumeAccess;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;

/**
 * The operator's config file ({@code /etc/elastisnap/elastisnap.conf} or {@code --config}): {@code key = value} lines,
 * {@code #} comments. Every key is validated; a mistake is reported with the file, the line and the fix, never ignored.
 *
 * <pre>
 * elasticenter.url = https://elasticenter.example.com
 * elasticenter.api-key-file = /etc/elastisnap/api-key
 * elasticenter.ca-file = /etc/elastisnap/elasticenter.pem     # or pin-sha256 / insecure
 * libvirt.uri = qemu:///system
 * state-dir = /var/lib/elastisnap
 * policy = required
 * limits.max-frozen-window = 8s
 * domain.i-2-10-VM.disk.vda = 8d7e...   # ElastiStor volume id
 * domain.i-2-10-VM.policy = best-effort
 * </pre>
 */
public final class ConfigFile {
    /** Where the CLI looks when neither --config nor ELASTISNAP_CONFIG names a file. */
    public static final Path DEFAULT_LOCATION = Path.of("/etc/elastisnap/elastisnap.conf");

    /** The limits an operator sets, as {@code limits.<key>} lines and {@code --<key>} flags; the others keep the engine's defaults. */
    public static final List<Setting> OPERATOR_LIMITS = List.of(Setting.MAX_FROZEN_WINDOW, Setting.FREEZE_TIMEOUT,
            Setting.THAW_TIMEOUT, Setting.THAW_RETRY_FOR, Setting.PREFLIGHT_TIMEOUT);

    private static final Pattern DOMAIN_DISK = Pattern.compile("domain\\.(.+)\\.disk\\.([A-Za-z0-9_]+)");
    private static final Pattern DOMAIN_SETTING = Pattern.compile("domain\\.(.+)\\.(policy|mount-points|limits\\.[a-z-]+)");
    private static final Pattern VOLUME_ID = Pattern.compile("[A-Za-z0-9][A-Za-z0-9_.:-]{0,127}");
    private static final List<String> GLOBAL_KEYS = Arrays.asList(
            "elasticenter.url", "elasticenter.api-key-file", "elasticenter.ca-file", "elasticenter.pin-sha256",
            "elasticenter.insecure", "elasticenter.connect-timeout", "elasticenter.read-timeout",
            "elasticenter.job-deadline", "libvirt.uri", "state-dir", "lock-wait", "policy", "mount-points",
            "volume-access", "iscsi.chap", "iscsi.chap-auth-group", "iscsi.chap-secret-file");

    private final String source;
    private final Map<String, String> globals = new LinkedHashMap<>();
    private FreezeLimits limits = FreezeLimits.defaults();
    private final Map<String, DomainConfig> domains = new LinkedHashMap<>();
    private ConsistencyPolicy policy;
    private List<String> mountPoints;

    private ConfigFile(String source) {
        this.source = source;
    }

    public static ConfigFile empty() {
        return new ConfigFile(null);
    }

    /** @throws CliException (usage) when the file is unreadable or invalid */
    public static ConfigFile load(Path path) {
        String text;
        try {
            text = Files.readString(path, StandardCharsets.UTF_8);
        } catch (java.nio.file.NoSuchFileException e) {
            throw new CliException(ExitCode.USAGE, "config file " + path + " does not exist",
                    "create it (see 'elastisnap --help' for the format) or point --config at the right file");
        } catch (IOException e) {
            throw new CliException(ExitCode.USAGE, "cannot read config file " + path + ": " + e.getMessage(),
                    "check its permissions (the CLI needs to read it)");
        }
        return parse(text, path.toString());
    }

    /** @throws CliException (usage) naming the line and the fix */
    public static ConfigFile parse(String text, String sourceName) {
        ConfigFile config = new ConfigFile(sourceName);
        String[] lines = text.split("\\r?\\n", -1);
        for (int i = 0; i < lines.length; i++) {
            String line = stripComment(lines[i]).trim();
            if (line.isEmpty()) {
                continue;
            }
            int eq = line.indexOf('=');
            if (eq <= 0) {
                throw config.error(i + 1, "expected 'key = value', found '" + abbreviate(line) + "'",
                        "write settings as key = value; comments start with #");
            }
            String key = line.substring(0, eq).trim();
            String value = line.substring(eq + 1).trim();
            try {
                config.apply(key, value, i + 1);
            } catch (IllegalArgumentException e) {
                throw config.error(i + 1, "key '" + key + "': " + e.getMessage(), null);
            }
        }
        return config;
    }

    private void apply(String key, String value, int line) {
        Matcher disk = DOMAIN_DISK.matcher(key);
        if (disk.matches()) {
            if (!VOLUME_ID.matcher(value).matches()) {
                throw new IllegalArgumentException("'" + abbreviate(value) + "' is not an ElastiStor volume id"
                        + " (letters, digits, '-', '_', '.', ':'; copy it from ElastiCenter or 'listFileSystem')");
            }
            DomainConfig domain = domains.computeIfAbsent(disk.group(1), DomainConfig::new);
            if (domain.volumeIdByDisk().containsKey(disk.group(2))) {
                throw new IllegalArgumentException("disk '" + disk.group(2) + "' of domain '" + disk.group(1)
                        + "' is mapped twice; keep one line");
            }
            domain.putDisk(disk.group(2), value);
            return;
        }
        Matcher setting = DOMAIN_SETTING.matcher(key);
        if (setting.matches()) {
            DomainConfig domain = domains.computeIfAbsent(setting.group(1), DomainConfig::new);
            String name = setting.group(2);
            if (name.equals("policy")) {
                domain.policy(Policy.parse(value));
            } else if (name.equals("mount-points")) {
                domain.mountPoints(mountPointList(value));
            } else {
                domain.limit(limit(name.substring("limits.".length())), Durations.parse(value));
            }
            return;
        }
        if (key.startsWith("limits.")) {
            limits = limits.toBuilder().set(limit(key.substring("limits.".length())), Durations.parse(value)).build();
            return;
        }
        if (!GLOBAL_KEYS.contains(key)) {
            throw new IllegalArgumentException("unknown key" + suggestion(key) + "; known keys: "
                    + String.join(", ", GLOBAL_KEYS) + ", limits.<" + String.join("|", limitKeys())
                    + ">, domain.<name>.disk.<target>, domain.<name>.policy|mount-points|limits.<key>");
        }
        if (globals.containsKey(key)) {
            throw new IllegalArgumentException("set twice (also earlier in the file); keep one line");
        }
        validateGlobal(key, value);
        globals.put(key, value);
    }

    private void validateGlobal(String key, String value) {
        switch (key) {
            case "policy":
                policy = Policy.parse(value);
                break;
            case "mount-points":
                mountPoints = mountPointList(value);
                break;
            case "elasticenter.insecure":
            case "iscsi.chap":
                parseBoolean(value);
                break;
            case "elasticenter.connect-timeout":
            case "elasticenter.read-timeout":
            case "elasticenter.job-deadline":
            case "lock-wait":
                Durations.parse(value);
                break;
            case "volume-access":
                try {
                    VolumeAccess.parse(value);
                } catch (TransferException e) {
                    throw new IllegalArgumentException(e.getMessage() + " (" + e.fix() + ")", e);
                }
                break;
            default:
                if (value.isEmpty()) {
                    throw new IllegalArgumentException("empty value; remove the line or give a value");
                }
        }
    }

    private static Setting limit(String key) {
        return OPERATOR_LIMITS.stream().filter(s -> s.key().equals(key)).findFirst().orElseThrow(() -> new IllegalArgumentException(
                "unknown limit '" + key + "' (known: " + String.join(", ", limitKeys()) + ")"));
    }

    private static List<String> limitKeys() {
        return OPERATOR_LIMITS.stream().map(Setting::key).collect(Collectors.toList());
    }

    static boolean parseBoolean(String value) {
        switch (value.toLowerCase(Locale.ROOT)) {
            case "true": case "yes": case "on": return true;
            case "false": case "no": case "off": return false;
            default: throw new IllegalArgumentException("'" + value + "' is not true or false");
        }
    }

    static List<String> mountPointList(String value) {
        if (value.isEmpty()) {
            return Collections.emptyList();
        }
        List<String> list = new ArrayList<>();
        for (String part : value.split(",")) {
            String mount = part.trim();
            if (!mount.startsWith("/")) {
                throw new IllegalArgumentException("mount point '" + mount + "' must be an absolute guest path like /data");
            }
            list.add(mount);
        }
        return Collections.unmodifiableList(list);
    }

    private static String suggestion(String key) {
        String best = null;
        int bestDistance = 4;
        for (String known : GLOBAL_KEYS) {
            int d = editDistance(key, known);
            if (d < bestDistance) {
                bestDistance = d;
                best = known;
            }
        }
        return best == null ? "" : " (did you mean '" + best + "'?)";
    }

    private static int editDistance(String a, String b) {
        int[] prev = new int[b.length() + 1];
        int[] cur = new int[b.length() + 1];
        for (int j = 0; j <= b.length(); j++) {
            prev[j] = j;
        }
        for (int i = 1; i <= a.length(); i++) {
            cur[0] = i;
            for (int j = 1; j <= b.length(); j++) {
                int cost = a.charAt(i - 1) == b.charAt(j - 1) ? 0 : 1;
                cur[j] = Math.min(Math.min(cur[j - 1] + 1, prev[j] + 1), prev[j - 1] + cost);
            }
            int[] t = prev;
            prev = cur;
            cur = t;
        }
        return prev[b.length()];
    }

    private static String stripComment(String line) {
        int hash = line.indexOf('#');
        return hash < 0 ? line : line.substring(0, hash);
    }

    private static String abbreviate(String s) {
        return s.length() <= 60 ? s : s.substring(0, 57) + "...";
    }

    private CliException error(int line, String problem, String fix) {
        return new CliException(ExitCode.USAGE, "config " + source + " line " + line + ": " + problem,
                fix == null ? "correct line " + line + " of " + source : fix);
    }

    /** Where the settings came from, for messages; null for an empty config. */
    public String source() {
        return source;
    }

    /** A global setting by key (e.g. {@code elasticenter.url}); null when absent. */
    public String get(String key) {
        return globals.get(key);
    }

    public boolean insecure() {
        String v = globals.get("elasticenter.insecure");
        return v != null && parseBoolean(v);
    }

    /** {@code iscsi.chap = false}: the operator chose iSCSI exports without authentication. */
    public boolean chapOff() {
        String v = globals.get("iscsi.chap");
        return v != null && !parseBoolean(v);
    }

    public Duration duration(String key) {
        String v = globals.get(key);
        return v == null ? null : Durations.parse(v);
    }

    /** Null when not set. */
    public ConsistencyPolicy policy() {
        return policy;
    }

    /** Null when not set. */
    public List<String> mountPoints() {
        return mountPoints;
    }

    /** The limits the file gives (the others take the engine's defaults). */
    public FreezeLimits limits() {
        return limits;
    }

    public Map<String, DomainConfig> domains() {
        return Collections.unmodifiableMap(domains);
    }

    /** Every ElastiStor volume id the file maps, for reconciling against the array. */
    public List<String> allVolumeIds() {
        return domains.values().stream().flatMap(d -> d.volumeIdByDisk().values().stream())
                .distinct().collect(Collectors.toList());
    }
}
