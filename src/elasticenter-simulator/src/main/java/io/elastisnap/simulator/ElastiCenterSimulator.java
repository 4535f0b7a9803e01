// Licensed under the Apache License, Version 2.0. See LICENSE in the project root.
package io.elastisnap.simulator;

import io.elastisnap.simulator.LoopbackHttpsServer.Reply;
import io.elastisnap.simulator.LoopbackHttpsServer.Request;
import org.apache.logging.log4j.LogManager;
import org.apache.logging.log4j.Logger;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.SecureRandom;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

/**
 * A protocol-faithful ElastiCenter REST endpoint over real HTTPS on 127.0.0.1, with a state model of accounts, TSMs,
 * QoS groups, volumes, snapshots and clones, optional real storage (raw image files, reflink snapshots) and fault
 * injection. Start with {@link #builder()}; close to stop (idempotent).
 */
public final class ElastiCenterSimulator implements AutoCloseable {
    private static final Logger LOG = LogManager.getLogger(ElastiCenterSimulator.class);
    private static final String API_PATH = "/client/api";

    private final String apiKey;
    private final Path dataDirectory;
    private final ServerCertificate certificate;
    private final Faults faults = new Faults(this::releaseHeldJobs);
    private final RequestLog requestLog = new RequestLog();
    private final CountDownLatch closing = new CountDownLatch(1);
    private final ScheduledExecutorService jobTimer;
    private volatile SimulatedArray array;
    private IscsiTarget iscsiTarget;
    private ApiCommands api;
    private AdminEndpoint admin;
    private LoopbackHttpsServer server;

    private ElastiCenterSimulator(Builder builder) throws IOException, GeneralSecurityException {
        this.apiKey = builder.apiKey != null ? builder.apiKey : randomKey();
        this.dataDirectory = builder.dataDirectory;
        this.jobTimer = Executors.newSingleThreadScheduledExecutor(runnable -> {
            Thread thread = new Thread(runnable, "elasticenter-sim-jobs");
            thread.setDaemon(true);
            return thread;
        });
        try {
            if (dataDirectory != null) {
                Files.createDirectories(dataDirectory);
            }
            this.certificate = ServerCertificate.loadOrGenerate(
                    dataDirectory == null ? null : dataDirectory.resolve("tls"));
            this.array = SimulatedArray.open(dataDirectory, builder.jobDuration, faults, jobTimer);
            if (builder.iscsiPort != null) {
                if (dataDirectory == null) {
                    throw new IllegalArgumentException("the iSCSI target exports image files: it needs a data directory");
                }
                this.iscsiTarget = IscsiTarget.start(builder.iscsiPort, dataDirectory.resolve("iscsi"));
                synchronized (array) {
                    array.attachIscsiTarget(iscsiTarget);
                }
            }
            ApiCommands.Secrets secrets = new ApiCommands.Secrets(apiKey);
            this.api = new ApiCommands(array, faults, requestLog, secrets, this::pause, builder.snapshotLatency);
            this.admin = new AdminEndpoint(this, secrets);
            this.server = new LoopbackHttpsServer(builder.port, certificate.sslContext(), this::route,
                    builder.maxConnections);
        } catch (IOException | GeneralSecurityException | RuntimeException e) {
            jobTimer.shutdownNow();
            if (iscsiTarget != null) {
                iscsiTarget.close();
            }
            throw e;
        }
        LOG.info("ElastiCenter simulator listening on {} (certificate SHA-256 {}){}{}", baseUrl(), certificateSha256(),
                dataDirectory == null ? "" : ", data in " + dataDirectory + ", "
                        + (reflinkSupported() ? "reflink snapshots" : "full-copy snapshots"),
                iscsiTarget == null ? "" : ", iSCSI portal " + iscsiTarget.portal());
    }

    public static Builder builder() {
        return new Builder();
    }

    /** Options of a simulator; {@link #start()} binds the port and returns the running simulator. */
    public static final class Builder {
        private String apiKey;
        private Path dataDirectory;
        private int port;
        private Duration jobDuration = Duration.ZERO;
        private Duration snapshotLatency = Duration.ZERO;
        private int maxConnections = 32;
        private Integer iscsiPort;

        private Builder() {
        }

        /** The only API key the simulator accepts; default: a random 64-character key. */
        public Builder apiKey(String key) {
            if (key == null || key.isBlank() || !key.equals(key.trim())) {
                throw new IllegalArgumentException("API key must be non-empty and without surrounding blanks");
            }
            this.apiKey = key;
            return this;
        }

        /** Enables real storage (raw image files, reflink snapshots) and persists state across restarts. */
        public Builder dataDirectory(Path directory) {
            this.dataDirectory = Objects.requireNonNull(directory, "directory").toAbsolutePath();
            return this;
        }

        /** TCP port on 127.0.0.1; 0 (default) picks a free one. */
        public Builder port(int port) {
            if (port < 0 || port > 65535) {
                throw new IllegalArgumentException("port out of range: " + port);
            }
            this.port = port;
            return this;
        }

        /** How long async jobs stay at jobstatus 0; 0 (default) finishes them before the first poll. */
        public Builder jobDuration(Duration duration) {
            this.jobDuration = nonNegative(duration, "jobDuration");
            return this;
        }

        /** Extra time every createStorageSnapshot takes (benchmarks, freeze-window tests); default 0. */
        public Builder snapshotLatency(Duration latency) {
            this.snapshotLatency = nonNegative(latency, "snapshotLatency");
            return this;
        }

        /** Connections served at once; more wait in a queue. Default 32. */
        public Builder maxConnections(int connections) {
            if (connections < 1) {
                throw new IllegalArgumentException("maxConnections must be at least 1: " + connections);
            }
            this.maxConnections = connections;
            return this;
        }

        /**
         * Exports volumes and clones over real iSCSI from a private tgtd (package {@code tgt}, run as root) with its
         * portal on 127.0.0.1:{@code port} (0: a free port; an appliance's is 3260): a target per volume named by its
         * IQN, the image file as LUN {@link ElastiCenterSimulator#ISCSI_LUN}, open to the initiator group ALL, behind
         * the auth group's CHAP user when the volume's iSCSI service says {@code authmethod=CHAP}. Needs
         * {@link #dataDirectory}. Off by default.
         */
        public Builder iscsiTarget(int port) {
            if (port < 0 || port > 65535) {
                throw new IllegalArgumentException("iSCSI port out of range: " + port);
            }
            this.iscsiPort = port;
            return this;
        }

        /** Starts the HTTPS server. */
        public ElastiCenterSimulator start() {
            try {
                return new ElastiCenterSimulator(this);
            } catch (IOException e) {
                throw new UncheckedIOException("cannot start the ElastiCenter simulator: " + e.getMessage(), e);
            } catch (GeneralSecurityException e) {
                throw new IllegalStateException("cannot set up TLS for the ElastiCenter simulator", e);
            }
        }

        private static Duration nonNegative(Duration duration, String name) {
            Objects.requireNonNull(duration, name);
            if (duration.isNegative()) {
                throw new IllegalArgumentException(name + " must not be negative: " + duration);
            }
            return duration;
        }
    }

    /** The LUN of an exported volume: tgt keeps LUN 0 for its controller, an appliance's volume is LUN 0. */
    public static final int ISCSI_LUN = IscsiTarget.LUN;

    /** {@code 127.0.0.1:<port>} of the iSCSI target, if it runs ({@link Builder#iscsiTarget}). */
    public Optional<String> iscsiPortal() {
        return Optional.ofNullable(iscsiTarget).map(IscsiTarget::portal);
    }

    /**
     * {@code iscsi://127.0.0.1:<port>/<iqn>/1} of an exported volume or clone, the URL qemu's built-in initiator
     * reads (CHAP credentials go in as {@code user%secret@} or, better, through {@code --image-opts}); empty when
     * the target is off, the volume is unknown, or it is not exported (initiator group not ALL, iSCSI disabled).
     */
    public Optional<URI> iscsiUrl(String volumeId) {
        if (iscsiTarget == null) {
            return Optional.empty();
        }
        String iqn;
        synchronized (array) {
            SimState.Volume volume = array.volume(volumeId);
            if (volume == null) {
                return Optional.empty();
            }
            iqn = array.iqn(volume);
        }
        if (!iscsiTarget.exportedIqns().contains(iqn)) {
            return Optional.empty();
        }
        return Optional.of(URI.create("iscsi://" + iscsiTarget.portal() + "/" + iqn + "/" + ISCSI_LUN));
    }

    /** {@code https://127.0.0.1:<port>}; the API lives under {@code /client/api}. */
    public URI baseUrl() {
        return URI.create("https://127.0.0.1:" + server.port());
    }

    public int port() {
        return server.port();
    }

    public String apiKey() {
        return apiKey;
    }

    /** SHA-256 fingerprint of the server certificate: lower-case hex, no colons. */
    public String certificateSha256() {
        return certificate.sha256();
    }

    public X509Certificate certificate() {
        return certificate.certificate();
    }

    /** Writes the server certificate as PEM, for clients that trust a CA file. */
    public void writeCertificatePem(Path file) {
        try {
            certificate.writePem(file);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write the certificate to " + file, e);
        }
    }

    /** The seeded account, TSM and pool. */
    public SimDefaults defaults() {
        synchronized (array) {
            return array.defaults();
        }
    }

    /** Creates a QoS group and an iSCSI volume on the default TSM directly, without HTTP. */
    public SimVolume provisionVolume(String name, long sizeBytes) {
        return provision(name, sizeBytes, true);
    }

    /** Like {@link #provisionVolume}, an NFS share ({@code nfsenabled}, path {@code /<mountpoint>}); its clones are too. */
    public SimVolume provisionNfsShare(String name, long sizeBytes) {
        return provision(name, sizeBytes, false);
    }

    private SimVolume provision(String name, long sizeBytes, boolean iscsi) {
        if (sizeBytes < SizeUnits.MIB) {
            throw new IllegalArgumentException("volume size must be at least 1 MiB: " + sizeBytes);
        }
        synchronized (array) {
            try {
                return array.toSimVolume(array.provision(name, sizeBytes, iscsi));
            } catch (ApiException e) {
                throw new IllegalArgumentException("cannot provision volume '" + name + "': " + e.text(), e);
            }
        }
    }

    /** The volume with this id, if it exists. */
    public Optional<SimVolume> volume(String volumeId) {
        synchronized (array) {
            SimState.Volume volume = array.volume(volumeId);
            return volume == null ? Optional.empty() : Optional.of(array.toSimVolume(volume));
        }
    }

    /** Snapshot paths of a volume, oldest first (empty for an unknown volume). */
    public List<String> snapshotPaths(String volumeId) {
        synchronized (array) {
            SimState.Volume volume = array.volume(volumeId);
            List<String> paths = new ArrayList<>();
            if (volume != null) {
                volume.snapshots.forEach(s -> paths.add(array.snapshotPath(volume, s)));
            }
            return paths;
        }
    }

    /** The image file of a snapshot (data-directory mode only). */
    public Path snapshotImagePath(String volumeId, String snapshotName) {
        if (dataDirectory == null) {
            throw new IllegalStateException("snapshot images exist only when the simulator has a data directory");
        }
        synchronized (array) {
            SimState.Snapshot snapshot = array.snapshotByName(volumeId, snapshotName);
            if (snapshot == null) {
                throw new IllegalArgumentException("no snapshot '" + snapshotName + "' on volume " + volumeId);
            }
            return array.snapshotImagePath(snapshot);
        }
    }

    /** Whether snapshots in the data directory are reflink copies (false: full copies, or no data directory). */
    public boolean reflinkSupported() {
        return array.reflinkSupported();
    }

    public Optional<Path> dataDirectory() {
        return Optional.ofNullable(dataDirectory);
    }

    public Faults faults() {
        return faults;
    }

    /** Every API request received, in order, without credentials. */
    public RequestLog requestLog() {
        return requestLog;
    }

    /** Stops the server, releases hanging requests and persists the state. Idempotent. */
    @Override
    public void close() {
        if (closing.getCount() == 0) {
            return;
        }
        closing.countDown();
        server.close();
        jobTimer.shutdownNow();
        try {
            jobTimer.awaitTermination(5, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        synchronized (array) {
            array.persist();
        }
        if (iscsiTarget != null) {
            iscsiTarget.close();
        }
        LOG.info("ElastiCenter simulator on port {} stopped", server.port());
    }

    @Override
    public String toString() {
        return "ElastiCenterSimulator[" + baseUrl() + "]";
    }

    private Reply route(Request request) {
        if (request.path.equals(API_PATH)) {
            if (!request.method.equals("GET") && !request.method.equals("POST")) {
                return Reply.text(405, "only GET (and POST) are supported on " + API_PATH);
            }
            Map<String, String> parameters;
            try {
                parameters = Params.decode(request.query);
                if (request.method.equals("POST") && isForm(request)) {
                    Params.decode(new String(request.body, StandardCharsets.ISO_8859_1)).forEach(parameters::putIfAbsent);
                }
            } catch (IllegalArgumentException e) {
                return Reply.text(400, "malformed percent-encoding in the query string");
            }
            return api.handle(parameters);
        }
        if (request.path.startsWith("/admin/")) {
            return admin.handle(request);
        }
        return Reply.text(404, "not found; the API is at " + API_PATH);
    }

    private static boolean isForm(Request request) {
        String type = request.header("Content-Type");
        return type != null && type.startsWith("application/x-www-form-urlencoded");
    }

    private boolean pause(Duration duration) {
        try {
            return !closing.await(duration.toMillis(), TimeUnit.MILLISECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        }
    }

    private void releaseHeldJobs() {
        SimulatedArray current = array;
        if (current != null) {
            synchronized (current) {
                current.settleAll();
            }
        }
    }

    private static String randomKey() {
        byte[] bytes = new byte[48];
        new SecureRandom().nextBytes(bytes);
        return Base64.getUrlEncoder().withoutPadding().encodeToString(bytes);
    }
}
