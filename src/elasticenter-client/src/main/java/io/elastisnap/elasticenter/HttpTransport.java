// Licensed under the Apache License, Version 2.0. See LICENSE in the project root.
package io.elastisnap.elasticenter;

import org.apache.http.Header;
import org.apache.http.HttpEntity;
import org.apache.http.NoHttpResponseException;
import org.apache.http.client.ClientProtocolException;
import org.apache.http.client.config.RequestConfig;
import org.apache.http.client.methods.CloseableHttpResponse;
import org.apache.http.client.methods.HttpGet;
import org.apache.http.config.ConnectionConfig;
import org.apache.http.config.MessageConstraints;
import org.apache.http.config.RegistryBuilder;
import org.apache.http.config.SocketConfig;
import org.apache.http.conn.ConnectTimeoutException;
import org.apache.http.conn.ConnectionPoolTimeoutException;
import org.apache.http.conn.HttpConnectionFactory;
import org.apache.http.conn.HttpHostConnectException;
import org.apache.http.conn.ManagedHttpClientConnection;
import org.apache.http.conn.routing.HttpRoute;
import org.apache.http.conn.socket.ConnectionSocketFactory;
import org.apache.http.impl.client.CloseableHttpClient;
import org.apache.http.impl.client.HttpClients;
import org.apache.http.impl.conn.DefaultManagedHttpClientConnection;
import org.apache.http.impl.conn.PoolingHttpClientConnectionManager;
import org.apache.logging.log4j.LogManager;
import org.apache.logging.log4j.Logger;

import java.io.ByteArrayOutputStream;
import java.io.Closeable;
import java.io.IOException;
import java.io.InputStream;
import java.net.SocketTimeoutException;
import java.net.URI;
import java.net.UnknownHostException;
import java.nio.charset.StandardCharsets;
import java.util.Optional;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Sends one request and returns the raw answer, or throws the typed exception of a transport failure. One pooled,
 * thread-safe HttpClient per endpoint. Every exchange is bounded: connect, pool-wait and per-read timeouts, plus a
 * watchdog that aborts an exchange still running after connect + pool-wait + read timeout (a server trickling bytes
 * would otherwise never trip the per-read timeout), and a cap on the body size.
 *
 * <p>The key travels in the URL, so nothing here logs or reports the real URL: log lines show the URL built with a
 * masked key, and exception texts pass through the {@link Redactor}. The connections are HttpClient's non-logging
 * kind and the exec chain is the minimal one, so HttpClient's own DEBUG logging never prints the request line either.
 */
final class HttpTransport implements Closeable {
    private static final Logger LOG = LogManager.getLogger(HttpTransport.class);
    private static final AtomicLong CONNECTION_IDS = new AtomicLong();
    private static final int BODY_LOG_LIMIT = 4096;
    // Pooled connections are re-validated after this idle time, so a connection the server closed is not reused
    // for a mutation (which would fail and must not be retried).
    private static final int VALIDATE_AFTER_INACTIVITY_MS = 1000;
    private static final long CONNECTION_TIME_TO_LIVE_S = 60;

    private final ElastiCenterConfig config;
    private final Redactor redactor;
    private final String hostAndPort;
    private final PoolingHttpClientConnectionManager pool;
    private final CloseableHttpClient http;
    private final RequestConfig requestConfig;
    private final ScheduledThreadPoolExecutor watchdog;
    private final long exchangeLimitMs;

    HttpTransport(ElastiCenterConfig config, Redactor redactor) {
        this.config = config;
        this.redactor = redactor;
        URI endpoint = config.endpoint();
        this.hostAndPort = endpoint.getHost() + ":" + (endpoint.getPort() < 0 ? 443 : endpoint.getPort());
        int readMs = (int) config.readTimeout().toMillis();
        this.pool = new PoolingHttpClientConnectionManager(
                RegistryBuilder.<ConnectionSocketFactory>create()
                        .register("https", TlsSockets.socketFactory(config.trust())).build(),
                quietConnections(), null, null, CONNECTION_TIME_TO_LIVE_S, TimeUnit.SECONDS);
        pool.setMaxTotal(config.maxConnections());
        pool.setDefaultMaxPerRoute(config.maxConnections());
        pool.setValidateAfterInactivity(VALIDATE_AFTER_INACTIVITY_MS);
        pool.setDefaultSocketConfig(SocketConfig.custom().setSoTimeout(readMs).setTcpNoDelay(true).build());
        pool.setDefaultConnectionConfig(ConnectionConfig.custom().setMessageConstraints(MessageConstraints.custom()
                .setMaxHeaderCount(200).setMaxLineLength(16 * 1024).build()).build());
        // The minimal client: no redirects (they could carry the key elsewhere), no automatic retries (we decide),
        // no request-line logging.
        this.http = HttpClients.createMinimal(pool);
        this.requestConfig = RequestConfig.custom()
                .setConnectTimeout((int) config.connectTimeout().toMillis())
                .setConnectionRequestTimeout((int) config.connectionRequestTimeout().toMillis())
                .setSocketTimeout(readMs)
                .setRedirectsEnabled(false)
                .build();
        this.exchangeLimitMs = config.connectTimeout().toMillis() + config.connectionRequestTimeout().toMillis()
                + config.readTimeout().toMillis();
        this.watchdog = new ScheduledThreadPoolExecutor(1, task -> {
            Thread thread = new Thread(task, "elasticenter-watchdog-" + hostAndPort);
            thread.setDaemon(true);
            return thread;
        });
        watchdog.setRemoveOnCancelPolicy(true);
    }

    /** One exchange, no retry. */
    RawResponse send(ApiRequest request) {
        HttpGet get = new HttpGet(request.uri(config.endpoint(), config.apiKey()));
        get.setConfig(requestConfig);
        get.setHeader("Accept", "application/json");
        if (LOG.isDebugEnabled()) {
            LOG.debug("ElastiCenter request {}: GET {}", request, request.loggableUri(config.endpoint()));
        }
        AtomicBoolean overran = new AtomicBoolean();
        ScheduledFuture<?> abort = watchdog.schedule(() -> {
            overran.set(true);
            get.abort();
        }, exchangeLimitMs, TimeUnit.MILLISECONDS);
        long started = System.nanoTime();
        try (CloseableHttpResponse response = http.execute(get)) {
            int status = response.getStatusLine().getStatusCode();
            byte[] body = readBody(request, get, status, response.getEntity());
            Header description = response.getFirstHeader("X-Description");
            RawResponse raw = new RawResponse(status, response.getStatusLine().getReasonPhrase(),
                    description == null ? null : description.getValue(), body);
            logAnswer(request, raw, started);
            return raw;
        } catch (IOException e) {
            throw failure(request, e, overran.get());
        } finally {
            abort.cancel(false);
        }
    }

    private byte[] readBody(ApiRequest request, HttpGet get, int status, HttpEntity entity) throws IOException {
        if (entity == null) {
            return new byte[0];
        }
        int limit = config.maxResponseBytes();
        long declared = entity.getContentLength();
        if (declared > limit) {
            get.abort(); // closing normally would read the whole body to reuse the connection
            throw tooLarge(request, status, declared + " bytes");
        }
        ByteArrayOutputStream body = new ByteArrayOutputStream(declared > 0 ? (int) declared : 8192);
        byte[] buffer = new byte[8192];
        try (InputStream in = entity.getContent()) {
            for (int n = in.read(buffer); n != -1; n = in.read(buffer)) {
                if (body.size() + n > limit) {
                    get.abort();
                    throw tooLarge(request, status, "more than " + limit + " bytes");
                }
                body.write(buffer, 0, n);
            }
        }
        return body.toByteArray();
    }

    private ElastiCenterProtocolException tooLarge(ApiRequest request, int status, String size) {
        return new ElastiCenterProtocolException(request.command() + ": answer of " + size + " exceeds the limit of "
                + config.maxResponseBytes() + " bytes (maxResponseBytes)", ElastiCenterException.Details
                .of(request.command().wireName()).httpStatus(status).outcomeUnknown(!request.command().idempotent()));
    }

    private void logAnswer(ApiRequest request, RawResponse raw, long startedNanos) {
        if (LOG.isDebugEnabled()) {
            LOG.debug("ElastiCenter answer to {}: HTTP {}, {} bytes in {} ms", request.command(), raw.status(),
                    raw.body().length, TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - startedNanos));
        }
        if (LOG.isTraceEnabled()) {
            String body = new String(raw.body(), 0, Math.min(raw.body().length, BODY_LOG_LIMIT),
                    StandardCharsets.UTF_8);
            LOG.trace("ElastiCenter answer body of {}: {}{}", request.command(),
                    request.maskSecretsIn(redactor.redact(Redactor.maskChapSecrets(body))),
                    raw.body().length > BODY_LOG_LIMIT ? " ..." : "");
        }
    }

    /** The typed exception of an I/O failure; the cause is kept only in redacted form. */
    private ElastiCenterException failure(ApiRequest request, IOException error, boolean overran) {
        ApiCommand command = request.command();
        boolean mutation = !command.idempotent();
        ElastiCenterException.Details details = ElastiCenterException.Details.of(command.wireName());
        Throwable cause = redactor.sanitize(error);
        String detail = redactor.redact(String.valueOf(error.getMessage()));
        if (overran) {
            return new ElastiCenterTimeoutException(command + ": no complete answer from " + hostAndPort + " within "
                    + exchangeLimitMs + " ms (connect + pool wait + read timeout)" + sentNote(mutation),
                    details.outcomeUnknown(mutation), cause);
        }
        if (Thread.currentThread().isInterrupted()) {
            return new ElastiCenterException(command + ": interrupted" + sentNote(mutation),
                    details.outcomeUnknown(mutation), cause);
        }
        if (error instanceof ConnectionPoolTimeoutException) {
            return new ElastiCenterTimeoutException(command + ": no pooled connection to " + hostAndPort
                    + " became free within " + config.connectionRequestTimeout() + " (all " + config.maxConnections()
                    + " busy; raise maxConnections?)", details, cause);
        }
        if (error instanceof ConnectTimeoutException) {
            return new ElastiCenterTimeoutException(command + ": could not connect to " + hostAndPort + " within "
                    + config.connectTimeout(), details, cause);
        }
        if (error instanceof SocketTimeoutException) {
            return new ElastiCenterTimeoutException(command + ": no answer from " + hostAndPort + " within the read"
                    + " timeout of " + config.readTimeout() + sentNote(mutation), details.outcomeUnknown(mutation),
                    cause);
        }
        Optional<String> tls = TlsSockets.explain(error, hostAndPort, redactor);
        if (tls.isPresent()) {
            return new ElastiCenterTlsException(command + ": " + tls.get(), details, cause);
        }
        if (error instanceof HttpHostConnectException) {
            return new ElastiCenterConnectionException(command + ": connection to " + hostAndPort + " refused ("
                    + detail + "); is ElastiCenter running and the port right?", details, cause);
        }
        if (error instanceof UnknownHostException) {
            return new ElastiCenterConnectionException(command + ": cannot resolve host " + detail, details, cause);
        }
        if (error instanceof ClientProtocolException) {
            return new ElastiCenterProtocolException(command + ": invalid HTTP answer from " + hostAndPort + ": "
                    + detail, details.outcomeUnknown(mutation), cause);
        }
        String what = error instanceof NoHttpResponseException ? "closed the connection without answering"
                : "connection failed (" + error.getClass().getSimpleName() + ": " + detail + ")";
        return new ElastiCenterConnectionException(command + ": " + hostAndPort + " " + what + sentNote(mutation),
                details.outcomeUnknown(mutation), cause);
    }

    private static String sentNote(boolean mutation) {
        return mutation ? "; the request was sent, so the server may have carried it out" : "";
    }

    @Override
    public void close() {
        watchdog.shutdownNow();
        try {
            http.close();
        } catch (IOException e) {
            LOG.debug("Closing the HTTP client failed: {}", redactor.redact(e.toString()));
        }
        pool.shutdown();
    }

    /** Connections without HttpClient's header/wire logging: those log the request line, and with it the key. */
    private static HttpConnectionFactory<HttpRoute, ManagedHttpClientConnection> quietConnections() {
        return (route, connectionConfig) -> {
            ConnectionConfig c = connectionConfig != null ? connectionConfig : ConnectionConfig.DEFAULT;
            return new DefaultManagedHttpClientConnection("elasticenter-" + CONNECTION_IDS.incrementAndGet(),
                    c.getBufferSize(), c.getFragmentSizeHint(), null, null, c.getMessageConstraints(), null, null,
                    null, null);
        };
    }
}
