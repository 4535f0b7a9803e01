// Licensed under the Apache License, Version 2.0. See LICENSE in the project root.
package io.elastisnap.cloudstackit;

import java.io.IOException;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Collectors;

import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

import com.google.gson.JsonArray;
import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import com.google.gson.JsonParser;

/**
 * The management server's API as an operator's script drives it: GET with {@code response=json}, signed with the
 * admin's keys (or unsigned on the integration port), async jobs awaited through {@code queryAsyncJobResult}. Every
 * answer body (job results included) is kept for the key audit.
 */
final class CloudStackApi {
    private final URI url;
    private final String apiKey;
    private final String secretKey;
    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(10)).build();
    private final List<String> answers = new ArrayList<>();

    CloudStackApi(String url, String apiKey, String secretKey) {
        this.url = URI.create(url);
        this.apiKey = apiKey;
        this.secretKey = secretKey;
    }

    /** Every answer body received so far. */
    synchronized List<String> answers() {
        return new ArrayList<>(answers);
    }

    /** A synchronous command, or an async one's job result once the job has finished. */
    JsonObject call(String command, Map<String, String> params) {
        JsonObject answer = send(command, params);
        if (answer.has("jobid") && !"queryAsyncJobResult".equals(command)) {
            return awaitJob(command, answer.get("jobid").getAsString(), Duration.ofMinutes(10));
        }
        return answer;
    }

    JsonObject call(String command, String... keyValues) {
        return call(command, Params.of(keyValues));
    }

    /** The listed objects of a list command ({@code listStoragePools} → its {@code storagepool} array), possibly empty. */
    List<JsonObject> list(String command, String element, String... keyValues) {
        JsonObject answer = call(command, Params.of(keyValues));
        List<JsonObject> result = new ArrayList<>();
        JsonElement items = answer.get(element);
        if (items instanceof JsonArray) {
            items.getAsJsonArray().forEach(e -> result.add(e.getAsJsonObject()));
        }
        return result;
    }

    JsonObject awaitJob(String command, String jobId, Duration deadline) {
        long end = System.nanoTime() + deadline.toNanos();
        while (true) {
            JsonObject job = send("queryAsyncJobResult", Params.of("jobid", jobId));
            int status = job.get("jobstatus").getAsInt();
            if (status == 1) {
                return job.getAsJsonObject("jobresult");
            }
            if (status == 2) {
                JsonObject result = job.getAsJsonObject("jobresult");
                throw new ApiError(command, result.has("errorcode") ? result.get("errorcode").getAsInt() : 530,
                        result.has("errortext") ? result.get("errortext").getAsString() : result.toString());
            }
            if (System.nanoTime() > end) {
                throw new AssertionError(command + ": job " + jobId + " not finished after " + deadline);
            }
            sleep(500);
        }
    }

    private JsonObject send(String command, Map<String, String> params) {
        Map<String, String> all = new TreeMap<>(String.CASE_INSENSITIVE_ORDER);
        all.putAll(params);
        all.put("command", command);
        all.put("response", "json");
        if (apiKey != null) {
            all.put("apiKey", apiKey);
        }
        String query = all.entrySet().stream().map(e -> encode(e.getKey()) + "=" + encode(e.getValue())).collect(Collectors.joining("&"));
        if (secretKey != null) {
            // CloudStack signs the parameter names as they are and the values URL-encoded
            String signed = all.entrySet().stream().map(e -> e.getKey() + "=" + encode(e.getValue())).collect(Collectors.joining("&"));
            query += "&signature=" + encode(sign(signed));
        }
        HttpRequest request = HttpRequest.newBuilder(URI.create(url + "?" + query)).timeout(Duration.ofMinutes(5)).GET().build();
        HttpResponse<String> response;
        try {
            response = http.send(request, HttpResponse.BodyHandlers.ofString());
        } catch (IOException e) {
            throw new IllegalStateException("management server at " + url + " unreachable (" + command + "): " + e, e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
        synchronized (this) {
            answers.add(response.body());
        }
        JsonObject body;
        try {
            body = JsonParser.parseString(response.body()).getAsJsonObject();
        } catch (RuntimeException e) {
            throw new IllegalStateException(command + ": HTTP " + response.statusCode() + ", not a JSON answer (is " + url
                    + " a management server's /client/api?): " + abbreviate(response.body()));
        }
        JsonObject answer = body.entrySet().iterator().next().getValue().getAsJsonObject();
        if (response.statusCode() != 200 || answer.has("errorcode")) {
            throw new ApiError(command, answer.has("errorcode") ? answer.get("errorcode").getAsInt() : response.statusCode(),
                    answer.has("errortext") ? answer.get("errortext").getAsString() : answer.toString());
        }
        return answer;
    }

    /** CloudStack's request signature: the sorted query, lower-cased, HMAC-SHA1 with the secret key, Base64. */
    private String sign(String sortedQuery) {
        try {
            Mac mac = Mac.getInstance("HmacSHA1");
            mac.init(new SecretKeySpec(secretKey.getBytes(StandardCharsets.UTF_8), "HmacSHA1"));
            return Base64.getEncoder().encodeToString(mac.doFinal(sortedQuery.toLowerCase(Locale.ROOT).getBytes(StandardCharsets.UTF_8)));
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException(e);
        }
    }

    private static String encode(String value) {
        return URLEncoder.encode(value, StandardCharsets.UTF_8).replace("+", "%20");
    }

    private static String abbreviate(String text) {
        return text.length() > 300 ? text.substring(0, 300) + "..." : text;
    }

    static void sleep(long millis) {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }
}
