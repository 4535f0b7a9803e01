// Licensed under the Apache License, Version 2.0. See LICENSE in the project root.
package io.elastisnap.cli;

import io.elastisnap.cli.config.ConfigFile;
import io.elastisnap.cli.config.DomainConfig;
import io.elastisnap.cli.libvirt.FsFreezeQuiescer;
import io.elastisnap.cli.libvirt.LibvirtHost;
import io.elastisnap.cli.output.Output;
import io.elastisnap.cli.store.RecordStore;
import io.elastisnap.elasticenter.ElastiCenterClient;
import io.elastisnap.elasticenter.TlsTrust;
import io.elastisnap.engine.ConsistencyEngine;
import io.elastisnap.engine.ConsistencyEngineListener;
import io.elastisnap.engine.EngineRuntime;
import io.elastisnap.engine.ElastiCenterArraySnapshotter;
import io.elastisnap.engine.GuestQuiescer;
import io.elastisnap.engine.ArraySnapshot;
import io.elastisnap.engine.ArraySnapshotter;
import io.elastisnap.engine.RecoveryOutcome;
import io.elastisnap.engine.ThawGuard;
import io.elastisnap.engine.guard.ProcessThawGuard;
import io.elastisnap.engine.journal.FreezeJournal;
import io.elastisnap.engine.pool.ElastiCenterPoolArray;
import io.elastisnap.engine.pool.GroupSnapshotter;
import io.elastisnap.engine.pool.PoolArray;
import io.elastisnap.engine.pool.PoolFlusher;
import io.elastisnap.engine.pool.PoolSnapshotLedger;
import io.elastisnap.engine.libvirt.LibvirtGuestQuiescer;
import io.elastisnap.transfer.TransferJournal;
import io.elastisnap.transfer.TransferRecovery;
import java.io.IOException;
import java.net.URI;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.function.Supplier;

/**
 * The resources of one CLI run, opened on first use and closed at the end: the libvirt connection, the ElastiCenter
 * client, the guest quiescer, the consistency engine and the record store. The demo builds one around its own
 * simulator and test-driver connection and then runs the very same operations as the commands.
 */
public final class CliContext implements AutoCloseable {
    /** Thaw retries can run for minutes (FreezeLimits.DEFAULT_THAW_RETRY_FOR); the CLI does not exit under them. */
    private static final Duration ENGINE_IDLE_WAIT = Duration.ofMinutes(4);
    /** How long a command waits for another run operating on the same domain, unless configured (lock-wait). */
    public static final Duration DEFAULT_DOMAIN_LOCK_WAIT = Duration.ofSeconds(60);
    private static final Duration STORE_LOCK_WAIT = Duration.ofSeconds(30);

    private final Output output;
    private final RecordStore store;
    private final Clock clock;
    private final Supplier<LibvirtHost> libvirtFactory;
    private final Supplier<ElastiCenterClient> clientFactory;
    private final Supplier<URI> endpoint;
    private final Supplier<String> trustDescription;
    private final ConfigFile config;
    private final boolean ownsResources;
    private final Duration domainLockWait;
    private LibvirtHost libvirt;
    private ElastiCenterClient client;
    private GuestQuiescer quiescer;
    private ConsistencyEngine engine;
    private GroupSnapshotter groupSnapshotter;
    private PoolArray poolArray;

    private CliContext(Output output, RecordStore store, Clock clock, ConfigFile config, Supplier<LibvirtHost> libvirtFactory,
                       Supplier<ElastiCenterClient> clientFactory, Supplier<URI> endpoint, Supplier<String> trustDescription,
                       boolean ownsResources, Duration domainLockWait) {
        this.output = output;
        this.store = store;
        this.clock = clock;
        this.config = config;
        this.libvirtFactory = libvirtFactory;
        this.clientFactory = clientFactory;
        this.endpoint = endpoint;
        this.trustDescription = trustDescription;
        this.ownsResources = ownsResources;
        this.domainLockWait = domainLockWait;
    }

    /** A context whose resources come from the operator's settings and are opened lazily. */
    public static CliContext fromSettings(Settings settings, Output output) {
        RecordStore store = new RecordStore(settings.stateDir(), STORE_LOCK_WAIT);
        return new CliContext(output, store, Clock.systemUTC(), settings.config(),
                () -> LibvirtHost.connect(settings.libvirtUri()),
                () -> new ElastiCenterClient(settings.elastiCenterConfig()),
                settings::url, () -> describe(settings.trust()), true, settings.domainLockWait());
    }

    /** A context around resources the caller owns and closes (the demo, tests). */
    public static CliContext embedded(Output output, RecordStore store, ConfigFile config, LibvirtHost libvirt,
                                      ElastiCenterClient client, Clock clock) {
        return new CliContext(output, store, clock, config, () -> libvirt, () -> client,
                () -> client.config().endpoint(), () -> describe(client.config().trust()), false, DEFAULT_DOMAIN_LOCK_WAIT);
    }

    /** How long a create, rollback or delete waits for another run operating on the same domain. */
    public Duration domainLockWait() {
        return domainLockWait;
    }

    public Output output() {
        return output;
    }

    public RecordStore store() {
        return store;
    }

    public Clock clock() {
        return clock;
    }

    public URI endpoint() {
        return endpoint.get();
    }

    /** How ElastiCenter's certificate is trusted, for messages. */
    public String trustDescription() {
        return trustDescription.get();
    }

    /** How a trust setting reads in output. */
    public static String describe(TlsTrust trust) {
        switch (trust.mode()) {
            case CA_FILE:
                return "certificate verified against CA file " + trust.caFilePath().map(Object::toString).orElse("?");
            case PINNED_SHA256:
                return "certificate pinned, SHA-256 " + trust.pinnedFingerprint().orElse("?");
            case INSECURE:
                return "NOT VERIFIED (--insecure)";
            default:
                return "certificate verified against the system CA store";
        }
    }

    public ConfigFile config() {
        return config;
    }

    /** What export and restore have in flight (temporary clones, partial files), under the state directory. */
    public TransferJournal transferJournal() {
        return new TransferJournal(store.directory().resolve("transfer-journal"));
    }

    /**
     * Removes what dead exports and restores left (their temporary clones on the array, partial files and
     * directories) and warns about what could not be removed; returns what was found.
     */
    public TransferRecovery.Result recoverTransfers() {
        TransferRecovery.Result r = new TransferRecovery(transferJournal(), client()).recover();
        r.removed.forEach(line -> output.warn("an earlier export or restore died: " + line));
        return r;
    }

    /** Volume ids the config file maps for {@code domain} (all domains when null). */
    public List<String> configuredVolumes(String domain) {
        if (domain == null) {
            return config.allVolumeIds();
        }
        DomainConfig dc = config.domains().get(domain);
        return dc == null ? List.of() : new ArrayList<>(dc.volumeIdByDisk().values());
    }

    public synchronized LibvirtHost libvirt() {
        if (libvirt == null) {
            libvirt = libvirtFactory.get();
        }
        return libvirt;
    }

    public synchronized ElastiCenterClient client() {
        if (client == null) {
            client = clientFactory.get();
        }
        return client;
    }

    /**
     * The guest quiescer for this libvirt URI: the engine's guest-agent quiescer for real hypervisors, libvirt's
     * FS-freeze API for the test driver (which has no guest agent).
     */
    public synchronized GuestQuiescer quiescer() {
        if (quiescer == null) {
            LibvirtHost host = libvirt();
            if (host.isTestDriver()) {
                output.progress("libvirt test driver at " + host.uri() + ": freezing through libvirt's virDomainFSFreeze"
                        + " API (the test driver has no guest agent)");
                quiescer = new FsFreezeQuiescer(host.connection());
            } else {
                quiescer = new LibvirtGuestQuiescer(host::connection);
            }
        }
        return quiescer;
    }

    /**
     * The consistency engine, journaling frozen domains under the state directory, with a thaw guard per freeze: a
     * process of its own (in its own session) that thaws the guest if this CLI dies or hangs while it is frozen.
     */
    public synchronized ConsistencyEngine engine() {
        if (engine == null) {
            engine = new ConsistencyEngine(quiescer(), new LazySnapshotter(), new FreezeJournal(store.journalDirectory()),
                    EngineRuntime.shared(), ConsistencyEngineListener.NONE, thawGuard());
        }
        return engine;
    }

    /** The reference count of pool snapshots (pool-level mode), under the state directory. */
    public PoolSnapshotLedger poolLedger() {
        return new PoolSnapshotLedger(store.directory().resolve("pool-ledger"));
    }

    /** The array side of pool-level mode: snapshots, lookups by name and clones, opened on first use. */
    /** Where restore-volume's qemu-storage-daemon logins keep FUSE exports and pid files (reconcile looks there too). */
    public java.nio.file.Path qsdRunDirectory() {
        return store.directory().resolve("restore").resolve("iscsi");
    }

    public synchronized PoolArray poolArray() {
        if (poolArray == null) {
            poolArray = new ElastiCenterPoolArray(client());
        }
        return poolArray;
    }

    /**
     * Group snapshots of VMs whose disks are files on pool volumes: every member frozen with the same journal, thaw
     * guard and limits as {@link #engine()}, {@code syncfs} of each pool's mount point, one array snapshot per pool.
     */
    public synchronized GroupSnapshotter groupSnapshotter() {
        if (groupSnapshotter == null) {
            groupSnapshotter = new GroupSnapshotter(quiescer(), poolArray(), new FreezeJournal(store.journalDirectory()),
                    EngineRuntime.shared(), ConsistencyEngineListener.NONE, thawGuard(), PoolFlusher.SYNCFS, poolLedger());
        }
        return groupSnapshotter;
    }

    /** The test driver's state lives inside this process, so a guard's virsh could not see (or thaw) its freeze. */
    private ThawGuard thawGuard() {
        LibvirtHost host = libvirt();
        return host.isTestDriver() ? ThawGuard.NONE : new ProcessThawGuard(host::uri);
    }

    /**
     * Thaws guests a killed predecessor left frozen (its thaw guard normally has already) and says for each what was
     * found: when and by which process it was frozen, who thawed it when. Runs at every start; costs nothing (no
     * libvirt, no ElastiCenter) when the journal is empty, which is the normal case.
     */
    public void recoverJournalIfNeeded() {
        FreezeJournal journal = new FreezeJournal(store.journalDirectory());
        List<RecoveryOutcome> outcomes;
        try {
            if (journal.list().isEmpty()) {
                return;
            }
            outcomes = engine().recoverFromJournal();
        } catch (IOException e) {
            throw new CliException(ExitCode.FAILED, "cannot read the freeze journal in " + journal.directory() + ": "
                    + e.getMessage(), "make the state directory readable (--state-dir)", e);
        }
        for (RecoveryOutcome o : outcomes) {
            if (o.action() != RecoveryOutcome.Action.SKIPPED_OWNER_ALIVE) {
                output.warn("freeze journal: " + o.domainName() + ": " + o.message());
            }
        }
    }

    /** The array side, opened only when a snapshot is taken (journal recovery needs no ElastiCenter). */
    private final class LazySnapshotter implements ArraySnapshotter {
        private ArraySnapshotter delegate;

        private synchronized ArraySnapshotter delegate() {
            if (delegate == null) {
                delegate = new ElastiCenterArraySnapshotter(client());
            }
            return delegate;
        }

        @Override
        public void prepare(List<String> volumeIds) {
            delegate().prepare(volumeIds);
        }

        @Override
        public ArraySnapshot create(String volumeId, String snapshotName) {
            return delegate().create(volumeId, snapshotName);
        }

        @Override
        public Optional<ArraySnapshot> findAfterFailedCreate(String volumeId, String snapshotName, RuntimeException failure) {
            return delegate().findAfterFailedCreate(volumeId, snapshotName, failure);
        }

        @Override
        public void delete(ArraySnapshot snapshot) {
            delegate().delete(snapshot);
        }
    }

    private boolean awaitFreezeSessions(Duration timeout) throws InterruptedException {
        return (engine == null || engine.awaitFreezeSessions(timeout))
                && (groupSnapshotter == null || groupSnapshotter.awaitFreezeSessions(timeout));
    }

    @Override
    public synchronized void close() {
        if (engine != null || groupSnapshotter != null) {
            awaitEngineIdle();
        }
        if (ownsResources) {
            if (client != null) {
                client.close();
            }
            if (libvirt != null) {
                libvirt.close();
            }
        }
    }

    /**
     * Thaw retries and late-freeze watches are waited for (the guest comes first); snapshot calls still out on the
     * array are not: a failed create's record names them and the next run deletes them by name.
     */
    private void awaitEngineIdle() {
        try {
            if (!awaitFreezeSessions(Duration.ofSeconds(1))) {
                output.progress("waiting for the thaw to be confirmed (up to " + ENGINE_IDLE_WAIT.toMinutes() + " min)");
                if (!awaitFreezeSessions(ENGINE_IDLE_WAIT)) {
                    output.warn("the thaw is still not confirmed at exit; the thaw guard keeps trying, and the freeze"
                            + " journal makes the next run finish it");
                }
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
