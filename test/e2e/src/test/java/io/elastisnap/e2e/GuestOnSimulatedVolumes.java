// Licensed under the Apache License, Version 2.0. See LICENSE in the project root.
package io.elastisnap.e2e;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.stream.Collectors;

import org.apache.logging.log4j.LogManager;
import org.apache.logging.log4j.Logger;

import io.elastisnap.elasticenter.DatasetSnapshot;
import io.elastisnap.elasticenter.ElastiCenterClient;
import io.elastisnap.simulator.ElastiCenterSimulator;
import io.elastisnap.simulator.SimVolume;

/**
 * What the real-guest test classes share: an ElastiCenter simulator keeping its volumes on a fresh directory of the
 * fixture's reflink store, a client to it, and one booted guest whose ext4 data disks are those volumes' images.
 */
final class GuestOnSimulatedVolumes implements AutoCloseable {
    private static final Logger LOG = LogManager.getLogger(GuestOnSimulatedVolumes.class);
    private static final long VOLUME_BYTES = 1L << 30;

    final StoreDirectory store;
    final ElastiCenterSimulator simulator;
    final ElastiCenterClient client;
    final List<SimVolume> volumes;
    final GuestVm guest;

    private GuestOnSimulatedVolumes(StoreDirectory store, ElastiCenterSimulator simulator, ElastiCenterClient client,
            List<SimVolume> volumes, GuestVm guest) {
        this.store = store;
        this.simulator = simulator;
        this.client = client;
        this.volumes = Collections.unmodifiableList(volumes);
        this.guest = guest;
    }

    static GuestOnSimulatedVolumes boot(Fixture fixture, String name, int volumeCount, boolean freezeHook) throws Exception {
        return boot(fixture, name, volumeCount, freezeHook, false);
    }

    /**
     * As {@link #boot(Fixture, String, int, boolean)}; with {@code asCloudStack} each disk gets the serial CloudStack
     * would give its volume (the id without dashes, cut to 20 characters) and every data volume its own heartbeat.
     */
    static GuestOnSimulatedVolumes boot(Fixture fixture, String name, int volumeCount, boolean freezeHook, boolean asCloudStack)
            throws Exception {
        StoreDirectory store = StoreDirectory.create(fixture, name + "-");
        ElastiCenterSimulator simulator = null;
        ElastiCenterClient client = null;
        try {
            simulator = ElastiCenterSimulator.builder().dataDirectory(store.path()).start();
            client = EngineWiring.client(simulator.baseUrl(), simulator.apiKey(), simulator.certificateSha256());
            List<SimVolume> volumes = new ArrayList<>();
            List<Path> images = new ArrayList<>();
            for (int i = 0; i < volumeCount; i++) {
                SimVolume volume = simulator.provisionVolume(name + "-data" + i, VOLUME_BYTES);
                Ext4Image.format(volume.imagePath());
                volumes.add(volume);
                images.add(volume.imagePath());
            }
            LOG.info("simulator {} with {} volumes on {} (reflink snapshots: {})", simulator.baseUrl(), volumeCount,
                    store.path(), simulator.reflinkSupported());
            List<String> serials = asCloudStack ? volumes.stream().map(v -> serialOf(v.id())).collect(Collectors.toList()) : List.of();
            return new GuestOnSimulatedVolumes(store, simulator, client, volumes,
                    GuestVm.boot(fixture, name, images, freezeHook, serials, asCloudStack));
        } catch (Exception | Error e) {
            new GuestOnSimulatedVolumes(store, simulator, client, List.of(), null).close();
            throw e;
        }
    }

    /** The disk serial CloudStack's KVM agent gives a volume: its uuid without dashes, at most 20 characters. */
    static String serialOf(String volumeId) {
        String plain = volumeId.replace("-", "");
        return plain.substring(0, Math.min(plain.length(), 20));
    }

    /** The store directory the simulator keeps its images in; scenarios may add directories of their own. */
    Path directory() {
        return store.path();
    }

    List<String> snapshotPaths(String volumeId) {
        return client.listStorageSnapshots(volumeId).stream().map(DatasetSnapshot::path).collect(Collectors.toList());
    }

    /** Every scenario starts on an empty array, so "no snapshot left" means exactly that. */
    void deleteAllSnapshots() {
        for (SimVolume volume : volumes) {
            for (String path : snapshotPaths(volume.id())) {
                client.deleteSnapshot(volume.id(), path);
            }
        }
    }

    /** Removes the guest and the simulator with its images; never throws but for the store's removal. */
    @Override
    public void close() throws IOException {
        if (guest != null) {
            guest.close();
        }
        if (client != null) {
            client.close();
        }
        if (simulator != null) {
            simulator.close();
        }
        store.close();
    }
}
