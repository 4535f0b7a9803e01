// Licensed under the Apache License, Version 2.0. See LICENSE in the project root.
package io.elastisnap.elasticenter;

import io.elastisnap.simulator.ElastiCenterSimulator;
import io.elastisnap.simulator.SimVolume;
import org.junit.After;
import org.junit.AfterClass;
import org.junit.Before;
import org.junit.BeforeClass;
import org.junit.Rule;
import org.junit.rules.Timeout;

import java.time.Duration;
import java.util.UUID;

/**
 * One simulator per test class over real HTTPS on loopback, a fresh client per test (pinned certificate, short
 * timeouts so every bounded wait stays well inside the JUnit timeout), faults cleared after each test.
 */
public abstract class SimulatorTestBase {
    static final long GIB = StorageSize.GIB;

    @Rule
    public final Timeout timeout = Timeout.seconds(60);

    static ElastiCenterSimulator sim;
    ElastiCenterClient client;

    @BeforeClass
    public static void startSimulator() {
        sim = ElastiCenterSimulator.builder().start();
    }

    @AfterClass
    public static void stopSimulator() {
        sim.close();
    }

    @Before
    public void openClient() {
        client = new ElastiCenterClient(config().build());
    }

    @After
    public void closeClientAndClearFaults() {
        sim.faults().clear();
        client.close();
    }

    /** Pinned trust, 2 s connect / 3 s read timeouts, job polls 5 ms doubling to 50 ms, 5 s job deadline. */
    static ElastiCenterConfig.Builder config() {
        return ElastiCenterConfig.builder(sim.baseUrl(), Secret.of(sim.apiKey()))
                .trust(TlsTrust.pinnedSha256(sim.certificateSha256()))
                .connectTimeout(Duration.ofSeconds(2))
                .readTimeout(Duration.ofSeconds(3))
                .jobPolling(Duration.ofMillis(5), Duration.ofMillis(50), Duration.ofSeconds(5));
    }

    /** A fresh 1 GiB iSCSI volume, provisioned directly in the simulator. */
    static SimVolume newVolume() {
        return sim.provisionVolume(uniqueName("vol"), GIB);
    }

    static String uniqueName(String prefix) {
        return prefix + UUID.randomUUID().toString().replace("-", "").substring(0, 12);
    }
}
