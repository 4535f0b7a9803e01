// Licensed under the Apache License, Version 2.0. See LICENSE in the project root.
package io.elastisnap.simulator;

import org.apache.logging.log4j.LogManager;

import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.Base64;
import java.util.concurrent.CountDownLatch;

/** Runs the simulator as a process: {@code java -jar elastisnap-elasticenter-simulator-*-standalone.jar --help}. */
public final class SimulatorMain {
    static final String USAGE = String.join("\n",
            "Usage: java -jar elastisnap-elasticenter-simulator-<version>-standalone.jar [options]",
            "  --port N               HTTPS port on 127.0.0.1 (default 8443; 0 = any free port)",
            "  --data-dir DIR         real storage (raw images, reflink snapshots) + state kept across restarts",
            "  --api-key-file FILE    read the API key from FILE; if FILE does not exist a new key is written there",
            "                         (without this flag: $ELASTICENTER_API_KEY, else a new key in DIR/api-key",
            "                         or a temporary file)",
            "  --job-duration MS      async jobs stay pending this many milliseconds (default 0)",
            "  --snapshot-latency MS  extra milliseconds per createStorageSnapshot (default 0)",
            "  --iscsi-port N         export volumes over real iSCSI from a private tgtd on 127.0.0.1:N",
            "                         (needs --data-dir, root and the tgt package; 0 = any free port; off by default)",
            "  --help                 this text",
            "Prints the URL and the certificate SHA-256; stops cleanly on SIGTERM or Ctrl-C.");

    private SimulatorMain() {
    }

    public static void main(String[] args) throws Exception {
        if (System.getProperty("log4j2.configurationFile") == null) {
            System.setProperty("log4j2.configurationFile", "elastisnap-simulator-log4j2.xml");
        }
        Options options;
        try {
            options = Options.parse(args);
        } catch (IllegalArgumentException e) {
            System.err.println("error: " + e.getMessage());
            System.err.println(USAGE);
            System.exit(2);
            return;
        }
        if (options.help) {
            System.out.println(USAGE);
            return;
        }
        KeySource key = resolveKey(options);
        ElastiCenterSimulator.Builder builder = ElastiCenterSimulator.builder()
                .apiKey(key.value)
                .port(options.port)
                .jobDuration(options.jobDuration)
                .snapshotLatency(options.snapshotLatency);
        if (options.dataDir != null) {
            builder.dataDirectory(options.dataDir);
        }
        if (options.iscsiPort != null) {
            if (options.dataDir == null) {
                System.err.println("error: --iscsi-port exports the volumes' image files: give --data-dir too");
                System.exit(2);
                return;
            }
            builder.iscsiTarget(options.iscsiPort);
        }
        ElastiCenterSimulator simulator = builder.start();
        CountDownLatch stopped = new CountDownLatch(1);
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            simulator.close();
            LogManager.shutdown(); // the config disables log4j's own hook so the close is still logged
            stopped.countDown();
        }, "elasticenter-sim-shutdown"));
        printBanner(System.out, simulator, key);
        stopped.await();
    }

    private static void printBanner(PrintStream out, ElastiCenterSimulator simulator, KeySource key) {
        SimDefaults defaults = simulator.defaults();
        out.println("ElastiCenter simulator ready");
        out.println("  url:                " + simulator.baseUrl() + "/client/api");
        out.println("  certificate sha256: " + simulator.certificateSha256());
        out.println("  api key:            " + key.description);
        simulator.dataDirectory().ifPresent(dir -> out.println("  data directory:     " + dir + " ("
                + (simulator.reflinkSupported() ? "reflink snapshots" : "full-copy snapshots") + ")"));
        simulator.iscsiPortal().ifPresent(portal -> out.println("  iSCSI portal:       " + portal + " (tgtd; LUN "
                + ElastiCenterSimulator.ISCSI_LUN + ", CHAP when a volume's iSCSI service says so)"));
        out.println("  account:            " + defaults.accountName() + " " + defaults.accountId());
        out.println("  tsm:                " + defaults.tsmName() + " " + defaults.tsmId() + " (dataset "
                + defaults.tsmDatasetId() + ", pool " + defaults.poolName() + ")");
        out.println("  admin:              " + simulator.baseUrl() + "/admin/faults (header X-Api-Key)");
        out.flush();
    }

    static final class KeySource {
        final String value;
        final String description;

        KeySource(String value, String description) {
            this.value = value;
            this.description = description;
        }
    }

    static KeySource resolveKey(Options options) throws IOException {
        if (options.apiKeyFile != null) {
            if (Files.exists(options.apiKeyFile)) {
                String key = Files.readString(options.apiKeyFile, StandardCharsets.UTF_8).trim();
                if (key.isEmpty()) {
                    throw new IllegalArgumentException("API key file " + options.apiKeyFile + " is empty");
                }
                return new KeySource(key, "from " + options.apiKeyFile);
            }
            return new KeySource(writeNewKey(options.apiKeyFile), "generated into " + options.apiKeyFile);
        }
        String fromEnvironment = System.getenv("ELASTICENTER_API_KEY");
        if (fromEnvironment != null && !fromEnvironment.isBlank()) {
            return new KeySource(fromEnvironment.trim(), "from $ELASTICENTER_API_KEY");
        }
        Path file = options.dataDir != null ? options.dataDir.resolve("api-key")
                : Files.createTempDirectory("elasticenter-sim").resolve("api-key");
        if (Files.exists(file)) {
            return new KeySource(Files.readString(file, StandardCharsets.UTF_8).trim(), "from " + file);
        }
        return new KeySource(writeNewKey(file), "generated into " + file);
    }

    private static String writeNewKey(Path file) throws IOException {
        byte[] bytes = new byte[48];
        new SecureRandom().nextBytes(bytes);
        String key = Base64.getUrlEncoder().withoutPadding().encodeToString(bytes);
        Path parent = file.toAbsolutePath().getParent();
        Files.createDirectories(parent);
        Files.createFile(file, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
        Files.writeString(file, key + "\n", StandardCharsets.UTF_8);
        return key;
    }

    /** Parsed command line. */
    static final class Options {
        int port = 8443;
        Path dataDir;
        Path apiKeyFile;
        Duration jobDuration = Duration.ZERO;
        Duration snapshotLatency = Duration.ZERO;
        Integer iscsiPort;
        boolean help;

        static Options parse(String[] args) {
            Options options = new Options();
            for (int i = 0; i < args.length; i++) {
                String flag = args[i];
                if (flag.equals("--help") || flag.equals("-h")) {
                    options.help = true;
                    continue;
                }
                if (i + 1 >= args.length) {
                    throw new IllegalArgumentException("missing value after " + flag);
                }
                String value = args[++i];
                switch (flag) {
                    case "--port":
                        options.port = integer(flag, value);
                        break;
                    case "--data-dir":
                        options.dataDir = Paths.get(value).toAbsolutePath();
                        break;
                    case "--api-key-file":
                        options.apiKeyFile = Paths.get(value).toAbsolutePath();
                        break;
                    case "--job-duration":
                        options.jobDuration = Duration.ofMillis(integer(flag, value));
                        break;
                    case "--snapshot-latency":
                        options.snapshotLatency = Duration.ofMillis(integer(flag, value));
                        break;
                    case "--iscsi-port":
                        options.iscsiPort = integer(flag, value);
                        break;
                    default:
                        throw new IllegalArgumentException("unknown option " + flag);
                }
            }
            return options;
        }

        private static int integer(String flag, String value) {
            try {
                int parsed = Integer.parseInt(value);
                if (parsed < 0) {
                    throw new IllegalArgumentException(flag + " must not be negative: " + value);
                }
                return parsed;
            } catch (NumberFormatException e) {
                throw new IllegalArgumentException(flag + " expects a whole number, got '" + value + "'");
            }
        }
    }
}
