// Licensed under the Apache License, Version 2.0. See LICENSE in the project root.
package io.elastisnap.engine.pool;

import io.elastisnap.elasticenter.ElastiCenterClient;
import io.elastisnap.elasticenter.ElastiCenterConfig;
import io.elastisnap.elasticenter.IscsiService;
import io.elastisnap.elasticenter.Secret;
import io.elastisnap.elasticenter.TlsTrust;
import io.elastisnap.simulator.ElastiCenterSimulator;
import io.elastisnap.simulator.SimVolume;
import java.util.List;

/** A simulator, a client of it, and clones of a pool volume's snapshot, for the clone hosts' tests. */
final class SimulatedClones implements AutoCloseable {
    static final String CHAP_GROUP = "esnap-restore-chap";
    static final String CHAP_USER = "esnaprestore";
    static final Secret CHAP_SECRET = Secret.of("Chap-S3cret-7q2w");

    final ElastiCenterSimulator sim;
    final ElastiCenterClient client;
    final SimVolume pool;

    SimulatedClones(ElastiCenterSimulator.Builder options, boolean nfs) {
        sim = options.start();
        client = new ElastiCenterClient(ElastiCenterConfig.builder(sim.baseUrl(), Secret.of(sim.apiKey()))
                .trust(TlsTrust.pinnedSha256(sim.certificateSha256())).build());
        pool = nfs ? sim.provisionNfsShare("pool", 64L << 20) : sim.provisionVolume("pool", 64L << 20);
    }

    /** The pool's auth group with the CHAP user a restore logs in as. */
    SimulatedClones withChapGroup() {
        client.addIscsiAuthGroup(sim.defaults().accountId(), CHAP_GROUP, CHAP_USER, CHAP_SECRET);
        return this;
    }

    /** A clone volume of a new snapshot of the pool volume, as a restore makes it. */
    String clone(String name) {
        client.createStorageSnapshot(pool.id(), "s-" + name);
        String path = client.findStorageSnapshot(pool.id(), "s-" + name).orElseThrow().path();
        return client.cloneDatasetSnapshot(pool.id(), path, name).id();
    }

    String iqn(String volumeId) {
        return client.findFileSystem(volumeId).orElseThrow().iqn().orElseThrow();
    }

    /** The names of the initiator groups the volume's iSCSI services are open to, and their auth methods. */
    String access(String volumeId) {
        List<IscsiService> services = client.listVolumeIscsiServices(volumeId);
        StringBuilder text = new StringBuilder();
        for (IscsiService s : services) {
            String group = client.listIscsiInitiators(sim.defaults().accountId()).stream()
                    .filter(i -> s.initiatorGroupId().map(i.id()::equalsIgnoreCase).orElse(false))
                    .map(i -> i.initiatorGroup().orElse("?")).findFirst().orElse("-");
            text.append(group).append('/').append(s.authMethod().orElse("-"));
        }
        return text.toString();
    }

    @Override
    public void close() {
        client.close();
        sim.close();
    }
}
