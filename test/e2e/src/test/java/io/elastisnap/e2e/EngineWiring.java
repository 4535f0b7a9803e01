// Licensed under the Apache License, Version 2.0. See LICENSE in the project root.
package io.elastisnap.e2e;

import java.net.URI;
import java.nio.file.Path;
import java.time.Duration;

import io.elastisnap.elasticenter.ElastiCenterClient;
import io.elastisnap.elasticenter.ElastiCenterConfig;
import io.elastisnap.elasticenter.Secret;
import io.elastisnap.elasticenter.TlsTrust;
import io.elastisnap.engine.ConsistencyEngine;
import io.elastisnap.engine.ConsistencyEngineListener;
import io.elastisnap.engine.ElastiCenterArraySnapshotter;
import io.elastisnap.engine.EngineRuntime;
import io.elastisnap.engine.guard.ProcessThawGuard;
import io.elastisnap.engine.journal.FreezeJournal;
import io.elastisnap.engine.libvirt.LibvirtGuestQuiescer;
import io.elastisnap.engine.libvirt.LibvirtUriConnection;

/**
 * The engine wired as a KVM host runs it: libvirt guest quiescer on the fixture's libvirtd, ElastiCenter client over
 * real HTTPS (certificate pinned) to the simulator, an on-disk freeze journal and a thaw guard per freeze. Shared by the tests, the child
 * orchestrator process and the measurement, so all three exercise the same wiring. Closing it closes the engine's
 * libvirt connection (the client belongs to the caller).
 */
final class EngineWiring implements AutoCloseable {

    private final LibvirtUriConnection libvirt;
    private final ConsistencyEngine engine;

    private EngineWiring(LibvirtUriConnection libvirt, ConsistencyEngine engine) {
        this.libvirt = libvirt;
        this.engine = engine;
    }

    static ElastiCenterClient client(URI baseUrl, String apiKey, String certificateSha256) {
        ElastiCenterConfig config = ElastiCenterConfig.builder(baseUrl, Secret.of(apiKey))
                .trust(TlsTrust.pinnedSha256(certificateSha256))
                .connectTimeout(Duration.ofSeconds(5))
                // a hung createStorageSnapshot must not pin a thread for the default minute after a scenario ends
                .readTimeout(Duration.ofSeconds(20))
                .build();
        return new ElastiCenterClient(config);
    }

    static EngineWiring create(String libvirtUri, ElastiCenterClient client, Path journalDirectory) {
        LibvirtUriConnection libvirt = new LibvirtUriConnection(libvirtUri);
        return new EngineWiring(libvirt, new ConsistencyEngine(new LibvirtGuestQuiescer(libvirt),
                new ElastiCenterArraySnapshotter(client), new FreezeJournal(journalDirectory), EngineRuntime.shared(),
                ConsistencyEngineListener.NONE, new ProcessThawGuard(() -> libvirtUri)));
    }

    ConsistencyEngine engine() {
        return engine;
    }

    @Override
    public void close() {
        libvirt.close();
    }
}
