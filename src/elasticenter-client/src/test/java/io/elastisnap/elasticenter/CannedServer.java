// Licensed under the Apache License, Version 2.0. See LICENSE in the project root.
package io.elastisnap.elasticenter;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpsConfigurator;
import com.sun.net.httpserver.HttpsServer;

import java.io.IOException;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Deque;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;

/**
 * A tiny HTTPS server that answers each command with canned bodies (as Cinder's tests do with the fact sheet's
 * samples), for quirks the simulator does not produce. Records the raw query strings it receives.
 */
final class CannedServer implements AutoCloseable {
    private final TestCertificates certificate;
    private final HttpsServer server;
    private final ExecutorService executor;
    private final Map<String, Deque<Canned>> answers = new HashMap<>();
    private final List<String> queries = Collections.synchronizedList(new ArrayList<>());

    private CannedServer(TestCertificates certificate) throws IOException {
        this.certificate = certificate;
        this.server = HttpsServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
        server.setHttpsConfigurator(new HttpsConfigurator(certificate.serverContext()));
        this.executor = Executors.newCachedThreadPool(task -> {
            Thread thread = new Thread(task, "canned-https");
            thread.setDaemon(true);
            return thread;
        });
        server.setExecutor(executor);
        server.createContext("/client/api", this::handle);
        server.start();
    }

    static CannedServer start() throws IOException {
        return start(TestCertificates.selfSigned("127.0.0.1", "localhost"));
    }

    static CannedServer start(TestCertificates certificate) throws IOException {
        return new CannedServer(certificate);
    }

    URI baseUrl() {
        return URI.create("https://127.0.0.1:" + server.getAddress().getPort());
    }

    TestCertificates certificate() {
        return certificate;
    }

    /** A client config for this server, trusting its certificate by pin, with short timeouts. */
    ElastiCenterConfig.Builder config(String apiKey) {
        return ElastiCenterConfig.builder(baseUrl(), Secret.of(apiKey))
                .trust(TlsTrust.pinnedSha256(certificate.sha256()))
                .connectTimeout(Duration.ofSeconds(2))
                .readTimeout(Duration.ofSeconds(2))
                .jobPolling(Duration.ofMillis(5), Duration.ofMillis(20),
                        Duration.ofSeconds(2));
    }

    /** Answers {@code command} with these responses in turn; the last one repeats. */
    CannedServer answer(String command, Canned... responses) {
        synchronized (answers) {
            Deque<Canned> queue = new ArrayDeque<>();
            Collections.addAll(queue, responses);
            answers.put(command, queue);
        }
        return this;
    }

    CannedServer answer(String command, int status, String body) {
        return answer(command, Canned.json(status, body));
    }

    /** The raw query strings received, oldest first. */
    List<String> queries() {
        synchronized (queries) {
            return List.copyOf(queries);
        }
    }

    /** How many requests named {@code command} arrived. */
    int count(String command) {
        return (int) queries().stream().filter(q -> command.equals(decode(q).get("command"))).count();
    }

    /** The decoded parameters of the last request named {@code command}. */
    Map<String, String> lastParameters(String command) {
        List<String> all = queries();
        for (int i = all.size() - 1; i >= 0; i--) {
            Map<String, String> parameters = decode(all.get(i));
            if (command.equals(parameters.get("command"))) {
                return parameters;
            }
        }
        throw new AssertionError("no request for " + command + " in " + all);
    }

    private void handle(HttpExchange exchange) throws IOException {
        String query = exchange.getRequestURI().getRawQuery();
        queries.add(query);
        String command = decode(query).get("command");
        Canned answer;
        synchronized (answers) {
            Deque<Canned> queue = answers.get(command);
            answer = queue == null ? null : queue.size() > 1 ? queue.poll() : queue.peek();
        }
        if (answer == null) {
            answer = Canned.json(432, "{ \"errorresponse\" : { \"uuidList\": [], \"errorcode\": 432,"
                    + " \"errortext\": \"The given command does not exist\", \"licensetype\": \"trial\" } }");
        }
        answer.send(exchange);
    }

    static Map<String, String> decode(String query) {
        Map<String, String> parameters = new LinkedHashMap<>();
        if (query == null) {
            return parameters;
        }
        for (String pair : query.split("&")) {
            int eq = pair.indexOf('=');
            parameters.put(URLDecoder.decode(pair.substring(0, eq), StandardCharsets.UTF_8),
                    URLDecoder.decode(pair.substring(eq + 1), StandardCharsets.UTF_8));
        }
        return parameters;
    }

    @Override
    public void close() {
        server.stop(0);
        executor.shutdownNow();
    }

    /** One canned HTTP answer. */
    static final class Canned {
        private final int status;
        private final byte[] body;
        private final Map<String, String> headers = new LinkedHashMap<>();
        private boolean chunked;
        private long dripMillis;

        private Canned(int status, byte[] body) {
            this.status = status;
            this.body = body;
        }

        static Canned json(int status, String body) {
            return bytes(status, body.getBytes(StandardCharsets.UTF_8));
        }

        static Canned bytes(int status, byte[] body) {
            return new Canned(status, body).header("Content-Type", "text/javascript; charset=UTF-8");
        }

        Canned header(String name, String value) {
            headers.put(name, value);
            return this;
        }

        /** Sends without Content-Length (chunked), so only the client's running count can cap the size. */
        Canned chunked() {
            this.chunked = true;
            return this;
        }

        /** Sends the body one byte at a time with this pause in between: slow, but never silent for long. */
        Canned drip(long millis) {
            this.dripMillis = millis;
            return this;
        }

        void send(HttpExchange exchange) throws IOException {
            headers.forEach((name, value) -> exchange.getResponseHeaders().add(name, value));
            exchange.sendResponseHeaders(status, chunked || dripMillis > 0 ? 0 : body.length == 0 ? -1 : body.length);
            try (OutputStream out = exchange.getResponseBody()) {
                if (dripMillis == 0) {
                    out.write(body);
                    return;
                }
                for (byte b : body) {
                    out.write(b);
                    out.flush();
                    Thread.sleep(dripMillis);
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            } catch (IOException clientGone) {
                // the client gave up; that is what drip tests provoke
            }
        }
    }
}
