// Licensed under the Apache License, Version 2.0. See LICENSE in the project root.
package io.elastisnap.chaos;

import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertTrue;

import io.elastisnap.cli.store.SnapshotNames;
import io.elastisnap.elasticenter.ElastiCenterClient;
import io.elastisnap.elasticenter.ElastiCenterConfig;
import io.elastisnap.elasticenter.ElastiCenterException;
import io.elastisnap.elasticenter.Secret;
import io.elastisnap.elasticenter.TlsTrust;
import io.elastisnap.simulator.ElastiCenterSimulator;
import io.elastisnap.simulator.RecordedRequest;
import io.elastisnap.simulator.SimVolume;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.function.BiConsumer;
import org.junit.AfterClass;
import org.junit.BeforeClass;
import org.junit.Test;

/**
 * Names and ids with query syntax, path syntax, percent signs, unicode and extreme lengths: each either reaches
 * ElastiCenter exactly as given (the simulator's request log shows the same parameters as a benign call, with the
 * value intact, and no other command ran) or is refused before anything is sent.
 */
public class HostileInputTest {
    private static final List<String> HOSTILE = List.of(
            "a&command=deleteFileSystem&id=x", "name=value", "x&apiKey=stolen", "../../etc/passwd", "a/b@c",
            "ops@example.com", "100%", "%26%3D%00", "%", "with space", "  leading and trailing  ", "tab\there",
            "new\nline", "cr\rlf", "nul\u0000byte", "unicodé-雪-🙂", "\u202Eright-to-left", "semi;colon", "#fragment",
            "?query=1", "plus+sign", "quote\"'`", "<tag>&amp;", "back\\slash", "a".repeat(300), "b".repeat(10_000),
            "é".repeat(3_000), "");

    private static ElastiCenterSimulator sim;
    private static ElastiCenterClient client;
    private static SimVolume volume;

    @BeforeClass
    public static void start() {
        SecretScanner.installLogCapture();
        String key = SecretScanner.newApiKey();
        sim = ElastiCenterSimulator.builder().apiKey(key).start();
        client = new ElastiCenterClient(ElastiCenterConfig.builder(sim.baseUrl(), Secret.of(key))
                .trust(TlsTrust.pinnedSha256(sim.certificateSha256())).readTimeout(Duration.ofSeconds(5)).build());
        volume = sim.provisionVolume("hostile-input", 1L << 30);
    }

    @AfterClass
    public static void stop() {
        client.close();
        sim.close();
    }

    @Test
    public void hostileSnapshotNamesAreEncodedExactlyOrRefusedBeforeSending() {
        check("createStorageSnapshot", (c, s) -> c.createStorageSnapshot(volume.id(), s), "snap_benign");
    }

    @Test
    public void hostileVolumeIdsAreEncodedExactlyOrRefusedBeforeSending() {
        check("listStorageSnapshots", (c, s) -> c.listStorageSnapshots(s), volume.id());
    }

    @Test
    public void hostileSnapshotPathsAreEncodedExactlyOrRefusedBeforeSending() {
        String benign = volume.zfsPath() + "@missing";
        check("deleteSnapshot", (c, s) -> c.deleteSnapshot(volume.id(), s), benign);
        check("rollbackToSnapshot", (c, s) -> c.rollbackToSnapshot(volume.id(), s), benign);
    }

    @Test
    public void cliSnapshotNamesOfHostileDomainsAndDisksAreZfsSafe() {
        for (String hostile : HOSTILE) {
            if (hostile.isEmpty()) {
                continue; // libvirt has no empty domain names or disk targets; the CLI looks both up first
            }
            String name = SnapshotNames.name(hostile, hostile, SnapshotNames.newSetId());
            assertTrue("not ZFS-safe: " + name, name.matches("[A-Za-z0-9_.:-]{1,200}"));
            assertTrue("our own name must be recognised as ours: " + name, SnapshotNames.isOurs(name));
            ChaosReport.count("hostile.cliSnapshotNames");
        }
    }

    @Test
    public void configurationObjectsNeverShowTheKey() {
        // toString and Java serialization of what callers log or keep: the counts go into the suite's key total
        String key = sim.apiKey();
        ElastiCenterConfig config = client.config();
        int found = SecretScanner.scan("toString", config + " " + client + " " + config.apiKey() + " " + config.trust());
        found += SecretScanner.scan("serialized", SecretScanner.serialized(config.apiKey()));
        assertEquals("the key must not show in toString or serialized forms", 0, found);
        assertTrue("positive control: the scanner must find this key where it is", SecretScanner.occurrences("url?apiKey="
                + java.net.URLEncoder.encode(key, java.nio.charset.StandardCharsets.UTF_8) + " and " + key) >= 2);
    }

    private void check(String command, BiConsumer<ElastiCenterClient, String> call, String benign) {
        Set<String> benignParameters = parametersOf(command, () -> call.accept(client, benign));
        for (String hostile : HOSTILE) {
            int before = sim.requestLog().entries().size();
            String result;
            try {
                call.accept(client, hostile);
                result = "accepted";
            } catch (IllegalArgumentException e) {
                SecretScanner.scan("exception", e);
                List<RecordedRequest> sentFirst = sim.requestLog().entries().subList(before, sim.requestLog().entries().size());
                assertEquals(command + " refused '" + printable(hostile) + "' but something was sent: " + sentFirst,
                        before, sim.requestLog().entries().size());
                ChaosReport.count("hostile." + command + ".refusedBeforeSending");
                continue;
            } catch (ElastiCenterException e) {
                SecretScanner.scan("exception", e);
                result = e.getClass().getSimpleName();
            }
            String outcome = result;
            List<RecordedRequest> sent = new ArrayList<>(sim.requestLog().entries().subList(before,
                    sim.requestLog().entries().size()));
            RecordedRequest request = sent.stream().filter(r -> command.equals(r.command())).findFirst()
                    .orElseThrow(() -> new AssertionError(command + " with '" + printable(hostile) + "' (" + outcome
                            + ") sent no " + command + " but " + sent));
            assertEquals("parameter names of " + command + " with '" + printable(hostile) + "': injection?",
                    benignParameters, new TreeSet<>(request.parameters().keySet()));
            assertTrue(command + ": the hostile value must arrive intact: '" + printable(hostile) + "' vs "
                    + request.parameters(), request.parameters().containsValue(hostile));
            for (RecordedRequest r : sent) {
                assertTrue("unexpected command after " + command + ": " + r.command(),
                        r.command().equals(command) || r.command().startsWith("list"));
            }
            assertTrue("the volume must survive: " + command, sim.volume(volume.id()).isPresent());
            ChaosReport.count("hostile." + command + ".sentExactly." + outcome);
        }
    }

    private static Set<String> parametersOf(String command, Runnable benignCall) {
        int before = sim.requestLog().entries().size();
        try {
            benignCall.run();
        } catch (ElastiCenterException e) {
            // a benign call may fail (e.g. missing snapshot); its parameters are what matter
        }
        return sim.requestLog().entries().subList(before, sim.requestLog().entries().size()).stream()
                .filter(r -> command.equals(r.command())).findFirst()
                .map(r -> (Set<String>) new TreeSet<>(r.parameters().keySet()))
                .orElseThrow(() -> new AssertionError("benign " + command + " sent nothing"));
    }

    private static String printable(String s) {
        String shown = s.length() > 40 ? s.substring(0, 40) + "...(" + s.length() + " chars)" : s;
        StringBuilder sb = new StringBuilder();
        shown.codePoints().forEach(cp -> sb.append(Character.isISOControl(cp) ? String.format("\\u%04x", cp)
                : new String(Character.toChars(cp))));
        return sb.toString();
    }
}
