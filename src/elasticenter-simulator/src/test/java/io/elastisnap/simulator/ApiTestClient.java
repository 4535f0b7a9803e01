// Licensed under the Apache License, Version 2.0. See LICENSE in the project root.
package io.elastisnap.simulator;

import com.google.gson.JsonObject;
import com.google.gson.JsonParser;

import javax.net.ssl.SSLContext;
import javax.net.ssl.TrustManagerFactory;
import java.io.IOException;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.security.KeyStore;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.util.StringJoiner;

import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertTrue;

/** A plain JDK HTTPS client that trusts exactly the simulator's certificate; no dependency on our client module. */
final class ApiTestClient {
    static final Duration DEFAULT_TIMEOUT = Duration.ofSeconds(20);

    private final ElastiCenterSimulator simulator;
    private final HttpClient http;

    ApiTestClient(ElastiCenterSimulator simulator) {
        this.simulator = simulator;
        this.http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
                .sslContext(trusting(simulator.certificate())).connectTimeout(Duration.ofSeconds(5)).build();
    }

    static SSLContext trusting(X509Certificate certificate) {
        try {
            KeyStore store = KeyStore.getInstance("PKCS12");
            store.load(null, null);
            store.setCertificateEntry("simulator", certificate);
            TrustManagerFactory trust = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
            trust.init(store);
            SSLContext context = SSLContext.getInstance("TLS");
            context.init(null, trust.getTrustManagers(), null);
            return context;
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    /** Calls {@code command} with the right key, response=json and name/value pairs. */
    Response call(String command, String... namesAndValues) {
        return call(DEFAULT_TIMEOUT, command, namesAndValues);
    }

    Response call(Duration timeout, String command, String... namesAndValues) {
        StringJoiner query = new StringJoiner("&");
        query.add("command=" + encode(command)).add("response=json").add("apiKey=" + encode(simulator.apiKey()));
        for (int i = 0; i < namesAndValues.length; i += 2) {
            query.add(encode(namesAndValues[i]) + "=" + encode(namesAndValues[i + 1]));
        }
        return rawQuery(query.toString(), timeout);
    }

    /** GET /client/api?{query} exactly as given. */
    Response rawQuery(String query, Duration timeout) {
        try {
            return send(HttpRequest.newBuilder(URI.create(simulator.baseUrl() + "/client/api?" + query))
                    .timeout(timeout).GET().build());
        } catch (IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }

    /** Like {@link #call} but lets transport failures surface. */
    Response callRaw(Duration timeout, String command) throws IOException {
        String query = "command=" + command + "&response=json&apiKey=" + encode(simulator.apiKey());
        return send(HttpRequest.newBuilder(URI.create(simulator.baseUrl() + "/client/api?" + query))
                .timeout(timeout).GET().build());
    }

    Response send(HttpRequest request) throws IOException {
        try {
            HttpResponse<String> response = http.send(request, HttpResponse.BodyHandlers.ofString());
            return new Response(response);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IOException("interrupted", e);
        }
    }

    static String encode(String value) {
        return URLEncoder.encode(value, StandardCharsets.UTF_8);
    }

    /** One HTTP answer. */
    static final class Response {
        final int status;
        final String body;
        final HttpResponse<String> raw;

        Response(HttpResponse<String> raw) {
            this.raw = raw;
            this.status = raw.statusCode();
            this.body = raw.body();
        }

        JsonObject json() {
            return JsonParser.parseString(body).getAsJsonObject();
        }

        /** Asserts HTTP 200 and the single top-level key, returns what is inside. */
        JsonObject ok(String envelope) {
            assertEquals("HTTP status of " + body, 200, status);
            JsonObject json = json();
            assertEquals("top-level keys of " + body, 1, json.size());
            assertTrue("envelope " + envelope + " in " + body, json.has(envelope));
            return json.getAsJsonObject(envelope);
        }

        /** Asserts the error shape: status = errorcode, error inside {@code envelope}, X-Description = errortext. */
        JsonObject error(String envelope, int code) {
            assertEquals("HTTP status of " + body, code, status);
            JsonObject json = json();
            assertEquals(1, json.size());
            JsonObject error = json.getAsJsonObject(envelope);
            assertEquals(code, error.get("errorcode").getAsInt());
            assertTrue(error.getAsJsonArray("uuidList").isEmpty());
            assertTrue(error.has("licensetype"));
            assertEquals(error.get("errortext").getAsString(), header("X-Description"));
            return error;
        }

        String errorText(String envelope, int code) {
            return error(envelope, code).get("errortext").getAsString();
        }

        String header(String name) {
            return raw.headers().firstValue(name).orElse(null);
        }
    }
}
