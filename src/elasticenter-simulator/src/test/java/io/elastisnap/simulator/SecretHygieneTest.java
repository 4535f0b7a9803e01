// Licensed under the Apache License, Version 2.0. See LICENSE in the project root.
package io.elastisnap.simulator;

import org.junit.Rule;
import org.junit.Test;
import org.junit.rules.TemporaryFolder;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpRequest;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.stream.Stream;

import static org.junit.Assert.assertFalse;
import static org.junit.Assert.assertTrue;

/** A full run with successes, failures, faults and admin calls never writes the API key anywhere. */
public class SecretHygieneTest {
    private static final String KEY = "SECRET_hygiene_key_5f0c1d9e7a";
    private static final Path TEST_LOG = Path.of("target", "simulator-test.log");

    @Rule
    public TemporaryFolder temp = new TemporaryFolder();

    @Test
    public void theKeyAppearsInNoLogRequestLogStateFileOrToString() throws IOException {
        Path data = temp.newFolder("data").toPath();
        StringBuilder rendered = new StringBuilder();
        try (ElastiCenterSimulator simulator = ElastiCenterSimulator.builder().apiKey(KEY).dataDirectory(data)
                .jobDuration(Duration.ofMillis(50)).start()) {
            ApiTestClient api = new ApiTestClient(simulator);
            SimDefaults defaults = simulator.defaults();
            String volumeId = ApiFlows.createVolumeId(api, defaults, "secretvol");
            api.call("createStorageSnapshot", "id", volumeId, "name", "s1");
            api.call("createStorageSnapshot", "id", volumeId, "name", "s1");            // duplicate: 530
            api.call("deleteSnapshot", "id", volumeId, "path", "nothing");              // 431
            api.call("listStorageSnapshots", "id", KEY);                                // key as a value: 431
            api.call("unknownCommand");                                                 // 432
            api.rawQuery("command=listTsm&response=json&apiKey=" + KEY + "x", Duration.ofSeconds(10)); // 401
            simulator.faults().inject("listTsm", Fault.error(530, "boom").times(1));
            api.call("listTsm");
            simulator.faults().inject("listAccount", Fault.truncatedJson().times(1));
            api.call("listAccount");
            simulator.faults().inject("listCapabilities", Fault.connectionReset());
            try {
                api.callRaw(Duration.ofSeconds(10), "listCapabilities");
            } catch (IOException expected) {
                rendered.append(expected);
            }
            simulator.faults().clear();
            api.send(HttpRequest.newBuilder(URI.create(simulator.baseUrl() + "/admin/faults?apiKey=" + KEY))
                    .GET().build());
            api.send(HttpRequest.newBuilder(URI.create(simulator.baseUrl() + "/admin/faults"))
                    .header("X-Api-Key", KEY).POST(HttpRequest.BodyPublishers.ofString("{\"fault\":\"" + KEY + "\"}"))
                    .build());
            rendered.append(simulator).append(simulator.requestLog()).append(simulator.requestLog().entries())
                    .append(simulator.faults().active()).append(defaults);
            assertTrue("the run did happen", simulator.requestLog().count("createStorageSnapshot") == 2);
        }
        assertFalse("rendered objects", rendered.toString().contains(KEY));
        String log = Files.readString(TEST_LOG, StandardCharsets.UTF_8);
        assertTrue("the test log captured this run", log.contains("secretvol"));
        assertFalse("log output contains the key", log.contains(KEY));
        try (Stream<Path> files = Files.walk(data)) {
            for (Path file : (Iterable<Path>) files.filter(Files::isRegularFile)
                    .filter(f -> f.toString().endsWith(".json") || f.toString().endsWith(".pem"))::iterator) {
                assertFalse(file + " contains the key", Files.readString(file).contains(KEY));
            }
        }
    }
}
