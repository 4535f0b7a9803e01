// Licensed under the Apache License, Version 2.0. See LICENSE in the project root.
package io.elastisnap.bench;

import io.elastisnap.elasticenter.ElastiCenterClient;
import io.elastisnap.elasticenter.ElastiCenterConfig;
import io.elastisnap.elasticenter.Secret;
import io.elastisnap.elasticenter.TlsTrust;
import io.elastisnap.engine.ArraySnapshot;
import io.elastisnap.engine.ArraySnapshotter;
import io.elastisnap.engine.ElastiCenterArraySnapshotter;
import io.elastisnap.engine.VolumeSnapshot;
import io.elastisnap.simulator.ElastiCenterSimulator;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;

/** A simulator on loopback HTTPS and the real client talking to it (certificate pinned), as the product uses them. */
final class ArrayEndpoint implements AutoCloseable {
    final ElastiCenterSimulator simulator;
    final ElastiCenterClient client;
    final ArraySnapshotter snapshotter;

    ArrayEndpoint(Duration snapshotLatency, int connections, Path dataDirectory) {
        ElastiCenterSimulator.Builder b = ElastiCenterSimulator.builder().snapshotLatency(snapshotLatency)
                .maxConnections(connections);
        if (dataDirectory != null) {
            b.dataDirectory(dataDirectory);
        }
        simulator = b.start();
        client = new ElastiCenterClient(ElastiCenterConfig.builder(simulator.baseUrl(), Secret.of(simulator.apiKey()))
                .trust(TlsTrust.pinnedSha256(simulator.certificateSha256())).maxConnections(connections).build());
        snapshotter = new ElastiCenterArraySnapshotter(client);
    }

    /** Deletes by name, as the array lists it, so cleanup never depends on a path a snapshot call reported. */
    void deleteAll(List<ArraySnapshot> snapshots) {
        for (ArraySnapshot s : snapshots) {
            client.findStorageSnapshot(s.volumeId(), s.snapshotName())
                    .ifPresent(listed -> client.deleteSnapshot(s.volumeId(), listed.path()));
        }
    }

    static ArraySnapshot of(VolumeSnapshot v) {
        return new ArraySnapshot(v.volumeId(), v.snapshotName(), v.path(), v.snapshotId().orElse(null));
    }

    @Override
    public void close() {
        client.close();
        simulator.close();
    }
}
