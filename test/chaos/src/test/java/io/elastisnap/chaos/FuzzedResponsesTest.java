// Licensed under the Apache License, Version 2.0. See LICENSE in the project root.
package io.elastisnap.chaos;

import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertTrue;

import com.google.gson.JsonArray;
import com.google.gson.JsonElement;
import com.google.gson.JsonNull;
import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import com.google.gson.JsonPrimitive;
import io.elastisnap.elasticenter.ElastiCenterClient;
import io.elastisnap.elasticenter.ElastiCenterConfig;
import io.elastisnap.elasticenter.ElastiCenterException;
import io.elastisnap.elasticenter.Secret;
import io.elastisnap.elasticenter.TlsTrust;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.Consumer;
import org.junit.AfterClass;
import org.junit.BeforeClass;
import org.junit.Test;

/**
 * ElastiCenter answers fuzzed: a canned HTTPS server serves seeded random mutations of the fact sheet's real responses
 * (wrong types, dropped fields, huge and deeply nested values, invalid UTF-8, truncation, broken HTTP, silence).
 * Every client call must end, within a bound, in a result or a typed {@link ElastiCenterException}.
 */
public class FuzzedResponsesTest {
    /** Longest a call may take: 3 attempts of a read, each cut off after read + connect + pool timeouts, plus pauses. */
    private static final Duration CALL_BOUND = Duration.ofSeconds(20);
    private static final String VOLUME_ID = "1d7703cd-bef9-311d-a13a-85caccce891a";
    private static final String SNAPSHOT_PATH = "Pool1/ACC/vol@snap_c60890b1f23646f29e6d51e6e592cee6";

    private enum Mutation {
        VALID, WRONG_TYPE, DROP_FIELD, NULL_FIELD, HUGE_STRING_FIELD, DEEP_NESTING, WRONG_ENVELOPE, ARRAY_AT_TOP,
        ERROR_SAMPLE, TRUNCATED, SHORT_BODY, INVALID_UTF8, BYTE_FLIPS, HUGE_BODY, HUGE_DECLARED_LENGTH, HTML_5XX,
        EMPTY_BODY, NOT_JSON, GARBAGE_STATUS_LINE, BROKEN_CHUNKED, GZIP_LIE, DUPLICATE_KEYS, HANG, TRICKLE
    }

    private static final Map<String, String> SAMPLE_BY_COMMAND = new LinkedHashMap<>();
    private static final List<String> ERROR_SAMPLES = new ArrayList<>();
    private static String apiKey;
    private static TestCertificates.Identity identity;
    private static ExecutorService caller;

    @BeforeClass
    public static void loadSamples() throws IOException {
        SecretScanner.installLogCapture();
        Path dir = ChaosSettings.repoRoot().resolve("src/elasticenter-client/src/test/resources/factsheet");
        SAMPLE_BY_COMMAND.put("listFileSystem", read(dir, "L1-listFileSystem.json"));
        SAMPLE_BY_COMMAND.put("createStorageSnapshot", read(dir, "S1-createStorageSnapshot.json"));
        SAMPLE_BY_COMMAND.put("listStorageSnapshots", read(dir, "S2-listStorageSnapshots.json"));
        SAMPLE_BY_COMMAND.put("deleteSnapshot", read(dir, "S2-deleteSnapshot.json"));
        SAMPLE_BY_COMMAND.put("deleteFileSystem", read(dir, "Q2-deleteFileSystem.json"));
        SAMPLE_BY_COMMAND.put("queryAsyncJobResult", read(dir, "Q2-queryAsyncJobResult.json"));
        // [INFERRED] like the simulator: no capture of this envelope exists
        SAMPLE_BY_COMMAND.put("rollbackToSnapshot", "{ \"rollbackToSnapshotResponse\" : { \"success\" : true,"
                + " \"destroyedsnapshots\" : [] } }");
        for (String f : new String[] {"E1-401-listTsm.json", "E2-432-unknown-command.json", "E3-530-addQosGroup.json",
                "E4-431-deleteSnapshot.json", "Q3-queryAsyncJobResult-failed.json"}) {
            ERROR_SAMPLES.add(read(dir, f));
        }
        apiKey = SecretScanner.newApiKey();
        identity = TestCertificates.valid();
        caller = Executors.newCachedThreadPool(r -> {
            Thread t = new Thread(r, "fuzz-call");
            t.setDaemon(true);
            return t;
        });
    }

    @AfterClass
    public static void stop() {
        caller.shutdownNow();
    }

    private static String read(Path dir, String file) throws IOException {
        return Files.readString(dir.resolve(file), StandardCharsets.UTF_8);
    }

    @Test
    public void everyFuzzedAnswerEndsInResultOrTypedErrorWithinBound() throws Exception {
        Random random = new Random(ChaosSettings.SEED);
        List<String> untyped = new ArrayList<>();
        long slowest = 0;
        long maxHeap = 0;
        try (RawHttpsServer server = new RawHttpsServer(identity.serverContext(), (h, o, s) -> { });
             ElastiCenterClient client = new ElastiCenterClient(config(server))) {
            List<Map.Entry<String, Consumer<ElastiCenterClient>>> calls = calls();
            for (int i = 0; i < ChaosSettings.FUZZ_CASES; i++) {
                Map.Entry<String, Consumer<ElastiCenterClient>> call = calls.get(random.nextInt(calls.size()));
                Mutation mutation = pick(random);
                long caseSeed = random.nextLong();
                server.responder((head, out, srv) -> answer(head, out, srv, mutation, new Random(caseSeed)));
                long started = System.nanoTime();
                String outcome = outcome(client, call.getValue());
                long millis = (System.nanoTime() - started) / 1_000_000;
                slowest = Math.max(slowest, millis);
                ChaosReport.count("fuzz.cases");
                ChaosReport.count("fuzz.mutation." + mutation);
                ChaosReport.count("fuzz.outcome." + outcome);
                if (!outcome.startsWith("ok") && !outcome.startsWith("ElastiCenter")) {
                    untyped.add("case " + i + " " + call.getKey() + " x " + mutation + ": " + outcome);
                }
                Runtime rt = Runtime.getRuntime();
                maxHeap = Math.max(maxHeap, rt.totalMemory() - rt.freeMemory());
            }
        }
        ChaosReport.max("fuzz.slowestCallMillis", slowest);
        ChaosReport.max("fuzz.maxHeapUsedMiB", maxHeap >> 20);
        System.out.println("fuzz outcomes: " + ChaosReport.section("fuzz.outcome.") + ", slowest call " + slowest + " ms");
        assertEquals("fuzzed answers must give a result or a typed ElastiCenterException, never a hang or another"
                + " exception: " + untyped, List.of(), untyped);
        assertTrue("the fuzz must have provoked typed errors", ChaosReport.section("fuzz.outcome.").keySet().stream()
                .anyMatch(k -> k.startsWith("ElastiCenter")));
    }

    private static ElastiCenterConfig config(RawHttpsServer server) {
        return ElastiCenterConfig.builder(server.baseUrl(), Secret.of(apiKey))
                .trust(TlsTrust.pinnedSha256(identity.sha256()))
                .connectTimeout(Duration.ofSeconds(1)).readTimeout(Duration.ofMillis(800))
                .connectionRequestTimeout(Duration.ofSeconds(1))
                .jobPolling(Duration.ofMillis(10), Duration.ofMillis(50), Duration.ofMillis(1500))
                .build();
    }

    private static List<Map.Entry<String, Consumer<ElastiCenterClient>>> calls() {
        Map<String, Consumer<ElastiCenterClient>> calls = new LinkedHashMap<>();
        calls.put("listFileSystems", c -> c.listFileSystems(null));
        calls.put("findFileSystem", c -> c.findFileSystem(VOLUME_ID));
        calls.put("createStorageSnapshot", c -> c.createStorageSnapshot(VOLUME_ID, "snap_fuzz"));
        calls.put("listStorageSnapshots", c -> c.listStorageSnapshots(VOLUME_ID));
        calls.put("deleteSnapshot", c -> c.deleteSnapshot(VOLUME_ID, SNAPSHOT_PATH));
        calls.put("rollbackToSnapshot", c -> c.rollbackToSnapshot(VOLUME_ID, SNAPSHOT_PATH));
        calls.put("deleteFileSystem", c -> c.deleteFileSystem(VOLUME_ID, false));
        calls.put("queryAsyncJobResult", c -> c.queryAsyncJobResult("213156a2-4d65-4e9d-9a4e-2bd29c53bb68"));
        return new ArrayList<>(calls.entrySet());
    }

    /** Slow mutations (silence, trickle) are rarer so the CI profile stays short. */
    private static Mutation pick(Random random) {
        Mutation m = Mutation.values()[random.nextInt(Mutation.values().length)];
        if ((m == Mutation.HANG || m == Mutation.TRICKLE) && random.nextInt(3) != 0) {
            return Mutation.VALID;
        }
        return m;
    }

    /** "ok", the simple name of the exception's class, or a description of a hang. */
    private static String outcome(ElastiCenterClient client, Consumer<ElastiCenterClient> call) throws InterruptedException {
        Future<?> f = caller.submit(() -> call.accept(client));
        try {
            f.get(CALL_BOUND.toMillis(), TimeUnit.MILLISECONDS);
            return "ok";
        } catch (TimeoutException e) {
            f.cancel(true);
            return "HANG(no answer within " + CALL_BOUND.toSeconds() + " s)";
        } catch (ExecutionException e) {
            Throwable cause = e.getCause();
            SecretScanner.scan("exception", cause);
            if (cause instanceof ElastiCenterException) {
                return cause.getClass().getSimpleName();
            }
            return "UNTYPED " + cause;
        }
    }

    private static void answer(String head, OutputStream out, RawHttpsServer server, Mutation mutation, Random random)
            throws IOException {
        String command = commandOf(head);
        String sample = SAMPLE_BY_COMMAND.getOrDefault(command, SAMPLE_BY_COMMAND.get("listFileSystem"));
        switch (mutation) {
            case VALID:
                send(out, 200, "application/json", bytes(sample));
                return;
            case WRONG_TYPE:
            case DROP_FIELD:
            case NULL_FIELD:
            case HUGE_STRING_FIELD:
            case DEEP_NESTING:
                send(out, 200, "application/json", bytes(mutateTree(sample, mutation, random)));
                return;
            case WRONG_ENVELOPE:
                List<String> others = new ArrayList<>(SAMPLE_BY_COMMAND.values());
                send(out, 200, "application/json", bytes(others.get(random.nextInt(others.size()))));
                return;
            case ARRAY_AT_TOP:
                send(out, 200, "application/json", bytes("[" + sample + "]"));
                return;
            case ERROR_SAMPLE:
                String error = ERROR_SAMPLES.get(random.nextInt(ERROR_SAMPLES.size()));
                int[] statuses = {200, 401, 431, 432, 530, 500};
                send(out, statuses[random.nextInt(statuses.length)], "application/json", bytes(error));
                return;
            case TRUNCATED:
                byte[] full = bytes(sample);
                byte[] cut = new byte[random.nextInt(full.length)];
                System.arraycopy(full, 0, cut, 0, cut.length);
                send(out, 200, "application/json", cut);
                return;
            case SHORT_BODY:
                byte[] whole = bytes(sample);
                writeHead(out, 200, "application/json", "Content-Length: " + whole.length);
                out.write(whole, 0, whole.length / 2);
                return;
            case INVALID_UTF8:
                send(out, 200, "application/json; charset=UTF-8", insert(bytes(sample), random,
                        new byte[][] {{(byte) 0xC3, 0x28}, {(byte) 0xFF}, {(byte) 0xC0, (byte) 0xAF}, {(byte) 0xED, (byte) 0xA0, (byte) 0x80}, {0}}));
                return;
            case BYTE_FLIPS:
                byte[] flipped = bytes(sample);
                for (int k = 0; k < 1 + random.nextInt(8); k++) {
                    flipped[random.nextInt(flipped.length)] ^= (byte) (1 << random.nextInt(8));
                }
                send(out, 200, "application/json", flipped);
                return;
            case HUGE_BODY:
                writeHead(out, 200, "application/json", "Content-Length: " + (17L << 20));
                byte[] spaces = new byte[1 << 20];
                java.util.Arrays.fill(spaces, (byte) ' ');
                for (int k = 0; k < 17; k++) {
                    out.write(spaces);
                }
                return;
            case HUGE_DECLARED_LENGTH:
                writeHead(out, 200, "application/json", "Content-Length: " + Long.MAX_VALUE / 2);
                out.write(bytes(sample));
                return;
            case HTML_5XX:
                int[] codes = {500, 502, 503, 504};
                send(out, codes[random.nextInt(codes.length)], "text/html", bytes("<html><body>Bad Gateway</body></html>"));
                return;
            case EMPTY_BODY:
                send(out, 200, "application/json", new byte[0]);
                return;
            case NOT_JSON:
                send(out, 200, "text/plain", bytes("OK " + command));
                return;
            case GARBAGE_STATUS_LINE:
                out.write(bytes("HTTP/1.1 twohundred OK\r\n\r\n" + sample));
                return;
            case BROKEN_CHUNKED:
                writeHead(out, 200, "application/json", "Transfer-Encoding: chunked");
                out.write(bytes("zz\r\n" + sample + "\r\n0\r\n\r\n"));
                return;
            case GZIP_LIE:
                writeHead(out, 200, "application/json", "Content-Encoding: gzip\r\nContent-Length: " + bytes(sample).length);
                out.write(bytes(sample));
                return;
            case DUPLICATE_KEYS:
                int brace = sample.indexOf('{', 1);
                send(out, 200, "application/json", bytes(brace < 0 ? sample
                        : sample.substring(0, brace + 1) + "\"count\": \"x\", \"count\": [1], " + sample.substring(brace + 1)));
                return;
            case HANG:
                server.holdOpen(15_000);
                return;
            case TRICKLE:
                writeHead(out, 200, "application/json", "Content-Length: " + bytes(sample).length);
                for (byte b : bytes(sample)) {
                    out.write(b);
                    out.flush();
                    server.holdOpen(300);
                }
                return;
            default:
                throw new IllegalStateException(mutation.name());
        }
    }

    private static String mutateTree(String sample, Mutation mutation, Random random) {
        JsonElement root = JsonParser.parseString(sample);
        List<JsonObject> parents = new ArrayList<>();
        collectObjects(root, parents);
        JsonObject parent = parents.get(random.nextInt(parents.size()));
        List<String> keys = new ArrayList<>(parent.keySet());
        if (keys.isEmpty()) {
            return sample;
        }
        String key = keys.get(random.nextInt(keys.size()));
        switch (mutation) {
            case DROP_FIELD:
                parent.remove(key);
                break;
            case NULL_FIELD:
                parent.add(key, JsonNull.INSTANCE);
                break;
            case HUGE_STRING_FIELD:
                parent.addProperty(key, "x".repeat(4 << 20));
                break;
            case DEEP_NESTING:
                return root.toString().replace("\"" + key + "\":", "\"" + key + "\":" + "[".repeat(20_000) + "1"
                        + "]".repeat(20_000) + ",\"" + key + "-orig\":");
            default:
                parent.add(key, wrongType(parent.get(key), random));
        }
        return root.toString();
    }

    private static JsonElement wrongType(JsonElement current, Random random) {
        JsonElement[] candidates = {new JsonPrimitive(random.nextInt()), new JsonPrimitive("not-" + random.nextInt(100)),
                new JsonPrimitive(true), new JsonArray(), new JsonObject(), new JsonPrimitive(-1e308),
                new JsonPrimitive("")};
        JsonElement chosen;
        do {
            chosen = candidates[random.nextInt(candidates.length)];
        } while (current != null && chosen.getClass() == current.getClass() && !current.isJsonPrimitive());
        return chosen;
    }

    private static void collectObjects(JsonElement e, List<JsonObject> into) {
        if (e.isJsonObject()) {
            into.add(e.getAsJsonObject());
            e.getAsJsonObject().entrySet().forEach(m -> collectObjects(m.getValue(), into));
        } else if (e.isJsonArray()) {
            e.getAsJsonArray().forEach(x -> collectObjects(x, into));
        }
    }

    private static byte[] insert(byte[] body, Random random, byte[][] choices) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        int at = random.nextInt(body.length);
        out.write(body, 0, at);
        byte[] bad = choices[random.nextInt(choices.length)];
        out.write(bad, 0, bad.length);
        out.write(body, at, body.length - at);
        return out.toByteArray();
    }

    private static String commandOf(String head) {
        int at = head.indexOf("command=");
        if (at < 0) {
            return "";
        }
        int end = at + "command=".length();
        while (end < head.length() && head.charAt(end) != '&' && head.charAt(end) != ' ') {
            end++;
        }
        return head.substring(at + "command=".length(), end);
    }

    private static byte[] bytes(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }

    private static void writeHead(OutputStream out, int status, String type, String extraHeaders) throws IOException {
        out.write(bytes("HTTP/1.1 " + status + " X\r\nContent-Type: " + type + "\r\nConnection: close\r\n"
                + extraHeaders + "\r\n\r\n"));
    }

    private static void send(OutputStream out, int status, String type, byte[] body) throws IOException {
        writeHead(out, status, type, "Content-Length: " + body.length);
        out.write(body);
    }
}
